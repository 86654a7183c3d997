package composer

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ospo/internal/inventory"
	"ospo/internal/inventory/inventorytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scan runs a whole scan with the Composer extractor on one fixture, as
// the user would, with the fixture directory as the root.
func scan(t *testing.T, dir string) *inventory.Inventory {
	t.Helper()
	return inventorytest.Scan(t, New(), filepath.Join("testdata", dir), dir, inventory.Options{})
}

var fixtures = []string{
	"lock-installed",
	"installed-composer1",
	"lock-only",
	"manifest-only",
	"broken-lock",
	"vendor-dir",
}

// TestExtractGolden scans every fixture and compares all that the
// extractor decided with the golden file of that fixture. Run with
// -update after a deliberate change, and read the diff.
func TestExtractGolden(t *testing.T) {
	for _, dir := range fixtures {
		t.Run(dir, func(t *testing.T) {
			got := inventorytest.Summarize(t, scan(t, dir), inventorytest.Options{})
			inventorytest.Golden(t, filepath.Join("testdata", "golden", dir+".json"), got, *update)
		})
	}
}

// component finds a component by name in the only project of inv.
func component(t *testing.T, inv *inventory.Inventory, name string) *inventory.Component {
	t.Helper()
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects, want 1", len(inv.Projects))
	}
	for _, c := range inv.Projects[0].Components {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no component %s", name)
	return nil
}

