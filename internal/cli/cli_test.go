package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"ospo/internal/report"
)

// run executes ospo in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	app := filepath.Join("testdata", "app")
	tests := []struct {
		name    string
		args    []string
		exit    int
		stdout  []string // substrings that must appear
		stderr  []string
		without []string // substrings that must not appear in stdout
	}{
		{name: "scan denies GPL in a distributed product (default)", args: []string{"scan", app}, exit: 1,
			stdout: []string{"ckeditor5", "deny", "12 components"}, stderr: []string{"1 of 12 components denied"}},
		{name: "scan lists only without a policy", args: []string{"scan", "--no-policy", app}, exit: 0,
			stdout: []string{"ckeditor5", "GPL-2.0-or-later"}, without: []string{"deny"}},
		{name: "internal tools may use strong copyleft", args: []string{"scan", "--distribution", "internal", app}, exit: 0},
		{name: "fail-on with SPDX semantics", args: []string{"scan", "--no-policy=false", "--distribution", "internal", "--fail-on", "MIT", app}, exit: 1,
			stderr: []string{"denied"}},
		{name: "allow-only MIT denies GPL", args: []string{"scan", "--distribution", "internal", "--allow-only", "MIT", app}, exit: 1},
		{name: "allow-only covers all", args: []string{"scan", "--allow-only", "MIT;GPL-2.0-or-later", app}, exit: 0},
		{name: "production leaves dev out", args: []string{"scan", "--no-policy", "--production", "-f", "csv", app}, exit: 0,
			stdout: []string{"ckeditor5"}, without: []string{"is-number,7.0.0"}},
		{name: "direct only", args: []string{"scan", "--no-policy", "--direct", "-f", "csv", app}, exit: 0,
			stdout: []string{"ms,2.1.3"}, without: []string{"ms,2.0.0", "react"}},
		{name: "exclude packages", args: []string{"scan", "--exclude-packages", "ckeditor5", app}, exit: 0,
			without: []string{"ckeditor5"}},
		{name: "start flag", args: []string{"scan", "--no-policy", "--start", app}, exit: 0, stdout: []string{"debug"}},
		{name: "missing directory", args: []string{"scan", filepath.Join("testdata", "nope")}, exit: 2,
			stderr: []string{"testdata/nope"}},
		{name: "unknown format", args: []string{"scan", "-f", "yaml", app}, exit: 2, stderr: []string{`unknown format "yaml"`}},
		{name: "unknown ecosystem", args: []string{"scan", "--ecosystem", "cobol", app}, exit: 2, stderr: []string{"cobol"}},
		{name: "contradicting filters", args: []string{"scan", "--production", "--development", app}, exit: 2},
		{name: "unknown flag", args: []string{"scan", "--frobnicate"}, exit: 2},
		{name: "bad distribution", args: []string{"scan", "--distribution", "everywhere", app}, exit: 2},
		{name: "licenses check valid", args: []string{"licenses", "check", "mit or apache-2.0"}, exit: 0,
			stdout: []string{"valid: MIT OR Apache-2.0"}},
		{name: "licenses check deprecated", args: []string{"licenses", "check", "GPL-2.0+"}, exit: 0,
			stdout: []string{"GPL-2.0-or-later"}},
		{name: "licenses check invalid", args: []string{"licenses", "check", "FOO-1.0 AND MIT"}, exit: 1,
			stdout: []string{"invalid", "FOO-1.0"}},
		{name: "licenses identify", args: []string{"licenses", "identify", filepath.Join("testdata", "contrib-dco", "LICENSE")}, exit: 0,
			stdout: []string{"LICENSE: MIT"}},
		{name: "licenses identify missing file", args: []string{"licenses", "identify", "testdata/none"}, exit: 2,
			stdout: []string{"NOASSERTION"}, stderr: []string{"testdata/none"}},
		{name: "contribute with DCO", args: []string{"check", "--contribute", filepath.Join("testdata", "contrib-dco")}, exit: 0,
			stdout: []string{"ALLOW", "Developer Certificate of Origin"}},
		{name: "contribute with a CLA not pre-approved", args: []string{"check", "--contribute", "--strict", filepath.Join("testdata", "contrib-cla")}, exit: 1,
			stdout: []string{"REVIEW", "Google CLA", "ask the OSPO"}},
		{name: "use check", args: []string{"check", app}, exit: 1,
			stdout: []string{"DENY", "ckeditor5"}},
		{name: "version", args: []string{"version"}, exit: 0, stdout: []string{"ospo "}},
		{name: "sbom CycloneDX by default", args: []string{"sbom", app}, exit: 0,
			stdout: []string{`"bomFormat": "CycloneDX"`, `"specVersion": "1.6"`, `"purl": "pkg:npm/ckeditor5@41.4.2"`, `"acknowledgement": "concluded"`, `"dependsOn"`}},
		{name: "sbom SPDX tag-value", args: []string{"sbom", "-f", "spdx-tag", app}, exit: 0,
			stdout: []string{"SPDXVersion: SPDX-2.3", "PackageName: ckeditor5", "PackageLicenseDeclared: GPL-2.0-or-later", "DEPENDS_ON"}},
		{name: "sbom unknown format", args: []string{"sbom", "-f", "swid", app}, exit: 2, stderr: []string{`unknown SBOM format "swid"`}},
		{name: "sbom unknown kind", args: []string{"sbom", "--kind", "borrowed", app}, exit: 2, stderr: []string{`unknown kind "borrowed"`}},
		{name: "why shows the path", args: []string{"why", "ms@2.0.0", app}, exit: 0,
			stdout: []string{"ms@2.0.0 (npm, prod, MIT)", "scoped-nested > debug@2.6.9 > ms@2.0.0"}, without: []string{"ms@2.1.3"}},
		{name: "why by name lists every version", args: []string{"why", "ms", app}, exit: 0,
			stdout: []string{"ms@2.0.0", "ms@2.1.3", "scoped-nested > ms@2.1.3"}},
		{name: "why by package URL", args: []string{"why", "pkg:npm/ms@2.1.3", app}, exit: 0,
			stdout: []string{"scoped-nested > ms@2.1.3"}, without: []string{"ms@2.0.0"}},
		{name: "why of a package nobody uses", args: []string{"why", "left-pad", app}, exit: 2,
			stderr: []string{"left-pad: no project under testdata/app depends on it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != tt.exit {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.exit, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			for _, s := range tt.without {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
		})
	}
}

