package gem

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"ospo/internal/inventory"
)

// lockfile is what Bundler's Gemfile.lock (gems.locked) records.
type lockfile struct {
	Sources []*lockSource
	// Specs are the locked gems of every source, in file order. A gem
	// locked for several platforms has one spec per platform.
	Specs        []*lockSpec
	Platforms    []string
	Dependencies []lockDep
	// Checksums maps a spec's full name (name-version[-platform]) to the
	// digests the CHECKSUMS section records for it (Bundler 2.5+).
	Checksums   map[string][]inventory.Hash
	RubyVersion string
	BundledWith string
	// Skipped counts lines inside known sections that were not
	// understood.
	Skipped int
}

// lockSource is one GEM, GIT, PATH or PLUGIN SOURCE section.
type lockSource struct {
	Kind                               string // GEM, GIT, PATH, PLUGIN SOURCE
	Remote, Revision, Branch, Tag, Ref string
}

// lockSpec is one locked gem: "name (version[-platform])" and the names
// of the gems it depends on.
type lockSpec struct {
	Name, Version, Platform string
	Deps                    []string
	Source                  *lockSource
}

// FullName is Bundler's and RubyGems' name-version[-platform].
func (s *lockSpec) FullName() string { return fullName(s.Name, s.Version, s.Platform) }

// lockDep is one entry of DEPENDENCIES: what the Gemfile asks for.
// Pinned is the trailing "!" Bundler writes for a gem that comes from a
// git or path source, or a source block.
type lockDep struct {
	Name, Constraint string
	Pinned           bool
}

// fullName joins a gem's name, version and platform as RubyGems names
// its files. The generic platform "ruby" is left out.
func fullName(name, version, platform string) string {
	s := name + "-" + version
	if platform != "" && platform != "ruby" {
		s += "-" + platform
	}
	return s
}

var (
	// errNotLockfile is returned for a file with no Bundler section.
	errNotLockfile = errors.New("no Gemfile.lock sections found")
	// errConflict is returned for a file with unresolved merge conflict
	// markers: Bundler refuses it too.
	errConflict = errors.New("unresolved merge conflict markers")
)

// maxLineLength bounds a line of a lockfile or gemspec.
const maxLineLength = 1 << 20

// parseLockfile reads a Gemfile.lock.
func parseLockfile(r io.Reader) (*lockfile, error) {
	lf := &lockfile{Checksums: map[string][]inventory.Hash{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLength)
	var section string
	var src *lockSource
	var spec *lockSpec
	inSpecs := false
	sawSection := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "<<<<<<<") || strings.HasPrefix(line, ">>>>>>>") {
			return nil, errConflict
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		text := line[indent:]
		if indent == 0 {
			section, src, spec, inSpecs = text, nil, nil, false
			switch section {
			case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
				src = &lockSource{Kind: section}
				lf.Sources = append(lf.Sources, src)
				sawSection = true
			case "PLATFORMS", "DEPENDENCIES", "CHECKSUMS", "RUBY VERSION", "BUNDLED WITH":
				sawSection = true
			}
			continue
		}
		switch section {
		case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
			switch {
			case indent == 2 && text == "specs:":
				inSpecs = true
			case indent == 2:
				key, val, ok := strings.Cut(text, ": ")
				if !ok {
					key, val = strings.TrimSuffix(text, ":"), ""
				}
				switch key {
				case "remote":
					src.Remote = val
				case "revision":
					src.Revision = val
				case "branch":
					src.Branch = val
				case "tag":
					src.Tag = val
				case "ref":
					src.Ref = val
				}
			case indent == 4 && inSpecs:
				name, version, ok := nameVersion(text)
				v, platform, _ := strings.Cut(version, "-")
				if !ok || v == "" {
					lf.Skipped++
					spec = nil
					continue
				}
				spec = &lockSpec{Name: name, Version: v, Platform: platform, Source: src}
				lf.Specs = append(lf.Specs, spec)
			case indent == 6 && spec != nil:
				name, _, ok := nameVersion(text)
				if !ok {
					lf.Skipped++
					continue
				}
				spec.Deps = append(spec.Deps, name)
			default:
				lf.Skipped++
			}
		case "PLATFORMS":
			lf.Platforms = append(lf.Platforms, strings.TrimSpace(text))
		case "DEPENDENCIES":
			pinned := strings.HasSuffix(text, "!")
			name, constraint, ok := nameVersion(strings.TrimSuffix(text, "!"))
			if !ok {
				lf.Skipped++
				continue
			}
			lf.Dependencies = append(lf.Dependencies, lockDep{Name: name, Constraint: constraint, Pinned: pinned})
		case "CHECKSUMS":
			if indent != 2 {
				lf.Skipped++
				continue
			}
			head, sums := text, ""
			if i := strings.Index(text, ") "); i >= 0 {
				head, sums = text[:i+1], strings.TrimSpace(text[i+2:])
			}
			name, version, ok := nameVersion(head)
			v, platform, _ := strings.Cut(version, "-")
			if !ok || v == "" {
				lf.Skipped++
				continue
			}
			if hs := parseChecksums(sums); len(hs) > 0 {
				lf.Checksums[fullName(name, v, platform)] = hs
			}
		case "RUBY VERSION":
			lf.RubyVersion = strings.TrimSpace(text)
		case "BUNDLED WITH":
			lf.BundledWith = strings.TrimSpace(text)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("a line is longer than %d bytes", maxLineLength)
		}
		return nil, err
	}
	if !sawSection {
		return nil, errNotLockfile
	}
	return lf, nil
}

// nameVersion splits "name (requirement)" or "name". ok is false when the
// name is not a valid gem name.
func nameVersion(s string) (name, version string, ok bool) {
	name = s
	if i := strings.Index(s, " ("); i >= 0 {
		if !strings.HasSuffix(s, ")") {
			return "", "", false
		}
		name, version = s[:i], strings.TrimSpace(s[i+2:len(s)-1])
	}
	return name, version, validName(name)
}

// validName reports whether s can be a gem name: letters, digits, dots,
// dashes and underscores.
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseChecksums reads "sha256=<hex>[,<alg>=<value>…]". Bundler's
// pre-release format wrote "sha256-<hex>"; both are read.
func parseChecksums(s string) []inventory.Hash {
	var out []inventory.Hash
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		alg, val, ok := strings.Cut(f, "=")
		if !ok {
			alg, val, ok = strings.Cut(f, "-")
		}
		if !ok || val == "" {
			continue
		}
		name := map[string]string{"sha256": "SHA-256", "sha512": "SHA-512", "sha1": "SHA-1"}[strings.ToLower(alg)]
		if name == "" {
			continue
		}
		out = append(out, inventory.Hash{Algorithm: name, Value: val})
	}
	return out
}

// parseLockfileBytes is parseLockfile over a byte slice.
func parseLockfileBytes(data []byte) (*lockfile, error) {
	return parseLockfile(bytes.NewReader(data))
}
