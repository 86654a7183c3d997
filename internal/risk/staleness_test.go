package risk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func rel(v, date string) Release {
	r := Release{Version: v}
	if date != "" {
		r.Time = day(date)
	}
	return r
}

var lodash = []Release{
	rel("4.17.15", "2019-07-19"),
	rel("4.17.19", "2020-07-08"),
	rel("4.17.20", "2020-08-13"),
	rel("4.17.21", "2021-02-20"),
	rel("5.0.0-beta.1", "2022-01-01"),
	rel("5.0.0-beta.2", "2022-02-01"),
}

func TestStalenessOf(t *testing.T) {
	tests := []struct {
		name              string
		eco, pkg, version string
		releases          []Release
		known             []string
		want              Staleness
	}{
		{name: "npm: libyears to the newest release, pre-releases ignored",
			eco: "npm", pkg: "lodash", version: "4.17.15", releases: lodash,
			want: Staleness{Libyears: ptr(1.59), Behind: 3, Newest: "4.17.21", Why: "4.17.15 released 2019-07-19, newest 4.17.21 released 2021-02-20"}},
		{name: "npm: the newest release",
			eco: "npm", pkg: "lodash", version: "4.17.21", releases: lodash,
			want: Staleness{Libyears: ptr(0), Behind: 0, Newest: "4.17.21", Why: "lodash 4.17.21 is the newest release known"}},
		{name: "npm: a pre-release is compared with pre-releases too",
			eco: "npm", pkg: "lodash", version: "5.0.0-beta.1", releases: lodash,
			want: Staleness{Libyears: ptr(0.08), Behind: 1, Newest: "5.0.0-beta.2", Why: "5.0.0-beta.1 released 2022-01-01, newest 5.0.0-beta.2 released 2022-02-01"}},
		{name: "npm: semver order, not text order",
			eco: "npm", pkg: "x", version: "1.9.0", releases: []Release{rel("1.10.0", "2021-01-01"), rel("1.9.0", "2020-01-01"), rel("1.2.0", "2019-01-01")},
			want: Staleness{Libyears: ptr(1), Behind: 1, Newest: "1.10.0", Why: "1.9.0 released 2020-01-01, newest 1.10.0 released 2021-01-01"}},
		{name: "npm: the used release has no date",
			eco: "npm", pkg: "lodash", version: "4.17.16", releases: lodash,
			want: Staleness{Behind: 3, Newest: "4.17.21", Why: "the release date of lodash 4.17.16 is unknown"}},
		{name: "npm: the newest version has no date",
			eco: "npm", pkg: "lodash", version: "4.17.15", releases: lodash, known: []string{"4.17.22"},
			want: Staleness{Behind: 4, Newest: "4.17.22", Why: "the release date of the newest lodash, 4.17.22, is unknown"}},
		{name: "npm: only versions seen in the organisation",
			eco: "npm", pkg: "lodash", version: "4.17.15", known: []string{"4.17.21", "4.17.15", "4.17.20", "4.17.20"},
			want: Staleness{Behind: 2, Newest: "4.17.21", Why: "release dates are unknown; 2 newer versions of lodash used in the organisation, the newest 4.17.21"}},
		{name: "npm: the newest in the organisation, without dates",
			eco: "npm", pkg: "lodash", version: "4.17.21", known: []string{"4.17.21", "4.17.15"},
			want: Staleness{Behind: 0, Newest: "4.17.21", Why: "no newer version of lodash is used in the organisation, but release dates are unknown"}},
		{name: "npm: unreadable version",
			eco: "npm", pkg: "lodash", version: "latest", releases: lodash,
			want: Staleness{Behind: -1, Why: `the version of lodash cannot be read, so its lag cannot be told: "latest" has no digit`}},
		{name: "npm: unreadable release versions are left out",
			eco: "npm", pkg: "x", version: "1.0.0", releases: []Release{rel("nightly", "2024-01-01"), rel("1.1.0", "2021-01-01"), rel("1.0.0", "2020-01-01")},
			want: Staleness{Libyears: ptr(1), Behind: 1, Newest: "1.1.0", Why: "1.0.0 released 2020-01-01, newest 1.1.0 released 2021-01-01"}},
		{name: "npm: a fix released after the newest line counts as 0",
			eco: "npm", pkg: "x", version: "1.2.10", releases: []Release{rel("1.2.10", "2024-05-01"), rel("2.0.0", "2023-01-01")},
			want: Staleness{Libyears: ptr(0), Behind: 1, Newest: "2.0.0", Why: "1.2.10 released 2024-05-01, newest 2.0.0 released 2023-01-01 (earlier; counted as 0)"}},

		{name: "Go: a pseudo-version dates itself",
			eco: "go", pkg: "example.com/m", version: "v0.0.0-20200101000000-abcdefabcdef", releases: []Release{rel("v0.1.0", "2021-01-01")},
			want: Staleness{Libyears: ptr(1), Behind: 1, Newest: "v0.1.0", Why: "v0.0.0-20200101000000-abcdefabcdef released 2020-01-01, newest v0.1.0 released 2021-01-01"}},
		{name: "Go: a pseudo-version past the newest tag is up to date",
			eco: "go", pkg: "example.com/m", version: "v1.2.4-0.20210301000000-abcdefabcdef", releases: []Release{rel("v1.2.3", "2021-01-01")},
			want: Staleness{Libyears: ptr(0), Behind: 0, Newest: "v1.2.4-0.20210301000000-abcdefabcdef", Why: "example.com/m v1.2.4-0.20210301000000-abcdefabcdef is the newest release known"}},
		{name: "Go: pseudo-versions and release candidates are not the newest of a release",
			eco: "go", pkg: "example.com/m", version: "v1.2.3",
			releases: []Release{rel("v1.2.3", "2021-01-01"), rel("v1.2.4-0.20220101000000-abcdefabcdef", ""), rel("v1.3.0-rc.1", "2022-06-01")},
			want:     Staleness{Libyears: ptr(0), Behind: 0, Newest: "v1.2.3", Why: "example.com/m v1.2.3 is the newest release known"}},
		{name: "Go: versions with and without v are one",
			eco: "Go", pkg: "example.com/m", version: "v1.2.3", releases: []Release{rel("v1.2.3", "2022-03-01"), rel("v1.3.0", "2023-06-01")}, known: []string{"1.2.3", "1.3.0"},
			want: Staleness{Libyears: ptr(1.25), Behind: 1, Newest: "v1.3.0", Why: "v1.2.3 released 2022-03-01, newest v1.3.0 released 2023-06-01"}},
		{name: "Go: +incompatible majors order above v1",
			eco: "go", pkg: "example.com/m", version: "v1.9.0", releases: []Release{rel("v1.9.0", "2020-01-01"), rel("v2.0.0+incompatible", "2021-01-01")},
			want: Staleness{Libyears: ptr(1), Behind: 1, Newest: "v2.0.0+incompatible", Why: "v1.9.0 released 2020-01-01, newest v2.0.0+incompatible released 2021-01-01"}},

		{name: "PyPI: post-releases are releases, release candidates are not",
			eco: "pypi", pkg: "requests", version: "1.0",
			releases: []Release{rel("1.0", "2020-01-01"), rel("1.1", "2021-01-01"), rel("1.1.post1", "2021-07-02"), rel("2.0rc1", "2022-01-01"), rel("2.0.dev3", "2021-12-01")},
			want:     Staleness{Libyears: ptr(1.5), Behind: 2, Newest: "1.1.post1", Why: "1.0 released 2020-01-01, newest 1.1.post1 released 2021-07-02"}},
		{name: "PyPI: PEP 440 order (1.10 above 1.9, 1.0 equal to 1.0.0)",
			eco: "PyPI", pkg: "x", version: "1.0.0", releases: []Release{rel("1.0", "2020-01-01"), rel("1.9", "2020-06-01"), rel("1.10", "2021-01-01")},
			want: Staleness{Libyears: ptr(1), Behind: 2, Newest: "1.10", Why: "1.0.0 released 2020-01-01, newest 1.10 released 2021-01-01"}},
		{name: "PyPI: a release candidate in use sees later candidates",
			eco: "pypi", pkg: "x", version: "2.0rc1", releases: []Release{rel("1.1", "2021-01-01"), rel("2.0rc1", "2022-01-01"), rel("2.0rc2", "2022-02-01")},
			want: Staleness{Libyears: ptr(0.08), Behind: 1, Newest: "2.0rc2", Why: "2.0rc1 released 2022-01-01, newest 2.0rc2 released 2022-02-01"}},

		{name: "Maven: milestones and snapshots are not releases",
			eco: "maven", pkg: "org.example:lib", version: "2.0.0",
			releases: []Release{rel("2.0.0", "2020-01-01"), rel("2.1.0", "2021-01-01"), rel("3.0.0-M1", "2022-01-01"), rel("3.0.0-SNAPSHOT", "2022-02-01")},
			want:     Staleness{Libyears: ptr(1), Behind: 1, Newest: "2.1.0", Why: "2.0.0 released 2020-01-01, newest 2.1.0 released 2021-01-01"}},

		{name: "no version",
			eco: "npm", pkg: "lodash", releases: lodash,
			want: Staleness{Behind: -1, Why: "lodash has no version, so its lag cannot be told"}},
		{name: "an ecosystem without an order",
			eco: "conan", pkg: "zlib", version: "1.3",
			want: Staleness{Behind: -1, Why: "versions of the conan ecosystem cannot be ordered"}},
		{name: "no history",
			eco: "npm", pkg: "lodash", version: "4.17.15",
			want: Staleness{Behind: -1, Why: "no release history of lodash is known"}},
		{name: "only pre-releases",
			eco: "npm", pkg: "x", version: "1.0.0", releases: []Release{rel("2.0.0-rc.1", "2022-01-01")},
			want: Staleness{Behind: -1, Why: "only pre-releases of x are known"}},
		{name: "nothing readable",
			eco: "npm", pkg: "x", version: "1.0.0", known: []string{"main", "2.0.0-rc.1"},
			want: Staleness{Behind: -1, Why: "none of the 2 known versions of x is a release that can be read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StalenessOf(tt.eco, tt.pkg, tt.version, tt.releases, tt.known)
			// NewestAt is checked on its own below.
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Staleness{}, "NewestAt")); diff != "" {
				t.Errorf("StalenessOf (-want +got):\n%s", diff)
			}
		})
	}
}