// TestLockInstalled checks the facts that matter most on the real
// lockfile with its vendor directory, independently of the golden file.
func TestLockInstalled(t *testing.T) {
	inv := scan(t, "lock-installed")
	if len(inv.Problems) > 0 {
		t.Fatalf("problems: %v", inv.Problems)
	}
	p := inv.Projects[0]
	if p.Name != "codeigniter4/codeigniter4" || p.Source != "installed+lockfile" || p.Path != "lock-installed/composer.json" {
		t.Errorf("project = %q %q %q", p.Name, p.Source, p.Path)
	}
	var refs []string
	for _, c := range p.Components {
		refs = append(refs, c.Ref()+" "+string(c.Scope))
	}
	wantRefs := []string{
		"codeigniter/coding-standard@v1.2.0 dev",
		"composer/pcre@1.0.0 dev",
		"composer/xdebug-handler@2.0.4 dev",
		"doctrine/instantiator@1.4.0 dev",
		"dompdf/dompdf@v1.1.1 prod",
		"kint-php/kint@3.3 prod",
		"laminas/laminas-escaper@2.9.0 prod",
		"phenx/php-font-lib@0.5.4 prod",
		"phenx/php-svg-lib@0.3.4 prod",
		"psr/log@1.1.4 prod",
		"sabberworm/php-css-parser@8.4.0 prod",
		"setasign/fpdf@1.8.2 prod",
	}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}

	dompdf := component(t, inv, "dompdf/dompdf")
	if !dompdf.Direct || dompdf.PURL != "pkg:composer/dompdf/dompdf@v1.1.1" {
		t.Errorf("dompdf direct=%v purl=%s", dompdf.Direct, dompdf.PURL)
	}
	if diff := cmp.Diff([]string{"LGPL-2.1"}, dompdf.DeclaredLicenses); diff != "" {
		t.Errorf("dompdf licenses (-want +got):\n%s", diff)
	}
	if dompdf.Supplier != "Fabien Ménager, Brian Sweeney, Gabriel Bull" {
		t.Errorf("dompdf supplier = %q", dompdf.Supplier)
	}
	if dompdf.Repository != "https://github.com/dompdf/dompdf/tree/v1.1.1" {
		t.Errorf("dompdf repository = %q", dompdf.Repository)
	}
	if len(dompdf.Hashes) != 0 {
		t.Errorf("dompdf hashes = %v; its shasum is empty", dompdf.Hashes)
	}
	// dompdf is listed as installed but its directory is not in the
	// fixture: it is not marked installed.
	if dompdf.Installed || dompdf.Dir != "" {
		t.Errorf("dompdf installed=%v dir=%q", dompdf.Installed, dompdf.Dir)
	}

	// php-svg-lib is reached through dompdf only: transitive.
	svg := component(t, inv, "phenx/php-svg-lib")
	if svg.Direct {
		t.Error("phenx/php-svg-lib is direct; only dompdf requires it")
	}
	if diff := cmp.Diff([][]string{{"dompdf/dompdf@v1.1.1", "phenx/php-svg-lib@0.3.4"}}, svg.Paths); diff != "" {
		t.Errorf("php-svg-lib paths (-want +got):\n%s", diff)
	}

	// composer/pcre lives in vendor/composer/pcre: install-path is
	// relative to vendor/composer.
	pcre := component(t, inv, "composer/pcre")
	abs, _ := filepath.Abs(filepath.Join("testdata", "lock-installed", "vendor", "composer", "pcre"))
	if !pcre.Installed || pcre.Dir != abs {
		t.Errorf("pcre installed=%v dir=%q, want %q", pcre.Installed, pcre.Dir, abs)
	}
	if diff := cmp.Diff([]string{"https://packagist.com", "https://github.com/composer", "https://tidelift.com/funding/github/packagist/composer/composer"}, pcre.Funding); diff != "" {
		t.Errorf("pcre funding (-want +got):\n%s", diff)
	}

	// psr/log is required by a dev package too, but prod wins.
	if c := component(t, inv, "psr/log"); c.Scope != inventory.ScopeProd || !c.Direct {
		t.Errorf("psr/log scope=%s direct=%v", c.Scope, c.Direct)
	}
	wantNotes := []string{
		"required by composer.json but not in composer.lock: fakerphp/faker, friendsofphp/php-cs-fixer, mikey179/vfsstream, nexusphp/cs-config, nexusphp/tachycardia, phpstan/phpstan, phpunit/phpunit, predis/predis, rector/rector",
		"in composer.lock but not installed: laminas/laminas-escaper@2.9.0, phenx/php-font-lib@0.5.4, phenx/php-svg-lib@0.3.4, psr/log@1.1.4, sabberworm/php-css-parser@8.4.0, setasign/fpdf@1.8.2",
		"listed in installed.json but their directory is missing: codeigniter/coding-standard, composer/xdebug-handler, doctrine/instantiator, dompdf/dompdf, kint-php/kint",
	}
	if diff := cmp.Diff(wantNotes, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestLockOnly(t *testing.T) {
	inv := scan(t, "lock-only")
	p := inv.Projects[0]
	if p.Name != "lock-only" || p.Source != "lockfile" || p.Path != "lock-only/composer.lock" {
		t.Errorf("project = %q %q %q", p.Name, p.Source, p.Path)
	}
	ga := component(t, inv, "magento/module-google-analytics")
	if diff := cmp.Diff([]string{"OSL-3.0 OR AFL-3.0"}, ga.DeclaredLicenses); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]inventory.Hash{{Algorithm: "SHA-1", Value: "68b47404030af89957333ac92e6e426a65a5e0aa"}}, ga.Hashes); diff != "" {
		t.Errorf("hashes (-want +got):\n%s", diff)
	}
	if ga.Resolved != "https://repo.magento.com/archives/magento/module-google-analytics/magento-module-google-analytics-100.4.0.0.zip" {
		t.Errorf("resolved = %q", ga.Resolved)
	}
	// Required by google-optimizer, so not a root.
	if ga.Direct {
		t.Error("google-analytics is direct; google-optimizer requires it")
	}
	var direct []string
	for _, c := range p.Components {
		if c.Direct {
			direct = append(direct, c.Name)
		}
	}
	wantDirect := []string{
		"2tvenom/cborencode",
		"amzn/amazon-pay-and-login-magento-2-module",
		"magento/module-google-optimizer",
		"magento/module-google-optimizer-staging",
		"magento/module-graph-ql-cache",
	}
	if diff := cmp.Diff(wantDirect, direct); diff != "" {
		t.Errorf("direct (-want +got):\n%s", diff)
	}
	meta := component(t, inv, "amzn/amazon-pay-and-login-magento-2-module")
	if diff := cmp.Diff([]string{"composer:amzn/amazon-pay-and-login-with-amazon-core-module@4.2.0"}, p.Edges[meta.Key()]); diff != "" {
		t.Errorf("metapackage edges (-want +got):\n%s", diff)
	}
}

func TestInstalledComposer1(t *testing.T) {
	inv := scan(t, "installed-composer1")
	p := inv.Projects[0]
	if p.Source != "installed" || p.Name != "installed-composer1" {
		t.Errorf("project = %q %q", p.Name, p.Source)
	}
	twig := component(t, inv, "twig/twig")
	abs, _ := filepath.Abs(filepath.Join("testdata", "installed-composer1", "vendor", "twig", "twig"))
	if !twig.Installed || twig.Dir != abs || !twig.Direct {
		t.Errorf("twig installed=%v direct=%v dir=%q", twig.Installed, twig.Direct, twig.Dir)
	}
	poly := component(t, inv, "symfony/polyfill-mbstring")
	if poly.Direct || poly.Installed {
		t.Errorf("polyfill direct=%v installed=%v; it is transitive and its directory is missing", poly.Direct, poly.Installed)
	}
}

