package license

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadCurationsErrors(t *testing.T) {
	tests := []struct {
		file    string
		wantErr string // "" when the file loads
		wantLen int
	}{
		{"valid.yaml", "", 5},
		{"empty.yaml", "", 0},
		{"not-yaml.yaml", "bad curations file", 0},
		{"unknown-field.yaml", "lisence", 0},
		{"bad-license.yaml", `curation 1 (foo): license: invalid SPDX expression`, 0},
		{"bad-range.yaml", `versions ">=1.0.0 <banana"`, 0},
		{"missing-reason.yaml", "reason is missing", 0},
		{"bad-sha.yaml", "not a SHA-256", 0},
		{"version-in-purl.yaml", "write the version range in versions", 0},
		{"does-not-exist.yaml", "no such file", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "curations", tt.file)
			cs, err := LoadCurations(path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadCurations: %v", err)
				}
				if cs.Len() != tt.wantLen {
					t.Errorf("Len = %d, want %d", cs.Len(), tt.wantLen)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
				t.Fatalf("LoadCurations error = %v; want one naming %s and containing %q", err, path, tt.wantErr)
			}
			if tt.file != "does-not-exist.yaml" && !errors.Is(err, ErrCurations) {
				t.Errorf("error %v is not ErrCurations", err)
			}
		})
	}
}

