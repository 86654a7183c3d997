package portfolio_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/report"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
	"ospo/internal/vuln"
)

// lodashDoc is the real scan of the vulnerable fixture and its lodash
// component (which has findings).
func lodashDoc(t *testing.T, st *store.Store) (*report.Document, report.Component) {
	t.Helper()
	doc := scanDoc(t, st, vulnerableDir, nil)
	for _, c := range doc.Components {
		if c.Name == "lodash" && len(c.Vulnerabilities) > 0 {
			return doc, c
		}
	}
	t.Fatal("the vulnerable fixture has no vulnerable lodash")
	return nil, report.Component{}
}

// TestFindingsPagesNeitherSkipNorRepeat: a project with many versions of
// one package that share an advisory pages through every finding once.
func TestFindingsPagesNeitherSkipNorRepeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		doc, lodash := lodashDoc(t, st)
		const n = 40
		for i := range n {
			c := lodash
			c.Version = fmt.Sprintf("4.0.%d", i)
			c.PURL = "pkg:npm/lodash@" + c.Version
			c.Vulnerabilities = lodash.Vulnerabilities[:1]
			doc.Components = append(doc.Components, c)
		}
		pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "many"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		all, err := pf.Findings(ctx, portfolio.FindingFilter{VulnID: lodash.Vulnerabilities[0].ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for off := 0; off < all.Total; off += 7 {
			page, err := pf.Findings(ctx, portfolio.FindingFilter{VulnID: lodash.Vulnerabilities[0].ID, Limit: 7, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range page.Items {
				seen[f.Component.Version]++
			}
		}
		if all.Total < n || len(seen) != all.Total {
			t.Errorf("%d findings, %d distinct versions over the pages", all.Total, len(seen))
		}
		for v, k := range seen {
			if k != 1 {
				t.Errorf("version %s came %d times", v, k)
			}
		}
	})
}

// TestMinSeverity: "at least" follows the levels' rank, in which an
// unrated finding stands between medium and low.
func TestMinSeverity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		doc, lodash := lodashDoc(t, st)
		base := lodash.Vulnerabilities[0]
		lodash.Vulnerabilities = nil
		for _, l := range []vuln.Level{vuln.High, vuln.Unknown, vuln.Low} {
			v := base
			v.ID, v.Aliases, v.Ignored = "TEST-"+string(l), nil, ""
			v.Severity = vuln.Severity{Level: l}
			lodash.Vulnerabilities = append(lodash.Vulnerabilities, v)
		}
		lodash.Version = "0.0.1-test"
		doc.Components = []report.Component{lodash}
		pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "levels"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		for min, want := range map[vuln.Level][]string{
			vuln.Critical: nil,
			vuln.High:     {"TEST-high"},
			vuln.Medium:   {"TEST-high"},
			vuln.Unknown:  {"TEST-high", "TEST-unknown"},
			vuln.Low:      {"TEST-high", "TEST-unknown", "TEST-low"},
			"":            {"TEST-high", "TEST-unknown", "TEST-low"},
		} {
			page, err := pf.Findings(ctx, portfolio.FindingFilter{ProjectID: pr.ID, MinSeverity: min})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range page.Items {
				got = append(got, f.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("at least %q: %v, want %v", min, got, want)
			}
		}
		if _, err := pf.Findings(ctx, portfolio.FindingFilter{MinSeverity: "dire"}); err == nil {
			t.Error("an unknown severity was accepted")
		}
	})
}

// TestDuplicateFindingCountedOnce: a document that lists one advisory
// twice for a component (uploads may) stores and counts it once, and
// the copy the policy does not ignore wins.
func TestDuplicateFindingCountedOnce(t *testing.T) {
	st := storetest.SQLite(t)
	pf := portfolio.New(st, portfolio.Options{})
	doc, lodash := lodashDoc(t, st)
	v := lodash.Vulnerabilities[0]
	v.Severity = vuln.Severity{Level: vuln.Critical}
	ignored := v
	ignored.Ignored = "not reachable"
	lodash.Vulnerabilities = []report.Vulnerability{ignored, v, v}
	lodash.Version = "0.0.2-test"
	doc.Components = []report.Component{lodash}
	pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "dup"})
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "upload", Actor: "t"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := pf.Findings(ctx, portfolio.FindingFilter{ProjectID: pr.ID})
	if err != nil {
		t.Fatal(err)
	}
	if sc.Vulns.Critical != 1 || sc.Vulns.Total() != 1 || page.Total != 1 {
		t.Errorf("scan counts %+v, findings listed %d; want one critical", sc.Vulns, page.Total)
	}
	if len(doc.Components[0].Vulnerabilities) != 3 {
		t.Error("Ingest changed the caller's document")
	}
}

