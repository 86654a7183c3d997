package gem

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readGemfileFixture(t *testing.T, dir string) *gemfile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, "Gemfile"))
	if err != nil {
		t.Fatal(err)
	}
	gf, err := parseGemfile(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return gf
}

func devNames(gf *gemfile) []string {
	var out []string
	for _, n := range gf.Order {
		if gf.Gems[n].Dev {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func TestParseGemfileFixtures(t *testing.T) {
	tests := []struct {
		dir     string
		gems    int
		dev     []string
		gemspec bool
	}{
		{
			dir:  "campfire",
			gems: 35,
			dev:  []string{"brakeman", "bundler-audit", "capybara", "debug", "faker", "mocha", "rubocop-rails-omakase", "selenium-webdriver", "webmock"},
		},
		{
			// Rails' own Gemfile: custom groups, groups nested in
			// platforms blocks, gems in if/else branches, a gemspec.
			dir:  "gemfile-only",
			gems: 86,
			dev: []string{
				"benchmark-ips", "brakeman", "debug", "minitest-bisect", "minitest-ci", "minitest-retry",
				"rdoc", "redcarpet", "rouge", "rubocop", "rubocop-md", "rubocop-minitest", "rubocop-packaging",
				"rubocop-performance", "rubocop-rails", "rubocop-rails-omakase", "rubyzip", "sdoc", "stackprof",
				"syntax_tree", "w3c_validators",
			},
			gemspec: true,
		},
		{
			dir:     "gem-project",
			gems:    6,
			dev:     []string{"coverage-helpers", "rake", "simplecov", "simplecov-html", "stackprof", "test-unit"},
			gemspec: true,
		},
		{
			dir:  "bundle-vendored",
			gems: 6,
			dev:  []string{"debug", "minitest", "test-unit"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			gf := readGemfileFixture(t, tt.dir)
			if gf.Confused {
				t.Fatal("block structure not followed")
			}
			if len(gf.Gems) != tt.gems || gf.Gemspec != tt.gemspec {
				t.Errorf("%d gems (want %d), gemspec %v", len(gf.Gems), tt.gems, gf.Gemspec)
			}
			if diff := cmp.Diff(tt.dev, devNames(gf)); diff != "" {
				t.Errorf("dev gems (-want +got):\n%s", diff)
			}
		})
	}
	gf := readGemfileFixture(t, "campfire")
	if diff := cmp.Diff([]string{"~> 7.2", ">= 7.2.1"}, gf.Gems["puma"].Constraints); diff != "" {
		t.Errorf("puma constraints (-want +got):\n%s", diff)
	}
	if len(gf.Gems["rails"].Constraints) != 0 {
		t.Errorf("rails constraints = %q; github: is an option", gf.Gems["rails"].Constraints)
	}
	// pg sits in group :db inside platforms: not development.
	if g := readGemfileFixture(t, "gemfile-only").Gems["pg"]; g == nil || g.Dev {
		t.Errorf("pg = %+v", g)
	}
}

func TestParseGemfileShapes(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		dev      []string
		prod     []string
		confused bool
	}{
		{
			name: "inline groups in both spellings",
			in: `gem "a", group: :test
gem 'b', :groups => [:development, :test]
gem "c", groups: %i[development production]
gem "d", require: false, group: "development"`,
			dev:  []string{"a", "b", "d"},
			prod: []string{"c"},
		},
		{
			name: "a call continued on the next lines",
			in: `gem "a",
    "~> 1.0",
    group: :test
gem("b", "1.0")`,
			dev:  []string{"a"},
			prod: []string{"b"},
		},
		{
			name: "declared twice: production wins",
			in: `group :test do
  gem "a"
end
gem "a", platforms: :jruby`,
			prod: []string{"a"},
		},
		{
			// A gem inside a one-line conditional is not seen; the
			// conditional opens no block.
			name: "one-line conditional and comments",
			in: `if ENV["X"] then gem "a" end # not a block
group :test do # end
  gem "b" # group :development do
end
gem "c"`,
			dev:  []string{"b"},
			prod: []string{"c"},
		},
		{
			name: "block with parameters and a hash in a string",
			in: `source "https://gems.example.test" do |s|
  gem "a", "#{x}"
end
group :development do
  gem "b"
end`,
			dev:  []string{"b"},
			prod: []string{"a"},
		},
		{
			name:     "an end without a block",
			in:       "gem \"a\"\nend\ngroup :test do\n  gem \"b\"\nend\n",
			dev:      []string{"b"},
			prod:     []string{"a"},
			confused: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gf, err := parseGemfile(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var dev, prod []string
			for _, n := range gf.Order {
				if gf.Gems[n].Dev {
					dev = append(dev, n)
				} else {
					prod = append(prod, n)
				}
			}
			if diff := cmp.Diff(tt.dev, dev); diff != "" {
				t.Errorf("dev (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.prod, prod); diff != "" {
				t.Errorf("prod (-want +got):\n%s", diff)
			}
			if gf.Confused != tt.confused {
				t.Errorf("confused = %v", gf.Confused)
			}
		})
	}
}

// FuzzParseGemfile: never panic; every gem read has a valid name and is
// listed once in Order.
func FuzzParseGemfile(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/Gemfile")
	more, _ := filepath.Glob("testdata/*/*/*/*/*/gems/*/Gemfile")
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("gem \"a\", groups: [:test, \"x\"\n  end end\nif x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		gf, err := parseGemfile(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(gf.Order) != len(gf.Gems) {
			t.Fatalf("order %d vs gems %d", len(gf.Order), len(gf.Gems))
		}
		for _, n := range gf.Order {
			if !validName(n) || gf.Gems[n] == nil {
				t.Fatalf("gem %q", n)
			}
		}
	})
}
