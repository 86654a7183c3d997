package vuln

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/vuln/osv"
)

// Helpers that build records the way the schema writes them.

func intro(v string) osv.Event { return osv.Event{Introduced: v} }
func fixed(v string) osv.Event { return osv.Event{Fixed: v} }
func last(v string) osv.Event  { return osv.Event{LastAffected: v} }
func limit(v string) osv.Event { return osv.Event{Limit: v} }

func rng(typ string, evs ...osv.Event) osv.Range { return osv.Range{Type: typ, Events: evs} }

func semverRange(evs ...osv.Event) osv.Range { return rng(osv.RangeSemver, evs...) }
func ecoRange(evs ...osv.Event) osv.Range    { return rng(osv.RangeEcosystem, evs...) }

func entry(eco, name string, ranges ...osv.Range) osv.Affected {
	return osv.Affected{Package: osv.Package{Ecosystem: eco, Name: name}, Ranges: ranges}
}

func record(affected ...osv.Affected) *osv.Record {
	return &osv.Record{ID: "TEST-1", Affected: affected}
}

// matchSummary is what the table compares: the fields a reader relies on.
type matchSummary struct {
	Index        int
	Why          string
	RangeIndex   int // -1 when no range matched
	Fixed        []string
	LastAffected []string
}

func summarize(rec *osv.Record, ms []Match) []matchSummary {
	var out []matchSummary
	for _, m := range ms {
		s := matchSummary{Index: m.AffectedIndex, Why: m.Why, RangeIndex: -1, Fixed: m.Fixed, LastAffected: m.LastAffected}
		for j := range rec.Affected[m.AffectedIndex].Ranges {
			if m.Range == &rec.Affected[m.AffectedIndex].Ranges[j] {
				s.RangeIndex = j
			}
		}
		out = append(out, s)
	}
	return out
}

