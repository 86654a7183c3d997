package cargo

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/BurntSushi/toml"

	"ospo/internal/inventory"
	"ospo/internal/inventory/fsread"
)

// crateSource is a crate's unpacked sources found on this machine: a
// vendored copy, an entry of Cargo's registry cache, or a distribution's
// crate registry.
type crateSource struct {
	Dir  string
	Meta *pkgMeta
	// Checksum is the SHA-256 of the .crate file as .cargo-checksum.json
	// records it, "" when there is none or it is not a digest.
	Checksum string
	Vendored bool
}

// crateFinder looks crates up by name and version in the places Cargo
// and distributions unpack them, reading each directory once.
type crateFinder struct {
	// registries hold <name>-<version>/ directories, in order of
	// preference: Cargo's registry/src/<index>/ caches, then system
	// registries.
	registries []string
	opts       inventory.Options

	mu       sync.Mutex
	dirs     map[string]*crateSource // nil entry: no readable crate there
	problems []inventory.Problem
}

func newCrateFinder(cargoHome string, system []string, opts inventory.Options) *crateFinder {
	f := &crateFinder{opts: opts, dirs: map[string]*crateSource{}}
	if cargoHome != "" {
		src := filepath.Join(cargoHome, "registry", "src")
		if ents, err := os.ReadDir(src); err == nil {
			for _, e := range ents {
				if e.IsDir() {
					f.registries = append(f.registries, filepath.Join(src, e.Name()))
				}
			}
		}
	}
	for _, s := range system {
		if s != "" && isDir(s) {
			f.registries = append(f.registries, s)
		}
	}
	return f
}

// find returns the sources of name@version, or nil. Vendor directories
// are searched first, in both layouts `cargo vendor` writes
// (<name>/ for one version, <name>-<version>/ when several are vendored);
// registries only for crates that came from a registry.
func (f *crateFinder) find(vendorDirs []string, name, version string, fromRegistry bool) *crateSource {
	if name == "" || version == "" || !safeName(name) || !safeName(version) {
		return nil
	}
	for _, vd := range vendorDirs {
		if s := f.at(filepath.Join(vd, name+"-"+version), name, version, true); s != nil {
			return s
		}
		if s := f.at(filepath.Join(vd, name), name, version, true); s != nil {
			return s
		}
	}
	if !fromRegistry {
		return nil
	}
	for _, r := range f.registries {
		if s := f.at(filepath.Join(r, name+"-"+version), name, version, false); s != nil {
			return s
		}
	}
	return nil
}

// safeName rejects names that could step out of a directory when joined.
func safeName(s string) bool {
	if s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '\\' || c == 0 {
			return false
		}
	}
	return true
}

// at reads the crate in dir when it is name@version.
func (f *crateFinder) at(dir, name, version string, vendored bool) *crateSource {
	f.mu.Lock()
	s, seen := f.dirs[dir]
	f.mu.Unlock()
	if !seen {
		s = f.read(dir, vendored)
		f.mu.Lock()
		f.dirs[dir] = s
		f.mu.Unlock()
	}
	if s == nil || s.Meta.Name != name || s.Meta.Version != version {
		return nil
	}
	return s
}

// read reads a crate directory's Cargo.toml and checksum file.
func (f *crateFinder) read(dir string, vendored bool) *crateSource {
	path := filepath.Join(dir, "Cargo.toml")
	if !isFile(path) {
		return nil
	}
	m, msg := readManifestFile(path)
	if m == nil {
		f.problem(path, msg)
		return nil
	}
	if m.Package == nil {
		return nil
	}
	return &crateSource{Dir: dir, Meta: m.Package, Checksum: readCrateChecksum(dir), Vendored: vendored}
}

// problem records a crate that cannot be read, once: two lookups may
// read the same directory at the same time.
func (f *crateFinder) problem(path, msg string) {
	p := inventory.Problem{Path: f.opts.Rel(path), Message: msg}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range f.problems {
		if q == p {
			return
		}
	}
	f.problems = append(f.problems, p)
}

// readManifestFile reads and parses a Cargo.toml; on failure it returns a
// message for a Problem.
func readManifestFile(path string) (*manifest, string) {
	data, err := fsread.ReadBounded(path, maxManifest)
	if err != nil {
		return nil, fileError(err)
	}
	m, err := parseCargoToml(data)
	if err != nil {
		return nil, err.Error()
	}
	return m, ""
}

// readCrateChecksum reads the crate digest that `cargo vendor` and
// distributions record beside the sources. Debian writes a placeholder
// sentence when it has none, so only a SHA-256 hex digest is taken.
func readCrateChecksum(dir string) string {
	data, err := fsread.ReadBounded(filepath.Join(dir, ".cargo-checksum.json"), maxChecksum)
	if err != nil {
		return ""
	}
	var v struct {
		Package string `json:"package"`
	}
	if json.Unmarshal(data, &v) != nil || !isSHA256(v.Package) {
		return ""
	}
	return v.Package
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// vendorDirs lists the directories a workspace vendors crates into:
// vendor/ beside Cargo.lock, which is what `cargo vendor` writes by
// default, and every `directory` source of .cargo/config.toml (or the
// older .cargo/config) beside it.
func vendorDirs(dir string) []string {
	var out []string
	add := func(d string) {
		d = filepath.Clean(d)
		if isDir(d) && !containsString(out, d) {
			out = append(out, d)
		}
	}
	for _, name := range []string{"config.toml", "config"} {
		data, err := fsread.ReadBounded(filepath.Join(dir, ".cargo", name), maxConfig)
		if err != nil {
			continue
		}
		var cfg struct {
			Source map[string]struct {
				Directory string `toml:"directory"`
			} `toml:"source"`
		}
		if toml.Unmarshal(data, &cfg) != nil {
			continue
		}
		names := make([]string, 0, len(cfg.Source))
		for n := range cfg.Source {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			d := cfg.Source[n].Directory
			if d == "" {
				continue
			}
			if !filepath.IsAbs(d) {
				d = filepath.Join(dir, d)
			}
			add(d)
		}
	}
	add(filepath.Join(dir, "vendor"))
	return out
}

// isPackagedCrate reports whether dir holds a crate as Cargo unpacks it
// from a .crate file (a registry cache entry, a vendored or a
// distribution's copy) rather than a project's own sources. The markers
// are files only Cargo writes: the checksums of `cargo vendor` and
// distributions, the flag of an unpacked registry download, and the
// VCS record `cargo package` adds. (Cargo.toml.orig is no marker: patch
// leaves files of that name behind too.)
func isPackagedCrate(dir string) bool {
	for _, marker := range []string{".cargo-checksum.json", ".cargo-ok", ".cargo_vcs_info.json"} {
		if _, err := os.Lstat(filepath.Join(dir, marker)); err == nil {
			return true
		}
	}
	return false
}
