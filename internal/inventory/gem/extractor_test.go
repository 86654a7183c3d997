package gem

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// noEnv is a getenv that knows no variable: tests must not see the
// machine's GEM_HOME.
func noEnv(string) string { return "" }

// scan scans one fixture with the fixture directory as the root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, &Extractor{getenv: noEnv}, filepath.Join("testdata", dir), dir, inventory.Options{})
}

// licenseFilePath is how a license file is shown in the golden files.
func licenseFilePath(f inventory.LicenseFile) string { return f.Path }

// TestExtractGolden scans the small fixtures and compares all that the
// extractor decided with their golden files. Run with -update after a
// deliberate change, and read the diff. The two large real lockfiles
// (rails-git-path, campfire) are checked fact by fact below instead.
func TestExtractGolden(t *testing.T) {
	for _, dir := range []string{
		"bundle-vendored",
		"gem-project",
		"checksums",
		"gemfile-only",
		"broken-lock",
		"gemhome",
		"debian",
	} {
		t.Run(dir, func(t *testing.T) {
			got := inventorytest.Summarize(t, scan(t, dir), inventorytest.Options{LicenseFile: licenseFilePath})
			inventorytest.Golden(t, filepath.Join("testdata", "golden", dir+".json"), got, *update)
		})
	}
}

// only returns the only project of inv.
func only(t *testing.T, inv *inventory.Inventory) *inventory.Project {
	t.Helper()
	if len(inv.Projects) != 1 {
		var paths []string
		for _, p := range inv.Projects {
			paths = append(paths, p.Path)
		}
		t.Fatalf("projects %q, want one", paths)
	}
	return inv.Projects[0]
}