func TestCurationsFind(t *testing.T) {
	cs, err := LoadCurations(filepath.Join("testdata", "curations", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		eco, name, version string
		want               string // License of the curation found, "" for none
	}{
		{"npm", "through", "2.3.8", "MIT"},
		{"npm", "through", "3.0.0", ""},
		{"npm", "through", "1.9.9", ""},
		{"go", "through", "2.3.8", ""},
		{"npm", "clone", "2.1.2", "MIT"},
		{"npm", "clone", "3.0.0", ""},
		{"npm", "clone", "2.0.9", ""},
		{"npm", "@scope/pkg", "0.0.1", "Apache-2.0"},
		{"go", "github.com/acme/lib", "v1.2.9", "BSD-3-Clause"},
		{"go", "github.com/acme/lib", "v1.3.0", ""},
		{"go", "github.com/acme/lib", "v2.0.0-rc.2", "BSD-3-Clause"},
		{"go", "github.com/acme/lib", "v2.0.0-beta", ""},
		{"go", "github.com/acme/lib", "v3.1.0+incompatible", "BSD-3-Clause"},
		{"npm", "lodash", "4.17.21", "MIT"},
		{"pypi", "lodash", "4.17.0", "MIT"},
		{"npm", "lodash", "4.17.22", ""},
		{"npm", "lodash", "not-a-version", ""},
	}
	for _, tt := range tests {
		c, ok := cs.Find(tt.eco, tt.name, tt.version)
		got := ""
		if ok {
			got = c.License
		}
		if got != tt.want {
			t.Errorf("Find(%s, %s, %s) = %q, want %q", tt.eco, tt.name, tt.version, got, tt.want)
		}
	}
	var none *Curations
	if _, ok := none.Find("npm", "x", "1.0.0"); ok {
		t.Error("a nil Curations found something")
	}
}

func TestVersionRange(t *testing.T) {
	tests := []struct {
		rng string
		in  []string
		out []string
		bad bool
	}{
		{rng: "", in: []string{"0.0.1", "99.0.0", "v1.0.0-rc.1"}},
		{rng: "*", in: []string{"1.2.3"}},
		{rng: "1.2.3", in: []string{"1.2.3", "v1.2.3"}, out: []string{"1.2.4", "1.2.3-rc.1"}},
		{rng: ">=1.0.0 <2", in: []string{"1.0.0", "1.99.0"}, out: []string{"0.9.9", "2.0.0", "2.0.0-rc.1"}},
		{rng: ">= 1.0 < 2.0", in: []string{"1.0.0", "1.5.0"}, out: []string{"2.0.0"}},
		{rng: "^1.2.3", in: []string{"1.2.3", "1.9.0"}, out: []string{"1.2.2", "2.0.0"}},
		{rng: "^0.2.3", in: []string{"0.2.3", "0.2.9"}, out: []string{"0.3.0"}},
		{rng: "^0.0.3", in: []string{"0.0.3"}, out: []string{"0.0.4"}},
		{rng: "~1.2.3", in: []string{"1.2.3", "1.2.9"}, out: []string{"1.3.0"}},
		{rng: "~1", in: []string{"1.0.0", "1.9.9"}, out: []string{"2.0.0"}},
		{rng: "1.x", in: []string{"1.0.0", "1.9.0"}, out: []string{"2.0.0", "0.9.0"}},
		{rng: "1.2.*", in: []string{"1.2.0", "1.2.7"}, out: []string{"1.3.0"}},
		{rng: ">1.2", in: []string{"1.3.0"}, out: []string{"1.2.9"}},
		{rng: "<=1.2", in: []string{"1.2.9"}, out: []string{"1.3.0"}},
		{rng: "1.0.0 - 2", in: []string{"1.0.0", "2.9.9"}, out: []string{"3.0.0"}},
		{rng: "1.0.0 - 2.0.0", in: []string{"2.0.0"}, out: []string{"2.0.1"}},
		{rng: "<1.0.0 || >=3", in: []string{"0.5.0", "3.1.0"}, out: []string{"2.0.0"}},
		{rng: ">=v0.0.0-20200101000000-abcdefabcdef", in: []string{"v0.0.0-20210101000000-abcdefabcdef", "v0.1.0"}, out: []string{"v0.0.0-20190101000000-abcdefabcdef"}},
		{rng: ">=1.0.0 <banana", bad: true},
		{rng: "1.2.3.4", bad: true},
		{rng: "^", bad: true},
		{rng: "||", bad: true},
		{rng: "1.2-rc.1", bad: true},
	}
	for _, tt := range tests {
		r, err := parseRange(tt.rng)
		if tt.bad {
			if err == nil {
				t.Errorf("parseRange(%q) accepted", tt.rng)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseRange(%q): %v", tt.rng, err)
			continue
		}
		for _, v := range tt.in {
			if !r.contains(v) {
				t.Errorf("%q does not contain %s", tt.rng, v)
			}
		}
		for _, v := range tt.out {
			if r.contains(v) {
				t.Errorf("%q contains %s", tt.rng, v)
			}
		}
	}
}

func TestCurationApply(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "texts", "mit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(text)
	hash := hex.EncodeToString(sum[:])
	cs, err := LoadCurations(filepath.Join("testdata", "curations", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	clone, _ := cs.Find("npm", "clone", "2.1.2")
	through, _ := cs.Find("npm", "through", "2.3.8")
	review := Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", NeedsReview: true, Reason: "LICENSE only resembles MIT"}
	tests := []struct {
		name   string
		cur    *Curation
		hashes []string
		want   Conclusion
	}{
		{"text unchanged", clone, []string{"ffff", strings.ToUpper(hash)},
			Conclusion{Expression: "MIT", Source: SourceCurated, Declared: "MIT", Reason: `curated as MIT: LICENSE is MIT without the words "ARISING FROM"; legal accepted it (found: MIT)`}},
		{"text changed", clone, []string{"ffff"},
			Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", NeedsReview: true,
				Reason: `license text changed since curation (curated as MIT: LICENSE is MIT without the words "ARISING FROM"; legal accepted it); LICENSE only resembles MIT`}},
		{"no text pinned", through, nil,
			Conclusion{Expression: "MIT", Source: SourceCurated, Declared: "MIT", Reason: "curated as MIT: README says MIT; LICENSE.APACHE2 is a leftover of an old dual license (found: MIT)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.cur.Apply(review, tt.hashes)); diff != "" {
				t.Errorf("Apply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