// TestAffectsSpec walks the rules of the OSV schema's evaluation section.
// Each expectation is written from the schema text, not from a run.
func TestAffectsSpec(t *testing.T) {
	withdrawn := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	withdrawnRec := record(entry("npm", "left-pad", ecoRange(intro("0"))))
	withdrawnRec.Withdrawn = &withdrawn

	versionsOnly := record(osv.Affected{Package: osv.Package{Ecosystem: "npm", Name: "pkg"}, Versions: []string{"1.0.0", "1.0.1"}})

	// PyPA writes a GIT range first and the ECOSYSTEM one second.
	gitFirst := record(entry("PyPI", "accesscontrol",
		osv.Range{Type: osv.RangeGit, Repo: "https://github.com/zopefoundation/AccessControl",
			Events: []osv.Event{intro("0"), fixed("b42dd4badf803bb9fb71ac34cd9cb0c249262f2c")}},
		ecoRange(intro("4.0"), fixed("4.3"), intro("5.0"), fixed("5.2"))))

	unsorted := record(entry("npm", "pkg", ecoRange(fixed("1.2.0"), intro("1.1.0"), intro("0"), fixed("1.0.0"))))

	twoRanges := record(entry("npm", "pkg",
		ecoRange(intro("1.0.0"), fixed("1.1.0")),
		ecoRange(intro("1.0.5"), fixed("2.0.0"))))

	tests := []struct {
		name              string
		rec               *osv.Record
		eco, pkg, version string
		want              []matchSummary
	}{
		{
			name: "introduced 0, below fixed",
			rec:  record(entry("Go", "example.com/m", semverRange(intro("0"), fixed("1.4.2")))),
			eco:  "Go", pkg: "example.com/m", version: "1.2.3",
			want: []matchSummary{{Why: "SEMVER range introduced 0, fixed 1.4.2: 1.2.3 ≥ 0 and < 1.4.2", Fixed: []string{"1.4.2"}}},
		},
		{
			name: "version equal to fixed is not affected",
			rec:  record(entry("Go", "example.com/m", semverRange(intro("0"), fixed("1.4.2")))),
			eco:  "Go", pkg: "example.com/m", version: "1.4.2",
		},
		{
			name: "above fixed",
			rec:  record(entry("Go", "example.com/m", semverRange(intro("0"), fixed("1.4.2")))),
			eco:  "Go", pkg: "example.com/m", version: "1.10.0",
		},
		{
			name: "below introduced",
			rec:  record(entry("npm", "pkg", ecoRange(intro("1.0.0")))),
			eco:  "npm", pkg: "pkg", version: "0.9.9",
		},
		{
			name: "equal to introduced, no fix",
			rec:  record(entry("npm", "pkg", ecoRange(intro("1.0.0")))),
			eco:  "npm", pkg: "pkg", version: "1.0.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 1.0.0, no fix: 1.0.0 ≥ 1.0.0"}},
		},
		{
			name: "equal to last_affected is affected",
			rec:  record(entry("npm", "pkg", ecoRange(intro("1.0.0"), last("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "2.0.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 1.0.0, last_affected 2.0.0: 2.0.0 ≥ 1.0.0 and ≤ 2.0.0", LastAffected: []string{"2.0.0"}}},
		},
		{
			name: "above last_affected",
			rec:  record(entry("npm", "pkg", ecoRange(intro("1.0.0"), last("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "2.0.1",
		},
		{
			name: "single limit, below it",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0"), limit("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "1.9.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, no fix, limit 2.0.0: 1.9.0 ≥ 0 and < 2.0.0"}},
		},
		{
			name: "single limit, equal to it",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0"), limit("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "2.0.0",
		},
		{
			name: "multiple limits: below one of them is enough",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0"), limit("1.5.0"), limit("3.0.0")))),
			eco:  "npm", pkg: "pkg", version: "2.0.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, no fix, limit 3.0.0: 2.0.0 ≥ 0 and < 3.0.0"}},
		},
		{
			name: "multiple limits: above all of them",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0"), limit("1.5.0"), limit("3.0.0")))),
			eco:  "npm", pkg: "pkg", version: "3.0.0",
		},
		{
			name: "limit * is infinity",
			rec:  record(entry("npm", "pkg", ecoRange(intro("1.0.0"), limit("*")))),
			eco:  "npm", pkg: "pkg", version: "99.0.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 1.0.0, no fix: 99.0.0 ≥ 1.0.0"}},
		},
		{
			name: "limit does not stop a fix",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0"), fixed("1.0.0"), limit("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "1.5.0",
		},
		{
			name: "unsorted events, second interval",
			rec:  unsorted, eco: "npm", pkg: "pkg", version: "1.1.5",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 1.1.0, fixed 1.2.0: 1.1.5 ≥ 1.1.0 and < 1.2.0", Fixed: []string{"1.0.0", "1.2.0"}}},
		},
		{
			name: "unsorted events, first interval (introduced 0 sorts first)",
			rec:  unsorted, eco: "npm", pkg: "pkg", version: "0.5.0",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 1.0.0: 0.5.0 ≥ 0 and < 1.0.0", Fixed: []string{"1.0.0", "1.2.0"}}},
		},
		{
			name: "unsorted events, between the intervals",
			rec:  unsorted, eco: "npm", pkg: "pkg", version: "1.0.5",
		},
		{
			name: "two ranges, only the second matches",
			rec:  twoRanges, eco: "npm", pkg: "pkg", version: "1.5.0",
			want: []matchSummary{{RangeIndex: 1, Why: "ECOSYSTEM range introduced 1.0.5, fixed 2.0.0: 1.5.0 ≥ 1.0.5 and < 2.0.0", Fixed: []string{"2.0.0"}}},
		},
		{
			name: "two ranges both match: one match per entry",
			rec:  twoRanges, eco: "npm", pkg: "pkg", version: "1.0.7",
			want: []matchSummary{{
				Why:   "ECOSYSTEM range introduced 1.0.0, fixed 1.1.0: 1.0.7 ≥ 1.0.0 and < 1.1.0; ECOSYSTEM range introduced 1.0.5, fixed 2.0.0: 1.0.7 ≥ 1.0.5 and < 2.0.0",
				Fixed: []string{"1.1.0", "2.0.0"},
			}},
		},
		{
			name: "GIT range first, ECOSYSTEM range still evaluated",
			rec:  gitFirst, eco: "PyPI", pkg: "accesscontrol", version: "4.2.1",
			want: []matchSummary{{RangeIndex: 1, Why: "ECOSYSTEM range introduced 4.0, fixed 4.3: 4.2.1 ≥ 4.0 and < 4.3", Fixed: []string{"4.3", "5.2"}}},
		},
		{
			name: "GIT range first, fixed version",
			rec:  gitFirst, eco: "PyPI", pkg: "accesscontrol", version: "5.2",
		},
		{
			name: "withdrawn record never matches",
			rec:  withdrawnRec, eco: "npm", pkg: "left-pad", version: "1.0.0",
		},
		{
			name: "versions list only",
			rec:  versionsOnly, eco: "npm", pkg: "pkg", version: "1.0.1",
			want: []matchSummary{{RangeIndex: -1, Why: "version 1.0.1 is in the versions list"}},
		},
		{
			name: "versions list only, not listed",
			rec:  versionsOnly, eco: "npm", pkg: "pkg", version: "1.0.2",
		},
		{
			name: "SEMVER pre-release before the release it precedes",
			rec:  record(entry("npm", "pkg", semverRange(intro("0"), fixed("1.0.0")))),
			eco:  "npm", pkg: "pkg", version: "1.0.0-rc.1",
			want: []matchSummary{{Why: "SEMVER range introduced 0, fixed 1.0.0: 1.0.0-rc.1 ≥ 0 and < 1.0.0", Fixed: []string{"1.0.0"}}},
		},
		{
			name: "SEMVER pre-release 0 introduces a Go release line",
			rec:  record(entry("Go", "stdlib", semverRange(intro("0"), fixed("1.21.9"), intro("1.22.0-0"), fixed("1.22.2")))),
			eco:  "Go", pkg: "stdlib", version: "1.22.0-rc.1",
			want: []matchSummary{{Why: "SEMVER range introduced 1.22.0-0, fixed 1.22.2: 1.22.0-rc.1 ≥ 1.22.0-0 and < 1.22.2", Fixed: []string{"1.21.9", "1.22.2"}}},
		},
		{
			name: "SEMVER between two release lines",
			rec:  record(entry("Go", "stdlib", semverRange(intro("0"), fixed("1.21.9"), intro("1.22.0-0"), fixed("1.22.2")))),
			eco:  "Go", pkg: "stdlib", version: "1.21.10",
		},
		{
			name: "SEMVER leading v tolerated",
			rec:  record(entry("Go", "example.com/m", semverRange(intro("0"), fixed("v1.4.2")))),
			eco:  "Go", pkg: "example.com/m", version: "v1.2.3",
			want: []matchSummary{{Why: "SEMVER range introduced 0, fixed v1.4.2: v1.2.3 ≥ 0 and < v1.4.2", Fixed: []string{"v1.4.2"}}},
		},
		{
			name: "release-suffixed record matches that release",
			rec:  record(entry("Debian:12", "openssl", ecoRange(intro("0"), fixed("3.0.11-1~deb12u1")))),
			eco:  "Debian:12", pkg: "openssl", version: "3.0.9-1",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 3.0.11-1~deb12u1: 3.0.9-1 ≥ 0 and < 3.0.11-1~deb12u1", Fixed: []string{"3.0.11-1~deb12u1"}}},
		},
		{
			name: "release-suffixed record does not match another release",
			rec:  record(entry("Debian:12", "openssl", ecoRange(intro("0"), fixed("3.0.11-1~deb12u1")))),
			eco:  "Debian:11", pkg: "openssl", version: "1.1.1n-0+deb11u4",
		},
		{
			name: "release-suffixed record does not match a component of unknown release",
			rec:  record(entry("Debian:12", "openssl", ecoRange(intro("0"), fixed("3.0.11-1~deb12u1")))),
			eco:  "Debian", pkg: "openssl", version: "3.0.9-1",
		},
		{
			name: "bare ecosystem record matches every release",
			rec:  record(entry("Debian", "openssl", ecoRange(intro("0"), fixed("3.0.11-1")))),
			eco:  "Debian:11", pkg: "openssl", version: "1.1.1n-0+deb11u4",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 3.0.11-1: 1.1.1n-0+deb11u4 ≥ 0 and < 3.0.11-1", Fixed: []string{"3.0.11-1"}}},
		},
		{
			name: "Alpine branch",
			rec:  record(entry("Alpine:v3.20", "openssl", ecoRange(intro("0"), fixed("3.3.2-r0")))),
			eco:  "Alpine:v3.20", pkg: "openssl", version: "3.3.1-r3",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 3.3.2-r0: 3.3.1-r3 ≥ 0 and < 3.3.2-r0", Fixed: []string{"3.3.2-r0"}}},
		},
		{
			name: "Alpine other branch",
			rec:  record(entry("Alpine:v3.20", "openssl", ecoRange(intro("0"), fixed("3.3.2-r0")))),
			eco:  "Alpine:v3.19", pkg: "openssl", version: "3.1.4-r0",
		},
		{
			name: "Ubuntu LTS suffix",
			rec:  record(entry("Ubuntu:22.04:LTS", "openssl", ecoRange(intro("0"), fixed("3.0.2-0ubuntu1.12")))),
			eco:  "Ubuntu:22.04", pkg: "openssl", version: "3.0.2-0ubuntu1.10",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 3.0.2-0ubuntu1.12: 3.0.2-0ubuntu1.10 ≥ 0 and < 3.0.2-0ubuntu1.12", Fixed: []string{"3.0.2-0ubuntu1.12"}}},
		},
		{
			name: "Ubuntu Pro record does not match a plain system",
			rec:  record(entry("Ubuntu:Pro:18.04:LTS", "openssl", ecoRange(intro("0"), fixed("1.1.1-1ubuntu2.1~18.04.23+esm1")))),
			eco:  "Ubuntu:18.04", pkg: "openssl", version: "1.1.1-1ubuntu2.1~18.04.23",
		},
		{
			name: "other ecosystem",
			rec:  record(entry("PyPI", "requests", ecoRange(intro("0")))),
			eco:  "npm", pkg: "requests", version: "1.0.0",
		},
		{
			name: "PyPI names compare in PEP 503 form",
			rec:  record(entry("PyPI", "Zope.Interface_x", ecoRange(intro("0"), fixed("5.0")))),
			eco:  "PyPI", pkg: "zope-interface-x", version: "4.7.2",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 5.0: 4.7.2 ≥ 0 and < 5.0", Fixed: []string{"5.0"}}},
		},
		{
			name: "NuGet names are case-insensitive",
			rec:  record(entry("NuGet", "Newtonsoft.Json", ecoRange(intro("0"), fixed("13.0.1")))),
			eco:  "NuGet", pkg: "newtonsoft.json", version: "12.0.3",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 13.0.1: 12.0.3 ≥ 0 and < 13.0.1", Fixed: []string{"13.0.1"}}},
		},
		{
			name: "Packagist names are case-insensitive",
			rec:  record(entry("Packagist", "Symfony/HTTP-Kernel", ecoRange(intro("0"), fixed("5.4.20")))),
			eco:  "Packagist", pkg: "symfony/http-kernel", version: "v5.4.19",
			want: []matchSummary{{Why: "ECOSYSTEM range introduced 0, fixed 5.4.20: v5.4.19 ≥ 0 and < 5.4.20", Fixed: []string{"5.4.20"}}},
		},
		{
			name: "npm names are exact",
			rec:  record(entry("npm", "Lodash", ecoRange(intro("0")))),
			eco:  "npm", pkg: "lodash", version: "1.0.0",
		},
		{
			name: "matches in two entries",
			rec: record(
				entry("npm", "pkg", ecoRange(intro("0"), fixed("1.0.0"))),
				entry("npm", "other", ecoRange(intro("0"))),
				entry("npm", "pkg", ecoRange(intro("0.5.0"), last("0.9.0")))),
			eco: "npm", pkg: "pkg", version: "0.8.0",
			want: []matchSummary{
				{Index: 0, Why: "ECOSYSTEM range introduced 0, fixed 1.0.0: 0.8.0 ≥ 0 and < 1.0.0", Fixed: []string{"1.0.0"}},
				{Index: 2, Why: "ECOSYSTEM range introduced 0.5.0, last_affected 0.9.0: 0.8.0 ≥ 0.5.0 and ≤ 0.9.0", LastAffected: []string{"0.9.0"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Affects(tt.rec, tt.eco, tt.pkg, tt.version)
			if err != nil {
				t.Fatalf("Affects error: %v", err)
			}
			got := summarize(tt.rec, ms)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Affects(%s %s %s) mismatch (-want +got):\n%s", tt.eco, tt.pkg, tt.version, diff)
			}
		})
	}
}

func TestAffectsCannotCheck(t *testing.T) {
	tests := []struct {
		name              string
		rec               *osv.Record
		eco, pkg, version string
		wantErr           error // nil: no error expected
		wantMatches       int
	}{
		{
			name: "empty version",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0")))),
			eco:  "npm", pkg: "pkg", version: "",
			wantErr: ErrNoVersion,
		},
		{
			name: "empty version, record about another package",
			rec:  record(entry("npm", "other", ecoRange(intro("0")))),
			eco:  "npm", pkg: "pkg", version: "",
		},
		{
			name: "component version the order cannot read",
			rec:  record(entry("npm", "pkg", ecoRange(intro("0")))),
			eco:  "npm", pkg: "pkg", version: "latest",
			wantErr: ErrInvalidVersion,
		},
		{
			name: "Maven property left unresolved",
			rec:  record(entry("Maven", "g:a", ecoRange(intro("0")))),
			eco:  "Maven", pkg: "g:a", version: "${project.version}",
			wantErr: ErrInvalidVersion,
		},
		{
			name: "component version that is not SemVer, SEMVER range",
			rec:  record(entry("npm", "pkg", semverRange(intro("0"), fixed("2.0.0")))),
			eco:  "npm", pkg: "pkg", version: "1.2",
			wantErr: ErrInvalidVersion,
		},
		{
			name: "event that is not SemVer",
			rec:  record(entry("npm", "pkg", semverRange(intro("0"), fixed("2.0")))),
			eco:  "npm", pkg: "pkg", version: "1.0.0",
			wantErr: ErrInvalidVersion,
		},
		{
			name: "event that is not a Debian version",
			rec:  record(entry("Debian", "pkg", ecoRange(intro(":1"), fixed("2.0-1")))),
			eco:  "Debian:12", pkg: "pkg", version: "1.0-1",
			wantErr: ErrInvalidVersion,
		},
		{
			name: "a bad range does not hide a good one",
			rec: record(entry("npm", "pkg",
				semverRange(intro("0"), fixed("2.0")),
				ecoRange(intro("0"), fixed("2.0.0")))),
			eco: "npm", pkg: "pkg", version: "1.0.0",
			wantMatches: 1,
		},
		{
			name: "unreadable version still matches the versions list",
			rec: record(osv.Affected{Package: osv.Package{Ecosystem: "Maven", Name: "g:a"},
				Ranges: []osv.Range{ecoRange(intro("0"))}, Versions: []string{"${v}"}}),
			eco: "Maven", pkg: "g:a", version: "${v}",
			wantMatches: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Affects(tt.rec, tt.eco, tt.pkg, tt.version)
			if len(ms) != tt.wantMatches {
				t.Errorf("got %d matches, want %d: %+v", len(ms), tt.wantMatches, ms)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestEcosystemMatches(t *testing.T) {
	tests := []struct {
		rec, comp string
		want      bool
	}{
		{"npm", "npm", true},
		{"Debian", "Debian:12", true},
		{"Debian:12", "Debian:12", true},
		{"Debian:12", "Debian:12.5", true},
		{"Debian:12", "Debian:bookworm", true},
		{"Debian:12", "Debian:11", false},
		{"Debian:12", "Debian", false},
		{"Alpine:v3.20", "Alpine:3.20.3", true},
		{"Alpine:v3.20", "Alpine:v3.2", false},
		{"Ubuntu:22.04:LTS", "Ubuntu:22.04", true},
		{"Ubuntu:24.10", "Ubuntu:24.10", true},
		{"Ubuntu:Pro:18.04:LTS", "Ubuntu:18.04", false},
		{"PyPI", "pypi", true},
		{"Maven", "Gradle", false},
		{"Maven:https://repo.maven.apache.org/maven2/", "Maven:https://repo.maven.apache.org/maven2", true},
	}
	for _, tt := range tests {
		if got := ecosystemMatches(tt.rec, tt.comp); got != tt.want {
			t.Errorf("ecosystemMatches(%q, %q) = %v, want %v", tt.rec, tt.comp, got, tt.want)
		}
	}
}

func TestFixedVersions(t *testing.T) {
	ms := []Match{
		{Ecosystem: "Go", Fixed: []string{"1.22.2", "1.21.9"}},
		{Ecosystem: "Go", Fixed: []string{"1.21.9", "1.20.14"}},
		{Ecosystem: "Go"},
	}
	want := []string{"1.20.14", "1.21.9", "1.22.2"}
	if diff := cmp.Diff(want, FixedVersions(ms)); diff != "" {
		t.Errorf("FixedVersions (-want +got):\n%s", diff)
	}
	if got := FixedVersions([]Match{{Ecosystem: "npm"}}); len(got) != 0 {
		t.Errorf("FixedVersions of a versions-only match = %v, want none", got)
	}
}

func TestSmallestFix(t *testing.T) {
	tests := []struct {
		name     string
		eco, cur string
		findings [][]string
		want     string
		wantOK   bool
	}{
		{"one finding", "npm", "1.0.0", [][]string{{"1.2.0"}}, "1.2.0", true},
		{"largest of the smallest fixes", "npm", "1.0.0", [][]string{{"1.2.0"}, {"1.1.0", "2.0.0"}}, "1.2.0", true},
		{"fix on the current release line", "Go", "1.22.1", [][]string{{"1.21.9", "1.22.2"}}, "1.22.2", true},
		{"Maven order", "Maven", "2.14.1", [][]string{{"2.15.0"}, {"2.16.0"}, {"2.12.2", "2.17.0"}}, "2.17.0", true},
		{"PyPI order", "PyPI", "4.2", [][]string{{"4.3", "5.2"}, {"4.10"}}, "4.10", true},
		{"a finding without a fix", "npm", "1.0.0", [][]string{{"1.2.0"}, {}}, "", false},
		{"every fix below current", "npm", "2.1.0", [][]string{{"1.5.0"}}, "", false},
		{"fix equal to current does not count", "npm", "2.1.0", [][]string{{"2.1.0"}}, "", false},
		{"no findings", "npm", "1.0.0", nil, "", false},
		{"unreadable current", "npm", "latest", [][]string{{"1.0.0"}}, "", false},
		{"unreadable fixes skipped", "npm", "1.0.0", [][]string{{"x", "1.0.1"}}, "1.0.1", true},
	}
	for _, tt := range tests {
		got, ok := SmallestFix(tt.eco, tt.cur, tt.findings)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: SmallestFix = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