func TestVendorDir(t *testing.T) {
	inv := scan(t, "vendor-dir")
	if len(inv.Projects) != 1 {
		t.Fatalf("%d projects; the package's own composer.json inside libs/ is not a project", len(inv.Projects))
	}
	c := component(t, inv, "psr/log")
	abs, _ := filepath.Abs(filepath.Join("testdata", "vendor-dir", "libs", "psr", "log"))
	if c.Dir != abs || !c.Installed {
		t.Errorf("psr/log dir=%q installed=%v, want %q", c.Dir, c.Installed, abs)
	}
}

func TestBrokenLock(t *testing.T) {
	inv := scan(t, "broken-lock")
	want := []inventory.Problem{{Path: "broken-lock/composer.lock", Message: "cannot read composer.lock: invalid JSON: unexpected end of JSON input"}}
	if diff := cmp.Diff(want, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	p := inv.Projects[0]
	if p.Source != "manifest" {
		t.Errorf("source = %q, want manifest", p.Source)
	}
	if diff := cmp.Diff([]string{"composer.lock could not be read: the direct requirements are listed without versions: psr/log ^3.0"}, p.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	c := component(t, inv, "psr/log")
	if c.Version != "" || c.PURL != "pkg:composer/psr/log" || !c.Direct {
		t.Errorf("psr/log = %q %q direct=%v", c.Version, c.PURL, c.Direct)
	}
}

func TestScanSingleLockfile(t *testing.T) {
	inv, err := inventory.Scan(context.Background(), filepath.Join("testdata", "lock-installed", "composer.lock"), "composer.lock", []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Projects) != 1 || len(inv.Projects[0].Components) != 12 {
		t.Fatalf("projects = %d", len(inv.Projects))
	}
	// composer.json beside the lockfile is still read.
	if inv.Projects[0].Name != "codeigniter4/codeigniter4" {
		t.Errorf("name = %q", inv.Projects[0].Name)
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"composer.json", true},
		{"composer.lock", true},
		{"app/composer.lock", true},
		{"vendor/composer/installed.json", true},
		{"app/vendor/composer/installed.json", true},
		{"vendor/psr/log/composer.json", false},
		{"vendor/psr/log/sub/composer.lock", false},
		{"vendor/a/b/vendor/composer/installed.json", false},
		{"installed.json", false},
		{"package.json", false},
		{"vendor/composer.json", true},
	}
	for _, tt := range tests {
		if got := New().Wants(tt.rel, inventorytest.Entry(filepath.Base(tt.rel), 0)); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
	if New().Wants("composer.lock", inventorytest.Entry("composer.lock", fs.ModeSymlink)) {
		t.Error("Wants a symlinked lockfile, which may lead out of the root")
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	abs, err := filepath.Abs(filepath.Join("testdata", "lock-only"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = New().Extract(ctx, abs, []string{filepath.Join(abs, "composer.lock")}, inventory.Options{Root: abs})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestSymlinkOutsideRoot: a vendor package linked to a directory outside
// the scanned root is not read.
func TestSymlinkOutsideRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "composer.json"), `{"require": {"acme/lib": "*"}}`)
	write(filepath.Join(root, "vendor", "composer", "installed.json"), `{"packages": [{"name": "acme/lib", "version": "1.0.0", "install-path": "../acme/lib"}]}`)
	write(filepath.Join(outside, "LICENSE"), "secret")
	if err := os.MkdirAll(filepath.Join(root, "vendor", "acme"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "vendor", "acme", "lib")); err != nil {
		t.Skip("symlinks:", err)
	}
	inv, err := inventory.Scan(context.Background(), root, "proj", []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := component(t, inv, "acme/lib")
	if c.Dir != "" || c.Installed {
		t.Errorf("dir=%q installed=%v; the link leaves the root", c.Dir, c.Installed)
	}
}

// TestTooLarge: a lockfile over the limit is a problem that states the
// limit, and the manifest beside it is still read. The file is sparse: its
// size is all that is looked at.
func TestTooLarge(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "composer.json"), []byte(`{"name": "acme/app", "require": {"acme/lib": "^1.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root, "composer.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxLockfileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	inv, err := inventory.Scan(context.Background(), root, "proj", []inventory.Extractor{New()}, inventory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.Problem{{Path: "proj/composer.lock", Message: "cannot read composer.lock: file too large: 67108865 bytes, over the limit of 64 MiB"}}
	if diff := cmp.Diff(want, inv.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(inv.Projects) != 1 || inv.Projects[0].Source != "manifest" {
		t.Errorf("projects %+v, want the manifest read", inv.Projects)
	}
}

func TestSupports(t *testing.T) {
	for _, s := range New().Supports() {
		if s.Files == "" || s.Gives == "" || s.Licenses == "" {
			t.Errorf("incomplete support row %+v", s)
		}
	}
}