// TestWhereUsedByPURLAfterUploadWithoutOne: a package version first
// stored from an SBOM without package URLs is found by package URL once
// another project stores it with one.
func TestWhereUsedByPURLAfterUploadWithoutOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		doc, lodash := lodashDoc(t, st)
		bare := lodash
		bare.PURL = ""
		for i, c := range []report.Component{bare, lodash} {
			d := *doc
			d.Components = []report.Component{c}
			pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: fmt.Sprintf("p%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: &d, Origin: "cli", Actor: "t"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"lodash", "pkg:npm/lodash", "pkg:npm/lodash@" + lodash.Version} {
			page, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: q})
			if err != nil || page.Total != 2 {
				t.Errorf("where used %q: %d projects, %v; want 2", q, page.Total, err)
			}
		}
	})
}

// TestWhereUsedNames: names are asked as people write them; PyPI names
// match in their normal form, NuGet and Composer names whatever their
// case, npm names exactly.
func TestWhereUsedNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		doc, lodash := lodashDoc(t, st)
		comp := func(eco, name, version string) report.Component {
			c := lodash
			c.Ecosystem, c.Name, c.Version, c.PURL, c.Vulnerabilities = eco, name, version, "", nil
			return c
		}
		doc.Components = []report.Component{
			comp("pypi", "pyyaml", "6.0.1"), comp("pypi", "typing-extensions", "4.12.2"),
			comp("nuget", "Newtonsoft.Json", "13.0.3"), comp("composer", "monolog/monolog", "3.5.0"),
			comp("npm", "lodash", "4.17.21"),
		}
		pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "names"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"}); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{
			"PyYAML": 1, "PyYAML@6.0.1": 1, "pyyaml@<7": 1, "typing_extensions": 1, "Typing.Extensions": 1,
			"newtonsoft.json": 1, "NEWTONSOFT.JSON@13.0.3": 1, "Monolog/Monolog": 1,
			"lodash": 1, "Lodash": 0, "py-yaml": 0,
		} {
			page, err := pf.WhereUsed(ctx, portfolio.UsageQuery{Text: q})
			if err != nil || page.Total != want {
				t.Errorf("where used %q: %d, %v; want %d", q, page.Total, err, want)
			}
		}
	})
}

// TestProjectSearch: the search matches a part of the name or owner,
// wildcards literally, letters whatever their case (also beyond ASCII),
// alike on both databases.
func TestProjectSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pf := portfolio.New(st, portfolio.Options{})
		for _, p := range []portfolio.Project{{Name: "my_proj", Owner: "Équipe Web"}, {Name: "myxproj", Owner: "ops"}} {
			if _, err := pf.AddProject(ctx, "t", p); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int{"my_proj": 1, "y_p": 1, "MY_PROJ": 1, "équipe": 1, "ÉQUIPE web": 1, "my%proj": 0, "proj": 2} {
			page, err := pf.Projects(ctx, portfolio.ProjectFilter{Query: q})
			if err != nil || page.Total != want {
				t.Errorf("search %q: %d, %v; want %d", q, page.Total, err, want)
			}
		}
	})
}

// TestConcurrentIngestsDelta: two ingests of one project at once follow
// each other, so what is new is reported once, by the first.
func TestConcurrentIngestsDelta(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		strict, err := policy.Parse([]byte("vulnerabilities:\n  deny: high\n"), "strict.yaml")
		if err != nil {
			t.Fatal(err)
		}
		doc := scanDoc(t, st, vulnerableDir, strict)
		doc.Components[0].Repository = "https://github.com/example/repo" // so that the health hook is asked
		// Both ingests are held where they have read the project and
		// computed their rows, and let go together.
		var arrived sync.WaitGroup
		arrived.Add(2)
		pf := portfolio.New(st, portfolio.Options{Health: func(context.Context, []string) (map[string]float64, error) {
			arrived.Done()
			arrived.Wait()
			return nil, nil
		}})
		pr, err := pf.AddProject(ctx, "t", portfolio.Project{Name: "twice"})
		if err != nil {
			t.Fatal(err)
		}
		deltas := make([]portfolio.Delta, 2)
		errs := make([]error, 2)
		var done sync.WaitGroup
		for i := range 2 {
			done.Add(1)
			go func() {
				defer done.Done()
				_, deltas[i], errs[i] = pf.Ingest(ctx, portfolio.Ingestion{ProjectID: pr.ID, Doc: doc, Origin: "cli", Actor: "t"})
			}()
		}
		done.Wait()
		news := 0
		for i := range 2 {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !deltas[i].Empty() {
				news++
			}
		}
		if news != 1 {
			t.Errorf("%d of 2 concurrent ingests reported news, want 1: %+v", news, deltas)
		}
	})
}