// NewestAt is the newest release's date when the releases are dated,
// and unknown when only the organisation's versions are.
func TestStalenessNewestAt(t *testing.T) {
	s := StalenessOf("npm", "lodash", "4.17.15", lodash, nil)
	if s.NewestAt == nil || !s.NewestAt.Equal(time.Date(2021, 2, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("NewestAt %v, want 2021-02-20", s.NewestAt)
	}
	if s := StalenessOf("npm", "lodash", "4.17.15", nil, []string{"4.17.21"}); s.NewestAt != nil {
		t.Errorf("NewestAt %v without dates", s.NewestAt)
	}
}

func TestPrerelease(t *testing.T) {
	tests := []struct {
		eco, v string
		want   bool
	}{
		{"npm", "1.0.0", false},
		{"npm", "1.0.0-beta.1", true},
		{"npm", "1.0.0+build-5", false},
		{"Go", "v0.0.0-20200101000000-abcdefabcdef", true},
		{"Go", "v2.0.0+incompatible", false},
		{"PyPI", "1.0a1", true},
		{"PyPI", "1.0b", true},
		{"PyPI", "1.0c1", true},
		{"PyPI", "1.0rc1", true},
		{"PyPI", "1.0.dev3", true},
		{"PyPI", "1.0.post1", false},
		{"PyPI", "1.0+local.beta", false},
		{"PyPI", "2!1.0", false},
		{"Maven", "1.0-SNAPSHOT", true},
		{"Maven", "1.0.0.RC2", true},
		{"Maven", "2.0.0-M1", true},
		{"Maven", "1.0-alpha-1", true},
		{"Maven", "5.3.0.Final", false},
		{"Maven", "1.0-sp1", false},
		{"Maven", "31.1-jre", false},
		{"RubyGems", "1.0.0.pre", true},
		{"RubyGems", "1.0.0", false},
		{"Debian:12", "1.0~rc1-1", true},
		{"Debian", "1.0-1+deb12u1", false},
		{"Alpine", "1.2.3_rc1-r0", true},
		{"Alpine", "1.2.3_p1-r0", false},
		{"Packagist", "2.0.0-RC1", true},
		{"Packagist", "2.0.0-patch1", false},
	}
	for _, tt := range tests {
		if got := prerelease(tt.eco, tt.v); got != tt.want {
			t.Errorf("prerelease(%q, %q) = %v, want %v", tt.eco, tt.v, got, tt.want)
		}
	}
}

func TestKnownVersions(t *testing.T) {
	k := KnownVersions{}
	k.Add("npm", "lodash", "4.17.15")
	k.Add("npm", "lodash", "4.17.21")
	k.Add("npm", "lodash", "4.17.15")
	k.Add("npm", "lodash", "")
	k.Add("pypi", "lodash", "1.0")
	if diff := cmp.Diff([]string{"4.17.15", "4.17.21"}, k.Versions("npm", "lodash")); diff != "" {
		t.Errorf("Versions (-want +got):\n%s", diff)
	}
	if got := k[KnownKey("npm", "lodash")]; len(got) != 2 {
		t.Errorf("k[KnownKey] = %v", got)
	}
	if got := k.Versions("npm", "underscore"); got != nil {
		t.Errorf("Versions of an unseen component = %v", got)
	}
}

// fakeReleases is a Releases that answers from a map and may fail.
type fakeReleases struct {
	rels map[string][]Release
	err  error
}

func (f fakeReleases) Releases(ecosystem, name string) ([]Release, error) {
	return f.rels[KnownKey(ecosystem, name)], f.err
}

func TestStalenessFrom(t *testing.T) {
	src := fakeReleases{rels: map[string][]Release{KnownKey("npm", "lodash"): lodash}}
	known := KnownVersions{}
	known.Add("npm", "lodash", "4.17.22")

	got := StalenessFrom(src, known, "npm", "lodash", "4.17.15")
	want := Staleness{Behind: 4, Newest: "4.17.22", Why: "the release date of the newest lodash, 4.17.22, is unknown"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("with both (-want +got):\n%s", diff)
	}

	got = StalenessFrom(nil, known, "npm", "lodash", "4.17.15")
	if got.Libyears != nil || got.Behind != 1 || !strings.HasPrefix(got.Why, "release dates are unknown") {
		t.Errorf("without a source: %+v", got)
	}

	src.err = errors.New("read /cache/x/@v/v1.info: broken")
	got = StalenessFrom(src, nil, "npm", "lodash", "4.17.15")
	if got.Libyears == nil || *got.Libyears != 1.59 {
		t.Errorf("a failing source's releases were not used: %+v", got)
	}
	if !strings.HasSuffix(got.Why, "(the release history was not fully read: read /cache/x/@v/v1.info: broken)") {
		t.Errorf("Why = %q, want the source's error", got.Why)
	}
}