// component finds a component by name in p.
func component(t *testing.T, p *inventory.Project, name string) *inventory.Component {
	t.Helper()
	for _, c := range p.Components {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no component %s in %s", name, p.Path)
	return nil
}

// scopes maps each component name to its scope.
func scopes(p *inventory.Project) map[string]inventory.Scope {
	m := map[string]inventory.Scope{}
	for _, c := range p.Components {
		m[c.Name] = c.Scope
	}
	return m
}

func abs(t *testing.T, parts ...string) string {
	t.Helper()
	a, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestBundleVendored: a lockfile written by Bundler, its Gemfile groups
// and the vendor/bundle Bundler installed into.
func TestBundleVendored(t *testing.T) {
	inv := scan(t, "bundle-vendored")
	p := only(t, inv)
	if p.Source != "installed+lockfile" || p.Path != "bundle-vendored/Gemfile" {
		t.Errorf("source %q path %q", p.Source, p.Path)
	}
	want := map[string]inventory.Scope{
		"rake": "prod", "rss": "prod", "rexml": "prod",
		"debug": "dev", "irb": "dev", "reline": "dev", "io-console": "dev",
		"minitest": "dev", "test-unit": "dev", "power_assert": "dev",
	}
	if diff := cmp.Diff(want, scopes(p)); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	rake := component(t, p, "rake")
	if rake.Dir != abs(t, "bundle-vendored", "vendor", "bundle", "ruby", "3.1.0", "gems", "rake-13.0.6") || !rake.Installed {
		t.Errorf("rake dir %q installed %v", rake.Dir, rake.Installed)
	}
	if diff := cmp.Diff([]string{"MIT"}, rake.DeclaredLicenses); diff != "" {
		t.Errorf("rake licenses (-want +got):\n%s", diff)
	}
	if rake.Resolved != "https://rubygems.org/gems/rake-13.0.6.gem" || rake.PURL != "pkg:gem/rake@13.0.6" {
		t.Errorf("rake resolved %q purl %q", rake.Resolved, rake.PURL)
	}
	// The gemspec is installed but the fixture has no gem directory:
	// licenses are known, the files are not on disk.
	tu := component(t, p, "test-unit")
	if tu.Installed || tu.Dir != "" {
		t.Errorf("test-unit installed %v dir %q", tu.Installed, tu.Dir)
	}
	if diff := cmp.Diff([]string{"Ruby", "BSDL", "PSFL"}, tu.DeclaredLicenses); diff != "" {
		t.Errorf("test-unit licenses (-want +got):\n%s", diff)
	}
	// rexml is both a direct gem and rss's dependency: the shortest path
	// is kept.
	if rexml := component(t, p, "rexml"); !rexml.Direct || len(rexml.Paths) != 1 || rexml.Scope != inventory.ScopeProd {
		t.Errorf("rexml direct %v paths %v", rexml.Direct, rexml.Paths)
	}
	if diff := cmp.Diff([]string{"installed in bundle-vendored/vendor/bundle/ruby/3.1.0 but not in Gemfile.lock: prime@0.1.2"}, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestGemProject: a gem's own repository; the PATH gem is the project.
func TestGemProject(t *testing.T) {
	p := only(t, scan(t, "gem-project"))
	if p.Name != "typeprof" || p.Version != "0.21.2" {
		t.Errorf("project %s %s", p.Name, p.Version)
	}
	for _, c := range p.Components {
		if c.Name == "typeprof" {
			t.Error("the project's own gem is listed as a component")
		}
	}
	// rbs is what the gemspec requires at run time; the rest come from
	// the development group.
	rbs := component(t, p, "rbs")
	if rbs.Scope != inventory.ScopeProd || !rbs.Direct {
		t.Errorf("rbs scope %s direct %v", rbs.Scope, rbs.Direct)
	}
	if d := component(t, p, "docile"); d.Scope != inventory.ScopeDev || d.Direct {
		t.Errorf("docile scope %s direct %v", d.Scope, d.Direct)
	}
}

func TestRailsGitPath(t *testing.T) {
	p := only(t, scan(t, "rails-git-path"))
	if len(p.Components) != 219 {
		t.Errorf("%d components, want 219 (GEM and GIT gems, each version once)", len(p.Components))
	}
	for _, c := range p.Components {
		if strings.HasPrefix(c.Name, "action") || c.Name == "rails" || c.Name == "railties" {
			t.Errorf("PATH gem %s listed as a component", c.Name)
		}
	}
	ws := component(t, p, "websocket-client-simple")
	if ws.Resolved != "git+https://github.com/matthewd/websocket-client-simple.git@e161305f1a466b9398d86df3b1731b03362da91b" ||
		ws.Repository != "https://github.com/matthewd/websocket-client-simple.git" || !ws.Direct {
		t.Errorf("websocket-client-simple resolved %q repository %q direct %v", ws.Resolved, ws.Repository, ws.Direct)
	}
	if diff := cmp.Diff([]string{"gem:event_emitter@0.2.6", "gem:websocket@1.2.10"}, p.Edges[ws.Key()]); diff != "" {
		t.Errorf("websocket-client-simple edges (-want +got):\n%s", diff)
	}
	// The generic build is locked beside the platform ones: it is the
	// one named.
	ffi := component(t, p, "ffi")
	if ffi.PURL != "pkg:gem/ffi@1.17.0" || ffi.Resolved != "https://rubygems.org/gems/ffi-1.17.0.gem" {
		t.Errorf("ffi purl %q resolved %q", ffi.PURL, ffi.Resolved)
	}
	// zeitwerk is required only by the PATH gems the project is made
	// of: it is direct.
	if z := component(t, p, "zeitwerk"); !z.Direct {
		t.Error("zeitwerk is not direct; the project's own actioncable requires it")
	}
	// The sdoc GIT gem depends on rdoc.
	sdoc := component(t, p, "sdoc")
	if !contains(p.Edges[sdoc.Key()], "gem:rdoc@6.7.0") {
		t.Errorf("sdoc edges %v", p.Edges[sdoc.Key()])
	}
	wantNotes := []string{
		"no Gemfile beside Gemfile.lock: every gem is counted as needed in production",
		"PATH gems are the project's own code, not components: actioncable, actionmailbox, actionmailer, actionpack, actiontext, actionview, activejob, activemodel, activerecord, activestorage, activesupport, rails, railties",
		"declared but locked for none of the lockfile's platforms: tzinfo-data, wdm",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestCampfire(t *testing.T) {
	p := only(t, scan(t, "campfire"))
	if len(p.Components) != 138 {
		t.Errorf("%d components, want 138", len(p.Components))
	}
	got := scopes(p)
	for name, want := range map[string]inventory.Scope{
		"rubocop": "dev", "rubocop-ast": "dev", "capybara": "dev", "mocha": "dev", "faker": "dev",
		"selenium-webdriver": "dev", "rubyzip": "dev", "webmock": "dev", "hashdiff": "dev",
		// Also reached from production gems.
		"racc": "prod", "ruby2_keywords": "prod", "i18n": "prod", "irb": "prod", "nokogiri": "prod",
	} {
		if got[name] != want {
			t.Errorf("%s scope %q, want %q", name, got[name], want)
		}
	}
	// Only platform builds are locked: no single artifact is named.
	nok := component(t, p, "nokogiri")
	if nok.PURL != "pkg:gem/nokogiri@1.19.4" || nok.Resolved != "" || len(nok.Hashes) != 0 {
		t.Errorf("nokogiri purl %q resolved %q hashes %v", nok.PURL, nok.Resolved, nok.Hashes)
	}
	rails := component(t, p, "rails")
	if rails.Resolved != "git+https://github.com/rails/rails.git@1a02651ac37fb64b4de2a2b73461d86acf9c98fb" || !rails.Direct {
		t.Errorf("rails resolved %q direct %v", rails.Resolved, rails.Direct)
	}
	if diff := cmp.Diff([]string{"locked only as platform-specific builds, listed without a platform: ffi@1.17.2, nokogiri@1.19.4, sqlite3@2.7.3, thruster@0.1.15"}, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestChecksums(t *testing.T) {
	p := only(t, scan(t, "checksums"))
	for _, c := range p.Components {
		if len(c.Hashes) != 1 || c.Hashes[0].Algorithm != "SHA-256" || len(c.Hashes[0].Value) != 64 {
			t.Errorf("%s hashes %v", c.Ref(), c.Hashes)
		}
	}
}

// copyFile copies a fixture file into a temporary tree.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lockOnlyCopy copies bundle-vendored's Gemfile and lockfile, without its
// vendor directory, into a temporary directory.
func lockOnlyCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"Gemfile", "Gemfile.lock"} {
		copyFile(t, filepath.Join("testdata", "bundle-vendored", f), filepath.Join(dir, f))
	}
	return dir
}

// TestGemCache: lockfile gems take their licenses and files from the gem
// cache, configured or named by GEM_HOME.
func TestGemCache(t *testing.T) {
	home := abs(t, "gemhome")
	for name, run := range map[string]struct {
		e    *Extractor
		opts inventory.Options
	}{
		"configured": {&Extractor{getenv: noEnv}, inventory.Options{Caches: map[string]string{"gem": home}}},
		"GEM_HOME": {&Extractor{getenv: func(k string) string {
			if k == "GEM_HOME" {
				return home
			}
			return ""
		}}, inventory.Options{}},
	} {
		t.Run(name, func(t *testing.T) {
			p := only(t, inventorytest.Scan(t, run.e, lockOnlyCopy(t), "app", run.opts))
			if p.Source != "lockfile" {
				t.Errorf("source %q", p.Source)
			}
			rake := component(t, p, "rake")
			if rake.Dir != filepath.Join(home, "gems", "rake-13.0.6") || !rake.Installed {
				t.Errorf("rake dir %q installed %v", rake.Dir, rake.Installed)
			}
			if diff := cmp.Diff([]string{"app/Gemfile.lock"}, rake.Locations); diff != "" {
				t.Errorf("the cache is not a location of the project (-want +got):\n%s", diff)
			}
			debug := component(t, p, "debug")
			if diff := cmp.Diff([]string{"Ruby", "BSD-2-Clause"}, debug.DeclaredLicenses); diff != "" {
				t.Errorf("debug licenses (-want +got):\n%s", diff)
			}
			if debug.Installed {
				t.Error("debug installed; the cache has its gemspec only")
			}
		})
	}
	// Without a cache nothing is known beyond the lockfile.
	p := only(t, inventorytest.Scan(t, &Extractor{getenv: noEnv}, lockOnlyCopy(t), "app", inventory.Options{}))
	if c := component(t, p, "rake"); len(c.DeclaredLicenses) != 0 || c.Dir != "" {
		t.Errorf("rake without cache: %v %q", c.DeclaredLicenses, c.Dir)
	}
}

// TestGitCheckout: a git gem Bundler checked out into vendor/bundle is
// read through its own hand-written gemspec.
func TestGitCheckout(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join("testdata", "campfire", "Gemfile"), filepath.Join(dir, "Gemfile"))
	copyFile(t, filepath.Join("testdata", "campfire", "Gemfile.lock"), filepath.Join(dir, "Gemfile.lock"))
	home := filepath.Join(dir, "vendor", "bundle", "ruby", "3.4.0")
	if err := os.MkdirAll(filepath.Join(home, "specifications"), 0o755); err != nil {
		t.Fatal(err)
	}
	checkout := filepath.Join(home, "bundler", "gems", "turbo-rails-30cd8fcc6f82")
	copyFile(t, filepath.Join("testdata", "gemspecs", "turbo-rails.gemspec"), filepath.Join(checkout, "turbo-rails.gemspec"))
	p := only(t, inventorytest.Scan(t, &Extractor{getenv: noEnv}, dir, "app", inventory.Options{}))
	c := component(t, p, "turbo-rails")
	if c.Dir != checkout || !c.Installed {
		t.Errorf("turbo-rails dir %q installed %v", c.Dir, c.Installed)
	}
	if diff := cmp.Diff([]string{"MIT"}, c.DeclaredLicenses); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}
	if c.Supplier != "Sam Stephenson, Javan Mahkmali, David Heinemeier Hansson" {
		t.Errorf("supplier %q", c.Supplier)
	}
}

func TestGemHome(t *testing.T) {
	p := only(t, scan(t, "gemhome"))
	if p.Name != "gemhome" || p.Source != "installed" || p.Path != "gemhome/specifications" {
		t.Errorf("project %q %q %q", p.Name, p.Source, p.Path)
	}
	tp := component(t, p, "typeprof")
	if diff := cmp.Diff([]string{"gem:rbs@2.1.0"}, p.Edges[tp.Key()]); diff != "" {
		t.Errorf("typeprof edges (-want +got):\n%s", diff)
	}
	if rbs := component(t, p, "rbs"); rbs.Direct {
		t.Error("rbs is direct; typeprof requires it")
	}
	if diff := cmp.Diff([]string{"default gems, shipped as part of Ruby itself: io-console@0.5.11, irb@1.4.1, json@2.6.1, reline@0.3.0"}, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if c := component(t, p, "json"); !c.Installed || c.Dir != "" {
		t.Errorf("json installed %v dir %q", c.Installed, c.Dir)
	}
}

func TestDebian(t *testing.T) {
	inv := scan(t, "debian")
	if len(inv.Projects) != 2 {
		t.Fatalf("%d projects, want 2", len(inv.Projects))
	}
	files := map[string][]string{}
	for _, p := range inv.Projects {
		for _, c := range p.Components {
			for _, f := range c.LicenseFiles {
				files[c.Name] = append(files[c.Name], f.Path)
			}
		}
	}
	want := map[string][]string{
		"rack": {"debian/usr/share/doc/ruby-rack/copyright"},
		"json": {"debian/usr/share/doc/ruby-json/copyright"},
	}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("license files (-want +got):\n%s", diff)
	}
}

func TestBrokenLock(t *testing.T) {
	inv := scan(t, "broken-lock")
	want := []inventory.Problem{{Path: "broken-lock/Gemfile.lock", Message: "cannot read Gemfile.lock: unresolved merge conflict markers"}}
	if diff := cmp.Diff(want, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	p := only(t, inv)
	if p.Source != "manifest" || component(t, p, "minitest").Scope != inventory.ScopeDev {
		t.Errorf("source %q", p.Source)
	}
}

func TestScanSingleLockfile(t *testing.T) {
	inv := inventorytest.Scan(t, &Extractor{getenv: noEnv}, filepath.Join("testdata", "bundle-vendored", "Gemfile.lock"), "Gemfile.lock", inventory.Options{})
	p := only(t, inv)
	// The Gemfile and the vendor directory beside it are still read.
	if p.Source != "installed+lockfile" || component(t, p, "debug").Scope != inventory.ScopeDev {
		t.Errorf("source %q", p.Source)
	}
}

// TestVendorBundleOutsideRoot: a vendor/bundle that links out of the
// scanned tree is not read.
func TestVendorBundleOutsideRoot(t *testing.T) {
	dir, outside := lockOnlyCopy(t), t.TempDir()
	copyFile(t, filepath.Join("testdata", "gemhome", "specifications", "rake-13.0.6.gemspec"), filepath.Join(outside, "ruby", "3.1.0", "specifications", "rake-13.0.6.gemspec"))
	if err := os.MkdirAll(filepath.Join(dir, "vendor"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "vendor", "bundle")); err != nil {
		t.Skip("symlinks:", err)
	}
	p := only(t, inventorytest.Scan(t, &Extractor{getenv: noEnv}, dir, "app", inventory.Options{}))
	if p.Source != "lockfile" || len(component(t, p, "rake").DeclaredLicenses) != 0 {
		t.Errorf("source %q: the linked vendor/bundle was read", p.Source)
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"Gemfile", true},
		{"Gemfile.lock", true},
		{"app/gems.rb", true},
		{"app/gems.locked", true},
		{"vendor/bundle/ruby/3.1.0/specifications/rake-13.0.6.gemspec", true},
		{"lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", true},
		{"specifications/rack-2.2.22.gemspec", true},
		{"mygem.gemspec", false},
		{"vendor/bundle/ruby/3.1.0/gems/rake-13.0.6/rake.gemspec", false},
		{"default/json.gemspec", false},
		{"Gemfile.lock.bak", false},
	}
	for _, tt := range tests {
		if got := New().Wants(tt.rel, inventorytest.Entry(filepath.Base(tt.rel), 0)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	if New().Wants("Gemfile.lock", inventorytest.Entry("Gemfile.lock", fs.ModeSymlink)) {
		t.Error("Wants a symlinked lockfile, which may lead out of the root")
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := abs(t, "checksums")
	_, _, err := New().Extract(ctx, root, []string{filepath.Join(root, "Gemfile.lock")}, inventory.Options{Root: root})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestSupports(t *testing.T) {
	for _, s := range New().Supports() {
		if s.Files == "" || s.Gives == "" || s.Licenses == "" {
			t.Errorf("incomplete support row %+v", s)
		}
	}
}

// TestHomeWithoutLockfile: when the lockfile cannot be read, the gems of
// vendor/bundle still appear, as an installed project of their own.
func TestHomeWithoutLockfile(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join("testdata", "bundle-vendored", "Gemfile"), filepath.Join(dir, "Gemfile"))
	if err := os.WriteFile(filepath.Join(dir, "Gemfile.lock"), []byte("not a lockfile\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join("vendor", "bundle", "ruby", "3.1.0", "specifications", "rake-13.0.6.gemspec")
	copyFile(t, filepath.Join("testdata", "bundle-vendored", spec), filepath.Join(dir, spec))
	inv := inventorytest.Scan(t, &Extractor{getenv: noEnv}, dir, "app", inventory.Options{})
	var got []string
	for _, p := range inv.Projects {
		got = append(got, p.Path+" "+p.Source)
	}
	want := []string{"app/Gemfile manifest", "app/vendor/bundle/ruby/3.1.0/specifications installed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("projects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]inventory.Problem{{Path: "app/Gemfile.lock", Message: "cannot read Gemfile.lock: no Gemfile.lock sections found"}}, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