// validateScanJSON checks a scan document against the published schema.
func validateScanJSON(t *testing.T, stdout string) {
	t.Helper()
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("scan.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("scan.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("output does not match the schema: %v", err)
	}
}

// TestScanJSON checks the document against its schema and the facts of
// the fixture: every installed name@version once, with a license.
func TestScanJSON(t *testing.T) {
	code, stdout, stderr := run(t, "scan", "--format", "json", filepath.Join("testdata", "app"))
	if code != 1 {
		t.Fatalf("exit %d, want 1 (GPL denied); stderr: %s", code, stderr)
	}
	validateScanJSON(t, stdout)
	var got struct {
		Components []struct{ Name, Version, License, Verdict string }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, c := range got.Components {
		refs = append(refs, c.Name+"@"+c.Version+" "+c.License+" "+c.Verdict)
	}
	want := []string{
		"@tootallnate/once@2.0.0 MIT allow", "ckeditor5@41.4.2 GPL-2.0-or-later deny", "debug@2.6.9 MIT allow",
		"is-number@6.0.0 MIT allow", "is-number@7.0.0 MIT allow", "is-odd@3.0.1 MIT allow",
		"js-tokens@4.0.0 MIT allow", "loose-envify@1.4.0 MIT allow", "ms@2.0.0 MIT allow",
		"ms@2.1.3 MIT allow", "react@18.3.1 MIT allow", "use-sync-external-store@1.2.2 MIT allow",
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
}

// TestBaseline: a scan compared with itself reports nothing new and
// passes, even though the policy denies a component.
func TestBaseline(t *testing.T) {
	app := filepath.Join("testdata", "app")
	base := filepath.Join(t.TempDir(), "base.json")
	if code, _, stderr := run(t, "scan", "-f", "json", "-o", base, app); code != 1 {
		t.Fatalf("first scan exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, "scan", "-f", "csv", "--baseline", base, app)
	if code != 0 {
		t.Fatalf("scan against its own baseline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if lines := strings.Count(strings.TrimSpace(stdout), "\n"); lines != 0 {
		t.Errorf("baseline scan lists %d components, want none:\n%s", lines, stdout)
	}
	// A baseline that does not know ckeditor5 sees it as new, and fails.
	old, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.ReplaceAll(string(old), `"name":"ckeditor5"`, `"name":"ckeditor4"`)
	if err := os.WriteFile(base, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = run(t, "scan", "-f", "csv", "--baseline", base, app)
	if code != 1 || !strings.Contains(stdout, "ckeditor5") || strings.Contains(stdout, "debug") {
		t.Errorf("new component: exit %d, output:\n%s", code, stdout)
	}
	if code, _, stderr := run(t, "scan", "--baseline", app, app); code != 2 || !strings.Contains(stderr, "baseline") {
		t.Errorf("unreadable baseline: exit %d, %s", code, stderr)
	}
}

func TestPolicyFileFound(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "app"), dir)
	pol := "exceptions:\n  - package: ckeditor5\n    versions: \">=41.0.0 <42.0.0\"\n    decision: allow\n    reason: bought a commercial license\n    owner: legal\n    ticket: OSPO-7\n"
	if err := os.WriteFile(filepath.Join(dir, ".ospo.yaml"), []byte(pol), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "scan", dir)
	if code != 0 {
		t.Fatalf("exit %d with the exception in .ospo.yaml\n%s\n%s", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, ".ospo.yaml"), []byte("licenses:\n  allow: [NOT-A-LICENSE]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "scan", dir)
	if code != 2 || !strings.Contains(stderr, ".ospo.yaml") {
		t.Errorf("bad policy: exit %d, stderr %s", code, stderr)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if info.Mode()&os.ModeSymlink != 0 {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A supplied SBOM scanned as vendor software: its components are decided
// by the same policy, and the project records kind and supplier.
func TestScanSuppliedSBOM(t *testing.T) {
	app := filepath.Join("testdata", "app")
	bom := filepath.Join(t.TempDir(), "billing.spdx.json")
	if code, _, stderr := run(t, "sbom", "-f", "spdx-json", "-o", bom, app); code != 0 {
		t.Fatalf("sbom: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run(t, "scan", "-f", "json", "--kind", "vendor", "--supplier", "Acme Corp", bom)
	if code != 1 {
		t.Fatalf("scan of the SBOM: exit %d, want 1 (ckeditor5's GPL denied as in the source scan): %s", code, stderr)
	}
	var doc report.Document
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Projects) != 1 || doc.Projects[0].Kind != "vendor" || doc.Projects[0].Supplier != "Acme Corp" {
		t.Errorf("projects = %+v; want one vendor project supplied by Acme Corp", doc.Projects)
	}
	if len(doc.Components) != 12 {
		t.Errorf("%d components; want the 12 of the source scan", len(doc.Components))
	}
	for _, c := range doc.Components {
		if c.Name == "ckeditor5" && (c.Verdict != "deny" || c.License != "GPL-2.0-or-later") {
			t.Errorf("ckeditor5 from the SBOM: %s %s; want GPL-2.0-or-later denied", c.License, c.Verdict)
		}
	}
	// A broken SBOM is named with its problem; other roots still scan.
	broken := filepath.Join(t.TempDir(), "broken.cdx.json")
	if err := os.WriteFile(broken, []byte(`{"bomFormat": "CycloneDX", "components": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "scan", "--no-policy", "-f", "csv", broken, app)
	if code != 0 || !strings.Contains(stderr, "broken.cdx.json") || !strings.Contains(stderr, "CycloneDX JSON") || !strings.Contains(stdout, "ckeditor5") {
		t.Errorf("broken SBOM beside a good root: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

// The vulnerability workflow end to end on a real SQLite file: import
// real OSV records, see the status, and find lodash 4.17.20's command
// injection (GHSA-35jh-r3h4-6jhm, CVSS 7.2 high) with the upgrade that fixes it.
func TestVulnerabilities(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ospo.db")
	records := filepath.Join("..", "vuln", "testdata", "osv")
	target := filepath.Join("testdata", "vulnerable")
	code, stdout, stderr := run(t, "vulns", "--db", db, target)
	if code != 2 || !strings.Contains(stderr, "no vulnerability database at") {
		t.Errorf("vulns without a database: exit %d, %s", code, stderr)
	}
	if code, stdout, stderr = run(t, "vulndb", "import", "--db", db, records); code != 0 || !strings.Contains(stdout, "added") {
		t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ = run(t, "vulndb", "status", "--db", db); code != 0 || !strings.Contains(stdout, "npm") || !strings.Contains(stdout, "Go") {
		t.Errorf("status: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = run(t, "vulns", "--db", db, target)
	if code != 0 {
		t.Fatalf("vulns: exit %d (a high finding is reviewed, not denied, by default)\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"high 7.2", "GHSA-35jh-r3h4-6jhm (CVE-2021-23337)", "lodash@4.17.20", "4.17.21", "1 high in 1 of 1 components"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("vulns output lacks %q:\n%s", want, stdout)
		}
	}
	policyFile := filepath.Join(t.TempDir(), "strict.yaml")
	if err := os.WriteFile(policyFile, []byte("vulnerabilities:\n  deny: high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr = run(t, "vulns", "--db", db, "--policy", policyFile, target); code != 1 || !strings.Contains(stderr, "1 components denied for known vulnerabilities") {
		t.Errorf("vulns with deny: high: exit %d, %s", code, stderr)
	}
	// scan carries the findings in its JSON document, valid against the schema.
	code, stdout, _ = run(t, "scan", "--db", db, "-f", "json", target)
	validateScanJSON(t, stdout)
	var doc report.Document
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("scan JSON (exit %d): %v", code, err)
	}
	if len(doc.Components) != 1 || len(doc.Components[0].Vulnerabilities) != 1 || doc.Components[0].Upgrade != "4.17.21" ||
		doc.Summary.Vulnerabilities == nil || doc.Summary.Vulnerabilities.ByLevel["high"] != 1 {
		t.Errorf("scan JSON vulnerabilities: %+v %+v", doc.Components, doc.Summary.Vulnerabilities)
	}
	// --no-vulns leaves them out.
	_, stdout, _ = run(t, "scan", "--db", db, "--no-vulns", "-f", "json", target)
	if strings.Contains(stdout, "GHSA-35jh") {
		t.Error("--no-vulns still reports vulnerabilities")
	}
}

// gitRepo makes a small real repository: files committed with a fixed
// author, so the checks have history to read.
func gitRepo(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "change"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.org",
			"GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// ospo repo check and ospo monitor on real clones: the scores, Scorecard's
// JSON, and a second monitor run that reports exactly the change made.
func TestRepoCheckAndMonitor(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	license, err := os.ReadFile(filepath.Join("..", "..", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpha", "beta"} {
		gitRepo(t, filepath.Join(root, name), map[string]string{
			"LICENSE":   string(license),
			"README.md": "# " + name + "\n\nSee CONTRIBUTING.md to contribute.\n",
			".github/workflows/ci.yml": "on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n" +
				"      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: go test ./...\n",
		})
	}
	code, stdout, stderr := run(t, "repo", "check", "--no-practices", filepath.Join(root, "alpha"))
	if code != 0 {
		t.Fatalf("repo check: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Dangerous-Workflow", "License ", "10.0", "Pinned-Dependencies", "approximation"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("repo check lacks %q:\n%s", want, stdout)
		}
	}
	if !regexp.MustCompile(`Dangerous-Workflow\s+0\.0`).MatchString(stdout) {
		t.Errorf("a pull_request_target workflow checking out the PR head must score 0:\n%s", stdout)
	}
	code, stdout, _ = run(t, "repo", "check", "-f", "scorecard-json", filepath.Join(root, "alpha"))
	var v2 struct {
		Repo   struct{ Name, Commit string }
		Score  float64
		Checks []struct {
			Name  string
			Score int
		}
	}
	if err := json.Unmarshal([]byte(stdout), &v2); err != nil || code != 0 || len(v2.Checks) < 10 || len(v2.Repo.Commit) != 40 {
		t.Fatalf("scorecard-json: exit %d, %v: %+v", code, err, v2)
	}
	for _, c := range v2.Checks {
		if strings.HasPrefix(c.Name, "practices/") {
			t.Errorf("Scorecard JSON carries a non-Scorecard check %s", c.Name)
		}
	}

	db := filepath.Join(t.TempDir(), "ospo.db")
	if code, _, stderr = run(t, "monitor", "run", "--db", db, "-f", "json", root); code != 0 {
		t.Fatalf("first monitor run: exit %d: %s", code, stderr)
	}
	// Beta gains a security policy; alpha does not change.
	gitRepo(t, filepath.Join(root, "beta"), map[string]string{"SECURITY.md": "Report vulnerabilities to security@example.org; we answer within 7 days.\n"})
	code, stdout, stderr = run(t, "monitor", "run", "--db", db, "-f", "json", "--max-drop", "0.5", root)
	if code != 0 {
		t.Fatalf("second monitor run: exit %d: %s", code, stderr)
	}
	var rep struct {
		Repos []struct {
			Name    string
			Changes []struct{ Name string }
			Commits []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	changed := map[string][]string{}
	for _, r := range rep.Repos {
		for _, c := range r.Changes {
			changed[r.Name] = append(changed[r.Name], c.Name)
		}
		if r.Name == "beta" && len(r.Commits) != 1 {
			t.Errorf("beta's commits since the last run: %v", r.Commits)
		}
	}
	if len(changed) != 1 || !slices.Contains(changed["beta"], "Security-Policy") {
		t.Errorf("changes %v; want only beta, with Security-Policy among them", changed)
	}
	code, stdout, _ = run(t, "monitor", "history", "--db", db, "beta")
	if code != 0 || strings.Count(stdout, "ospo") < 2 {
		t.Errorf("history: exit %d\n%s", code, stdout)
	}
}
