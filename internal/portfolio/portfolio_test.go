package portfolio_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/report"
	"ospo/internal/risk"
	"ospo/internal/scan"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
	"ospo/internal/vuln/db"
)

var ctx = context.Background()

// fixtures are real projects of the repository's test data.
var (
	appDir        = filepath.Join("..", "cli", "testdata", "app")
	vulnerableDir = filepath.Join("..", "cli", "testdata", "vulnerable")
	osvRecords    = filepath.Join("..", "vuln", "testdata", "osv")
)

// scanDoc scans dir for real, with the default policy and the OSV records
// of the test data imported into st, and returns its JSON document.
func scanDoc(t *testing.T, st *store.Store, dir string, pol *policy.Policy) *report.Document {
	t.Helper()
	vdb := db.New(st)
	if _, err := vdb.Import(ctx, osvRecords, db.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if pol == nil {
		pol = policy.Default()
	}
	res, err := scan.Run(ctx, scan.Config{Roots: []string{dir}, Policy: pol, Vulns: vdb})
	if err != nil {
		t.Fatal(err)
	}
	d := report.NewDocument(res, report.Tool{Name: "ospo", Version: "test"})
	return &d
}

func TestIngestAndAsk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		pf := portfolio.New(st, portfolio.Options{Now: func() time.Time { return clock }})
		web, err := pf.AddProject(ctx, "alice", portfolio.Project{Name: "web", Owner: "team-a", Criticality: "high", Source: appDir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pf.AddProject(ctx, "alice", portfolio.Project{Name: "web"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate name: %v, want ErrConflict", err)
		}
		if _, err := pf.AddProject(ctx, "alice", portfolio.Project{Name: "x", Kind: "alien"}); err == nil || !strings.Contains(err.Error(), "kind") {
			t.Errorf("bad kind: %v", err)
		}
		api, err := pf.AddProject(ctx, "alice", portfolio.Project{Name: "api", Owner: "team-b", Source: vulnerableDir})
		if err != nil {
			t.Fatal(err)
		}
		appDoc := scanDoc(t, st, appDir, nil)
		vulnDoc := scanDoc(t, st, vulnerableDir, nil)

		sc, delta, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: web.ID, Doc: appDoc, Origin: "cli", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Components != len(appDoc.Components) || sc.Components < 5 {
			t.Errorf("stored %d components, document has %d", sc.Components, len(appDoc.Components))
		}
		if delta.Project.Name != "web" {
			t.Errorf("delta project %+v", delta.Project)
		}
		clock = clock.Add(48 * time.Hour)
		sc2, delta2, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: api.ID, Doc: vulnDoc, Origin: "upload", Actor: "ci"})
		if err != nil {
			t.Fatal(err)
		}
		// lodash 4.17.20 has GHSA-35jh-r3h4-6jhm (CVSS 7.2, high).
		if sc2.Vulns.High != 1 || sc2.Vulns.Total() != 1 {
			t.Errorf("api scan counts %+v, want one high", sc2.Vulns)
		}
		// Dependency-Track: 5 points for a high.
		if sc2.DTRisk != 5 {
			t.Errorf("Dependency-Track risk %v, want 5", sc2.DTRisk)
		}
		if sc2.Risk <= 0 {
			t.Errorf("risk %v, want > 0 with a high finding", sc2.Risk)
		}
		if len(delta2.NewCritical) != 0 {
			t.Errorf("no critical expected: %+v", delta2.NewCritical)
		}

		// Where used, by name, by version, by range, by package URL.
		for _, tc := range []struct {
			q    string
			want []string // project names
		}{
			{"lodash", []string{"api"}},
			{"lodash@4.17.20", []string{"api"}},
			{"lodash@<4.17.21", []string{"api"}},
			{"lodash@>= 4.17.21", nil},
			{"pkg:npm/lodash", []string{"api"}},
			{"pkg:npm/lodash@4.17.20", []string{"api"}},
			{"pkg:npm/lodash@1.0.0", nil},
			{"ms", []string{"web", "web"}}, // two versions: ms@2.0.0 under debug, and a newer one
			{"ms@>2.0.0", []string{"web"}},
			{"no-such-package", nil},
		} {
			page, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: tc.q})
			if err != nil {
				t.Fatalf("%s: %v", tc.q, err)
			}
			var got []string
			for _, u := range page.Items {
				got = append(got, u.Project.Name)
				if len(u.Paths) == 0 {
					t.Errorf("%s in %s: no dependency path", tc.q, u.Project.Name)
				}
			}
			if !slices.Equal(got, tc.want) || page.Total != len(tc.want) {
				t.Errorf("where used %q: %v (total %d), want %v", tc.q, got, page.Total, tc.want)
			}
		}
		if _, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: "lodash@>="}); err == nil {
			t.Error("a constraint without version was accepted")
		}

		// Affected by a vulnerability, by its id or an alias.
		for _, id := range []string{"GHSA-35jh-r3h4-6jhm", "CVE-2021-23337"} {
			fs, err := pf.Findings(ctx, portfolio.FindingFilter{VulnID: id})
			if err != nil {
				t.Fatal(err)
			}
			if fs.Total != 1 || fs.Items[0].Project.Name != "api" || fs.Items[0].Component.Name != "lodash" || fs.Items[0].Severity != "high" {
				t.Errorf("findings of %s: %+v", id, fs)
			}
		}
		if fs, _ := pf.Findings(ctx, portfolio.FindingFilter{MinSeverity: "critical"}); fs.Total != 0 {
			t.Errorf("critical findings: %d, want 0", fs.Total)
		}

		// Components filtered; the project list sorted by risk.
		vulnerable, err := pf.Components(ctx, portfolio.ComponentFilter{Vulnerable: true})
		if err != nil || vulnerable.Total != 1 || vulnerable.Items[0].Component.Name != "lodash" || vulnerable.Items[0].Findings != 1 {
			t.Errorf("vulnerable components: %+v %v", vulnerable, err)
		}
		if len(vulnerable.Items) == 1 && len(vulnerable.Items[0].RiskParts) != 4 {
			t.Errorf("risk parts %+v, want 4", vulnerable.Items[0].RiskParts)
		}
		all, err := pf.Components(ctx, portfolio.ComponentFilter{ProjectID: web.ID, Limit: 2})
		if err != nil || all.Total != sc.Components || len(all.Items) != 2 {
			t.Errorf("web components page: total %d, items %d, %v", all.Total, len(all.Items), err)
		}
		projects, err := pf.Projects(ctx, portfolio.ProjectFilter{Sort: "risk"})
		if err != nil || projects.Total != 2 || projects.Items[0].Latest == nil {
			t.Fatalf("projects: %+v %v", projects, err)
		}

		// A second scan of api without lodash: a change, and history kept.
		clock = clock.Add(24 * time.Hour)
		trimmed := *vulnDoc
		trimmed.Components = nil
		if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: api.ID, Doc: &trimmed, Origin: "upload", Actor: "ci"}); err != nil {
			t.Fatal(err)
		}
		changes, err := pf.Changes(ctx, clock.Add(-time.Hour), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Kind != "removed" || changes[0].Component.Name != "lodash" || changes[0].Project.Name != "api" {
			t.Errorf("changes: %+v", changes)
		}
		if page, _ := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: "lodash"}); page.Total != 0 {
			t.Errorf("lodash still used after its removal: %+v", page.Items)
		}
		scans, err := pf.Scans(ctx, api.ID, 10)
		if err != nil || len(scans) != 2 || scans[0].Components != 0 || scans[1].Vulns.High != 1 {
			t.Errorf("api history: %+v %v", scans, err)
		}

		dash, err := pf.Dashboard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if dash.Projects != 2 || dash.Scanned != 2 || dash.Components != sc.Components || dash.Licenses["permissive"] == 0 {
			t.Errorf("dashboard %+v", dash)
		}
		// Three days with scans: the high appears on the second and is gone on the third.
		if len(dash.FindingsOverTime) != 3 || dash.FindingsOverTime[1].Counts.High != 1 || dash.FindingsOverTime[2].Counts.High != 0 {
			t.Errorf("findings over time %+v", dash.FindingsOverTime)
		}

		// Updates are logged with the reason; the log refuses rewriting.
		if _, err := pf.UpdateProject(ctx, "bob", "moved to team c", portfolio.Project{ID: web.ID, Owner: "team-c", Criticality: "critical"}); err != nil {
			t.Fatal(err)
		}
		evs, err := pf.Events(ctx, 10, 0, "project:web")
		if err != nil || len(evs) != 3 || evs[0].Action != "project.changed" || evs[0].Reason != "moved to team c" || evs[0].Actor != "bob" {
			t.Errorf("events of web: %+v %v", evs, err)
		}
		if _, err := st.DB().ExecContext(ctx, `UPDATE events SET actor = 'mallory'`); err == nil {
			t.Error("an event was rewritten")
		}
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM events`); err == nil {
			t.Error("events were deleted")
		}
	})
}

func TestIngestDeltaAndActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		strict, err := policy.Parse([]byte("vulnerabilities:\n  deny: high\n"), "strict.yaml")
		if err != nil {
			t.Fatal(err)
		}
		doc := scanDoc(t, st, vulnerableDir, strict)
		var ids []int64
		for _, n := range []string{"a", "b", "c"} {
			pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: n})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, pr.ID)
			_, delta, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"})
			if err != nil {
				t.Fatal(err)
			}
			if len(delta.NewDenied) != 1 || delta.NewDenied[0].Component.Name != "lodash" {
				t.Errorf("%s: new denied %+v", n, delta.NewDenied)
			}
		}
		// The same result again is no news.
		_, delta, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: ids[0], Doc: doc, Origin: "cli", Actor: "t"})
		if err != nil || !delta.Empty() {
			t.Errorf("re-ingest delta %+v %v", delta, err)
		}
		acts, err := pf.Actions(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) != 1 || acts[0].Name != "lodash" || acts[0].To != "4.17.21" || len(acts[0].Projects) != 3 {
			t.Fatalf("actions %+v", acts)
		}
		if !strings.Contains(acts[0].Text, "3 projects") {
			t.Errorf("action text %q", acts[0].Text)
		}
	})
}

func TestIngestRefusesAndKeepsState(t *testing.T) {
	st := storetest.SQLite(t)
	pf := portfolio.New(st, portfolio.Options{})
	if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: 99, Doc: &report.Document{}, Origin: "x", Actor: "y"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown project: %v", err)
	}
	pr, _ := pf.AddProject(ctx, "t", portfolio.Project{Name: "p"})
	doc := scanDoc(t, st, vulnerableDir, nil)
	if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	// A cancelled ingest keeps nothing and the previous scan stays newest.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := pf.Ingest(cctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"}); err == nil {
		t.Error("a cancelled ingest succeeded")
	}
	scans, err := pf.Scans(ctx, pr.ID, 10)
	if err != nil || len(scans) != 1 {
		t.Errorf("scans after a cancelled ingest: %d %v", len(scans), err)
	}
}

func TestLicenseCategory(t *testing.T) {
	for expr, want := range map[string]string{
		"MIT":                             "permissive",
		"":                                "unknown",
		"NOASSERTION":                     "unknown",
		"MIT OR GPL-3.0-only":             "permissive",
		"MIT AND GPL-3.0-only":            "strong-copyleft",
		"(MIT OR Apache-2.0) AND MPL-2.0": "weak-copyleft",
		"GPL-2.0-only WITH Classpath-exception-2.0": "strong-copyleft",
		"LicenseRef-foo": "unknown",
	} {
		if got := string(portfolio.LicenseCategory(expr)); got != want {
			t.Errorf("LicenseCategory(%q) = %s, want %s", expr, got, want)
		}
	}
}

func TestParseUsageQuery(t *testing.T) {
	for _, tc := range []struct {
		in      string
		name    string
		version string
		ranges  int
		purl    string
		bad     bool
	}{
		{in: "lodash", name: "lodash"},
		{in: "@babel/core", name: "@babel/core"},
		{in: "@babel/core@7.1.0", name: "@babel/core", version: "7.1.0"},
		{in: "golang.org/x/net@>=0.1.0 <0.23.0", name: "golang.org/x/net", ranges: 2},
		{in: "x@>= 1, < 2", name: "x", ranges: 2},
		{in: "pkg:npm/%40babel/core@7.1.0", purl: "pkg:npm/%40babel/core", version: "7.1.0"},
		{in: "", bad: true},
		{in: "x@", bad: true},
		{in: "x@1 2", bad: true},
		{in: "x@~1", bad: true},
		{in: "pkg:", bad: true},
		{in: strings.Repeat("a", 600), bad: true},
	} {
		q, err := portfolio.ParseUsageQuery(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("%q: error %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if tc.bad {
			continue
		}
		if q.Name != tc.name || q.Version != tc.version || len(q.Range) != tc.ranges || q.PURLBase != tc.purl {
			t.Errorf("%q: %+v", tc.in, q)
		}
	}
}

func FuzzParseUsageQuery(f *testing.F) {
	for _, s := range []string{"lodash", "@a/b@>=1 <2", "pkg:npm/x@1", "x@!=1,<=3", "a@>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := portfolio.ParseUsageQuery(s)
		if err != nil {
			return
		}
		if q.Name == "" && q.PURLBase == "" {
			t.Fatalf("%q: accepted with neither name nor package URL", s)
		}
		for _, c := range q.Range {
			if c.Version == "" {
				t.Fatalf("%q: constraint without version", s)
			}
			q.Range.Contains("npm", q.Name, "1.0.0")
		}
	})
}

// releases is a release history as a registry's metadata would give it.
type releases map[string][]risk.Release

func (r releases) Releases(eco, name string) ([]risk.Release, error) { return r[eco+"/"+name], nil }

func TestInactiveComponents(t *testing.T) {
	st := storetest.SQLite(t)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	pf := portfolio.New(st, portfolio.Options{Releases: releases{"npm/lodash": {
		{Version: "4.17.20", Time: day("2020-08-13")}, {Version: "4.17.21", Time: day("2021-02-20")}}}})
	pr, _ := pf.AddProject(ctx, "t", portfolio.Project{Name: "p"})
	if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: scanDoc(t, st, vulnerableDir, nil), Origin: "cli", Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	old, err := pf.Components(ctx, portfolio.ComponentFilter{InactiveSince: day("2023-01-01")})
	if err != nil || old.Total != 1 || old.Items[0].NewestRelease == nil || !old.Items[0].NewestRelease.Equal(day("2021-02-20")) {
		t.Fatalf("inactive since 2023: %+v %v", old, err)
	}
	// Its staleness counts: half a libyear behind 4.17.21.
	var stale *risk.Part
	for i, p := range old.Items[0].RiskParts {
		if p.Factor == risk.FactorStaleness {
			stale = &old.Items[0].RiskParts[i]
		}
	}
	if stale == nil || stale.Unknown || stale.Points <= 0 {
		t.Errorf("staleness part %+v", stale)
	}
	if recent, _ := pf.Components(ctx, portfolio.ComponentFilter{InactiveSince: day("2020-01-01")}); recent.Total != 0 {
		t.Errorf("inactive since 2020: %d, want 0", recent.Total)
	}
	if unknown, _ := pf.Components(ctx, portfolio.ComponentFilter{ReleaseUnknown: true}); unknown.Total != 0 {
		t.Errorf("release unknown: %d, want 0", unknown.Total)
	}
}

// A component's repository health, when a Scorecard result or check of
// its repository is known, counts in its risk; the project's own health
// counts in the project's.
func TestComponentHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var asked []string
		pf := portfolio.New(st, portfolio.Options{Health: func(_ context.Context, repos []string) (map[string]float64, error) {
			asked = repos
			return map[string]float64{"github.com/facebook/react": 3}, nil
		}})
		pr, _ := pf.AddProject(ctx, "t", portfolio.Project{Name: "web", Criticality: "medium"})
		own := 8.0
		sc, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: scanDoc(t, st, appDir, nil), Origin: "cli", Actor: "t", Health: &own})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(asked, "github.com/facebook/react") || !slices.Contains(asked, "github.com/jonschlinkert/is-number") {
			t.Errorf("repositories asked: %v", asked)
		}
		page, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: "react"})
		if err != nil || page.Total != 1 {
			t.Fatalf("react: %+v %v", page, err)
		}
		for _, part := range page.Items[0].RiskParts {
			// (10 − 3) × 1.5 = 10.5
			if part.Factor == risk.FactorHealth && (part.Unknown || part.Points != 10.5) {
				t.Errorf("react's health part %+v, want 10.5 points", part)
			}
		}
		// The project: its components' sum plus its own health part,
		// (10 − 8) × 1.5 = 3, at criticality medium (× 1).
		all, _ := pf.Components(ctx, portfolio.ComponentFilter{ProjectID: pr.ID, Limit: 100})
		var sum float64
		for _, u := range all.Items {
			sum += u.Risk
		}
		if want := sum + 3; math.Abs(sc.Risk-want) > 0.05 {
			t.Errorf("project risk %v, want %v", sc.Risk, want)
		}
	})
}

func TestRepoKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/Owner/Repo.git": "github.com/Owner/Repo",
		"git+https://GitHub.com/o/r/":       "github.com/o/r",
		"git@github.com:o/r.git":            "github.com/o/r",
		"ssh://git@gitlab.com/g/s/p.git":    "gitlab.com/g/s/p",
		"https://www.example.org/o/r":       "example.org/o/r",
		"":                                  "",
		"not a url":                         "",
		"lodash":                            "",
		"https://github.com/":               "",
	} {
		if got := portfolio.RepoKey(in); got != want {
			t.Errorf("RepoKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRefusalsAreErrInvalid(t *testing.T) {
	st := storetest.SQLite(t)
	pf := portfolio.New(st, portfolio.Options{})
	// An empty organisation has a dashboard of zeros, not an error.
	if d, err := pf.Dashboard(ctx); err != nil || d.Projects != 0 || d.Components != 0 || len(d.Verdicts) != 0 {
		t.Errorf("empty dashboard: %+v %v", d, err)
	}
	for name, err := range map[string]error{
		"name": func() error { _, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "bad name!"}); return err }(),
		"criticality": func() error {
			_, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "x", Criticality: "huge"})
			return err
		}(),
		"document": func() error {
			_, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: 1, Origin: "o", Actor: "a"})
			return err
		}(),
		"question": func() error { _, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: "x@>="}); return err }(),
	} {
		if !errors.Is(err, portfolio.ErrInvalid) || strings.HasPrefix(err.Error(), "invalid") {
			t.Errorf("%s: %v is not a plain ErrInvalid refusal", name, err)
		}
	}
	if _, err := pf.Project(ctx, 42); errors.Is(err, portfolio.ErrInvalid) || !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing project: %v", err)
	}
}
