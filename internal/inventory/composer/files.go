package composer

// The largest files read. Lockfiles of big applications reach a few
// megabytes; installed.json is about the same size as the lockfile.
const (
	maxLockfileSize = 64 << 20
	maxManifestSize = 8 << 20
)
