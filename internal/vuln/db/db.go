// Package db is ospo's offline OSV database: it imports OSV records from
// the published dumps (an ecosystem's all.zip, a directory of records, one
// record file) into the store, keeps them current by their modified time,
// and answers which records name a package. Matching a version against
// the records is package vuln's job; nothing here needs the network
// except Update, which downloads the dumps.
package db

import (
	"regexp"
	"strings"
	"time"

	"ospo/internal/store"
)

// DB reads and writes the OSV tables of a store.
type DB struct {
	st  *store.Store
	now func() time.Time

	// afterRecord, when set, runs after each record an import handles;
	// tests use it to fail or cancel an import midway.
	afterRecord func(n int) error
}

// New returns the OSV database kept in st.
func New(st *store.Store) *DB {
	return &DB{st: st, now: time.Now}
}

// Problem is a record or archive entry that was not imported, and why.
type Problem struct {
	// Path names the file, or the archive and its entry as
	// "archive.zip!/entry.json".
	Path    string
	Message string
}

// knownEcosystems are OSV's ecosystem names, keyed by their lower case,
// so that a caller's "pypi" or "crates.IO" finds the records.
var knownEcosystems = func() map[string]string {
	m := map[string]string{}
	for _, e := range []string{
		"AlmaLinux", "Alpaquita", "Alpine", "Android", "BellSoft Hardened Containers", "Bioconductor",
		"Bitnami", "Chainguard", "ConanCenter", "CRAN", "crates.io", "Debian", "Echo", "GHC",
		"GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Linux", "Mageia", "Maven", "MinimOS",
		"npm", "NuGet", "openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS", "Pub",
		"PyPI", "Red Hat", "Rocky Linux", "RubyGems", "SUSE", "SwiftURL", "Ubuntu", "VSCode", "Wolfi",
	} {
		m[strings.ToLower(e)] = e
	}
	return m
}()

// CanonicalEcosystem spells a known ecosystem name the way OSV does
// ("pypi" → "PyPI"); other names come back unchanged.
func CanonicalEcosystem(eco string) string {
	if c, ok := knownEcosystems[strings.ToLower(eco)]; ok {
		return c
	}
	return eco
}

var pep503Separators = regexp.MustCompile(`[-_.]+`)

// NormalizeName is the form package names are stored and looked up in:
// PyPI names per PEP 503 (lower case, runs of "-", "_", "." as one "-"),
// NuGet and Packagist names in lower case (both registries compare names
// without regard to case); other ecosystems' names are exact.
func NormalizeName(ecosystemBase, name string) string {
	switch CanonicalEcosystem(ecosystemBase) {
	case "PyPI":
		return pep503Separators.ReplaceAllString(strings.ToLower(name), "-")
	case "NuGet", "Packagist":
		return strings.ToLower(name)
	}
	return name
}
