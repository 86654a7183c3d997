package repocheck

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	R "ospo/internal/repocheck/result"
)

func sampleRepo() *R.Repo {
	return &R.Repo{
		Name:   "example.org/team/repo",
		Commit: "68bc59901773ab4c051dfcea0cc4201a1567ab32",
		Date:   time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC),
		Tool:   "ospo repocheck test",
		Checks: []R.Check{
			{Name: "Pinned-Dependencies", Risk: RiskMedium, Score: 5, Reason: "dependency not pinned by hash detected -- score normalized to 5",
				DocURL: docURL("Pinned-Dependencies"),
				Findings: []R.Finding{
					{Probe: probePinned, Outcome: R.False, Message: "GitHub-owned GitHubAction not pinned by hash: actions/checkout@v4", Path: ".github/workflows/ci.yml", Line: 12},
					{Probe: probePinned, Outcome: R.True, Message: "containerImage pinned by hash", Path: "Dockerfile", Line: 1},
					{Probe: probePinned, Outcome: R.NotApplicable, Message: "shown at debug level only"},
				}},
			{Name: "Packaging", Risk: RiskMedium, Score: R.Inconclusive, Reason: "packaging workflow not detected"},
		},
		Score: 5,
	}
}

func TestWriteScorecardJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteScorecardJSON(&buf, sampleRepo(), true); err != nil {
		t.Fatal(err)
	}
	want := `{
  "date": "2026-06-01T12:00:00Z",
  "repo": {
    "name": "example.org/team/repo",
    "commit": "68bc59901773ab4c051dfcea0cc4201a1567ab32"
  },
  "scorecard": {
    "version": "ospo repocheck test",
    "commit": "unknown"
  },
  "score": 5.0,
  "checks": [
    {
      "details": [
        "Warn: GitHub-owned GitHubAction not pinned by hash: actions/checkout@v4: .github/workflows/ci.yml:12",
        "Info: containerImage pinned by hash: Dockerfile:1"
      ],
      "score": 5,
      "reason": "dependency not pinned by hash detected -- score normalized to 5",
      "name": "Pinned-Dependencies",
      "documentation": {
        "short": "Determines if the project has declared and pinned the dependencies of its build process.",
        "url": "https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies"
      }
    },
    {
      "details": null,
      "score": -1,
      "reason": "packaging workflow not detected",
      "name": "Packaging",
      "documentation": {
        "short": "Determines if the project is published as a package that others can easily download, install, easily update, and uninstall.",
        "url": "https://github.com/ossf/scorecard/blob/main/docs/checks.md#packaging"
      }
    }
  ],
  "metadata": []
}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}

	buf.Reset()
	if err := WriteScorecardJSON(&buf, sampleRepo(), false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"details": null`) || strings.Contains(buf.String(), "Warn:") {
		t.Errorf("without details, details must be null:\n%s", buf.String())
	}
}

