package python

// Bounds on the files read. Lockfiles of the largest monorepos are tens of
// megabytes; a manifest or a metadata file is far smaller.
const (
	maxLockfileSize = 64 << 20
	maxManifestSize = 4 << 20
	maxMetadataSize = 8 << 20
	maxSmallFile    = 1 << 20
)
