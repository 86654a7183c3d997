package npm

// lockGraph is what every lockfile parser returns, whatever the format:
// the packages it pins and, for each importer (the root project and each
// workspace), the packages it depends on directly. Dependencies are
// already resolved to package IDs, so the extractor never needs to know
// the format's own resolution rules.
type lockGraph struct {
	// Format names the file and its version, as shown to the user:
	// "package-lock.json v3", "yarn.lock v1", "yarn.lock berry v8",
	// "pnpm-lock.yaml v9.0".
	Format string
	// Packages by ID. The ID is the parser's own unique key (an install
	// path for package-lock, name@version plus peer suffix for pnpm, ...).
	Packages map[string]*lockPackage
	// Importers by workspace path relative to the lockfile's directory,
	// slash-separated; "" is the root project.
	Importers map[string]*lockImporter
}

// lockPackage is one pinned package.
type lockPackage struct {
	ID      string
	Name    string
	Version string
	// Resolved is the download location or locator the lockfile records.
	Resolved string
	// Integrity is the SRI string (sha512-…) or checksum the lockfile
	// records, as written.
	Integrity string
	// License is the declared license when the lockfile records one
	// (package-lock v2+ does for some packages).
	License string
	// Scope flags as the lockfile states them; when a format states none
	// the extractor derives scope from the importers' edges.
	Dev, Optional, Peer bool
	// ScopeKnown is true when the flags above come from the lockfile.
	ScopeKnown bool
	// Deps are the IDs of the packages this one depends on (all kinds).
	Deps []string
	// InstallPath is where npm would install it ("node_modules/a/node_modules/b"),
	// when the format says.
	InstallPath string
	// Workspace is true for a link to a workspace package of this repository.
	Workspace bool
	// Bundled is true for a package shipped inside its parent's tarball.
	Bundled bool
}

// lockImporter is the root project or one workspace.
type lockImporter struct {
	Path string
	// Name of the importer's package when known.
	Name string
	// Direct dependencies by kind, as package IDs.
	Prod, Dev, Optional, Peer []string
}