func TestReadScorecardJSON(t *testing.T) {
	t.Run("v4 local run with a date-only date", func(t *testing.T) {
		r := readScorecardFile(t, "testdata/scorecard/v4.8.0-local-date-only.json")
		if !r.Date.Equal(time.Date(2022, 10, 25, 0, 0, 0, 0, time.UTC)) || r.Source != "scorecard" || r.Tool != "v4.8.0" {
			t.Errorf("header: %v %q %q", r.Date, r.Source, r.Tool)
		}
		if r.Score != 6.8 {
			t.Errorf("score %v, want 6.8", r.Score)
		}
		// The stated aggregate is what the weights give.
		if got := AggregateScore(r.Checks); got != 6.8 {
			t.Errorf("recomputed aggregate %v, want 6.8", got)
		}
		if c, _ := r.Check("Dependency-Update-Tool"); c.Score != R.Inconclusive || c.Risk != RiskHigh {
			t.Errorf("Dependency-Update-Tool: %+v", c)
		}
	})
	t.Run("v5 with details", func(t *testing.T) {
		r := readScorecardFile(t, "testdata/scorecard/v5.0.0-rc2-ossf-scorecard.json")
		if r.Name != "github.com/ossf/scorecard" || r.Commit != "d99ae690a90ece02d0fd74c3c5875190c4da76d7" || r.Score != 9.6 {
			t.Errorf("header: %q %q %v", r.Name, r.Commit, r.Score)
		}
		lic, _ := r.Check("License")
		wantLic := []R.Finding{
			{Outcome: R.True, Message: "project has a license file", Path: "LICENSE"},
			{Outcome: R.True, Message: "FSF or OSI recognized license: Apache License 2.0", Path: "LICENSE"},
		}
		if diff := cmp.Diff(wantLic, lic.Findings); diff != "" {
			t.Errorf("License findings (-want +got):\n%s", diff)
		}
		pinned, _ := r.Check("Pinned-Dependencies")
		if diff := cmp.Diff([]loc{{R.False, ".github/workflows/goreleaser.yaml", 88}, {R.False, ".github/workflows/slsa-goreleaser.yml", 47}},
			locsOf(pinned, R.False)); diff != "" {
			t.Errorf("Pinned-Dependencies warnings (-want +got):\n%s", diff)
		}
		vulns, _ := r.Check("Vulnerabilities")
		if len(vulns.Findings) != 1 || vulns.Findings[0].Message != "Project is vulnerable to: GO-2022-0646" || vulns.Findings[0].Path != "" {
			t.Errorf("Vulnerabilities findings: %+v", vulns.Findings)
		}
		if bp, _ := r.Check("Branch-Protection"); bp.Risk != RiskHigh || bp.Score != 8 {
			t.Errorf("Branch-Protection: %+v", bp)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, in := range []string{`[]`, `{"date":"2024-01-01"}`, `{"date":"yesterday","repo":{},"checks":[]}`, `{"repo":{},"checks":[{"score":1}]}`, `not json`} {
			if _, err := ReadScorecardJSON(strings.NewReader(in)); err == nil {
				t.Errorf("%s: no error", in)
			}
		}
	})
}

func readScorecardFile(t *testing.T, p string) *R.Repo {
	t.Helper()
	r, err := ReadScorecardJSON(bytes.NewReader(readTestdata(t, p)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestScorecardJSONRoundTrip(t *testing.T) {
	in := sampleRepo()
	var buf bytes.Buffer
	if err := WriteScorecardJSON(&buf, in, true); err != nil {
		t.Fatal(err)
	}
	out, err := ReadScorecardJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// What the format carries comes back; the probe names, the debug
	// findings and the exactness flag are not in it.
	want := *in
	want.Source = "scorecard"
	want.Checks = []R.Check{in.Checks[0], in.Checks[1]}
	want.Checks[0].Findings = []R.Finding{
		{Outcome: R.False, Message: "GitHub-owned GitHubAction not pinned by hash: actions/checkout@v4", Path: ".github/workflows/ci.yml", Line: 12},
		{Outcome: R.True, Message: "containerImage pinned by hash", Path: "Dockerfile", Line: 1},
	}
	want.Checks[1].DocURL = docURL("Packaging")
	if diff := cmp.Diff(&want, out, cmpopts.IgnoreFields(R.Check{}, "Exact"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// FuzzReadScorecardJSON: no input makes the reader panic, and what it
// reads is a fixed point of writing and reading again.
func FuzzReadScorecardJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/scorecard/*.json")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	var buf bytes.Buffer
	_ = WriteScorecardJSON(&buf, sampleRepo(), true)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"date":"2024-01-01","repo":{"name":"x"},"checks":[{"name":"A","score":11,"details":["Warn: a: b:1-2: fix it","Debug: x","odd"]}],"score":-3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r1, err := ReadScorecardJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		if r1.Source != "scorecard" {
			t.Fatalf("source %q", r1.Source)
		}
		for _, c := range r1.Checks {
			if c.Score < R.Inconclusive || c.Score > maxScore {
				t.Fatalf("check %s score %v out of range", c.Name, c.Score)
			}
		}
		again := func(r *R.Repo) *R.Repo {
			var b bytes.Buffer
			if err := WriteScorecardJSON(&b, r, true); err != nil {
				t.Fatal(err)
			}
			out, err := ReadScorecardJSON(&b)
			if err != nil {
				t.Fatalf("reading what was written: %v\n%s", err, b.String())
			}
			return out
		}
		r2 := again(r1)
		r3 := again(r2)
		if diff := cmp.Diff(r2, r3, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("not a fixed point (-r2 +r3):\n%s", diff)
		}
	})
}
