package practices

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// corpusDownload is the module download cache of the test corpus.
const corpusDownload = "/work/corpus/gomodcache/cache/download"

// unpackModule unpacks a module zip of the download cache into a new
// git repository with one commit, tagged with the version, both dated
// at the module's publication time. It returns the directory and that
// time.
func unpackModule(t *testing.T, module, version string) (string, time.Time) {
	t.Helper()
	base := filepath.Join(corpusDownload, filepath.FromSlash(module), "@v", version)
	zr, err := zip.OpenReader(base + ".zip")
	if err != nil {
		t.Skipf("%s@%s is not in the corpus: %v", module, version, err)
	}
	defer zr.Close()
	var info struct{ Time time.Time }
	if data, err := os.ReadFile(base + ".info"); err == nil {
		_ = json.Unmarshal(data, &info)
	}
	if info.Time.IsZero() {
		t.Skipf("%s@%s has no publication time", module, version)
	}
	dir := t.TempDir()
	prefix := module + "@" + version + "/"
	for _, f := range zr.File {
		name, ok := strings.CutPrefix(f.Name, prefix)
		if !ok || name == "" || strings.HasSuffix(name, "/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry %s leaves the directory", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(out, io.LimitReader(rc, 64<<20))
		rc.Close()
		out.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	when := info.Time.UTC().Format(time.RFC3339)
	initRepo(t, dir, []commit{{when: when, msg: "import " + module + " " + version, tag: version}})
	return dir, info.Time
}

// TestRealModules rates unpacked releases of real projects (with a
// one-commit history made here, so dco fails and recent_release passes).
func TestRealModules(t *testing.T) {
	if _, err := os.Stat(corpusDownload); err != nil {
		t.Skip("the corpus is absent")
	}
	tests := []struct {
		module, version string
		// passed are the checks that pass; exempt those exempt.
		passed, exempt []string
		score          float64
		rating         string
	}{
		{
			// Documentation 18/25, license 20/20, best practices 16/19
			// (artifacthub_badge exempt by .clomonitor.yml, dco by the
			// CLA), security 6/7: 60/71. security_policy passes on
			// SECURITY-INSIGHTS.yml, which CLOMonitor's security* also
			// matches.
			module: "go.opentelemetry.io/otel", version: "v1.47.0",
			passed: []string{"binaries-not-present", "changelog", "cla", "contributing", "dependencies_policy", "license_approved",
				"license_scanning", "license_spdx_id", "maintainers", "openssf_badge", "openssf_scorecard_badge", "readme",
				"readme-references-license", "recent_release", "security_insights", "security_policy", "slack_presence"},
			exempt: []string{"artifacthub_badge", "dco", "github_discussions"},
			score:  100 * 60.0 / 71, rating: "a",
		},
		{
			// 19/25, 15/20, 5/19 (EasyCLA exempts dco), 3/7: 42/71.
			module: "k8s.io/klog/v2", version: "v2.140.0",
			passed: []string{"binaries-not-present", "cla", "code_of_conduct", "contributing", "license_approved", "license_spdx_id",
				"maintainers", "readme", "recent_release", "security_policy", "slack_presence"},
			exempt: []string{"dco", "github_discussions"},
			score:  100 * 42.0 / 71, rating: "b",
		},
		{
			// 20/25, 15/20, 8/19, 3/7: 46/71.
			module: "github.com/prometheus/client_golang", version: "v1.25.0",
			passed: []string{"binaries-not-present", "changelog", "code_of_conduct", "contributing", "license_approved", "license_spdx_id",
				"maintainers", "openssf_scorecard_badge", "readme", "recent_release", "security_policy", "slack_presence"},
			exempt: []string{"github_discussions"},
			score:  100 * 46.0 / 71, rating: "b",
		},
		{
			// 15/25 (contributing and roadmap from README sections),
			// 15/20, 3/19, 0/7: 33/71.
			module: "github.com/pkg/errors", version: "v0.9.1",
			passed: []string{"binaries-not-present", "contributing", "license_approved", "license_spdx_id", "readme",
				"readme-references-license", "recent_release", "roadmap"},
			score: 100 * 33.0 / 71, rating: "c",
		},
	}
	for _, tt := range tests {
		t.Run(tt.module, func(t *testing.T) {
			dir, published := unpackModule(t, tt.module, tt.version)
			rep, err := Check(t.Context(), dir, Options{Now: published.AddDate(0, 1, 0), Identifier: testID})
			if err != nil {
				t.Fatal(err)
			}
			var passed, exempt []string
			for _, c := range rep.Checks {
				if c.Score == 10 {
					passed = append(passed, c.Name)
				}
				if c.Exempt != "" {
					exempt = append(exempt, c.Name)
				}
			}
			sort.Strings(passed)
			sort.Strings(exempt)
			t.Logf("%s %s: score %.1f rating %s", tt.module, tt.version, rep.Score, rep.Rating)
			for _, s := range rep.Sections {
				t.Logf("  %-15s %6.1f (%d/%d)", s.Name, s.Score, s.Passed, s.Weight)
			}
			for _, c := range rep.Checks {
				t.Logf("  %-26s %4.0f %s %s", c.Name, c.Score, c.Reason, exemptNote(c.Exempt))
			}
			for _, p := range rep.Problems {
				t.Logf("  problem %s: %s", p.Path, p.Message)
			}
			got := fmt.Sprintf("%.1f %s", rep.Score, rep.Rating)
			want := fmt.Sprintf("%.1f %s", tt.score, tt.rating)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("score (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.passed, passed); diff != "" {
				t.Errorf("passed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.exempt, exempt); diff != "" {
				t.Errorf("exempt (-want +got):\n%s", diff)
			}
		})
	}
}

func exemptNote(e string) string {
	if e == "" {
		return ""
	}
	return "[exempt: " + e + "]"
}
