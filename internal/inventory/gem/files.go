package gem

// The largest files read. Lockfiles of big applications are well under a
// megabyte; a Gemfile is smaller still.
const (
	maxLockfileSize = 64 << 20
	maxManifestSize = 8 << 20
)
