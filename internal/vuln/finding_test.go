package vuln

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ospo/internal/inventory"
	"ospo/internal/vuln/osv"
)

// records is a Source over records held in memory, keyed by ecosystem
// and name as the database keys them.
type records map[string][]*osv.Record

func (r records) LookupMany(_ context.Context, eco string, names []string) (map[string][]*osv.Record, error) {
	out := map[string][]*osv.Record{}
	for _, n := range names {
		if rs := r[eco+"/"+n]; len(rs) > 0 {
			out[n] = rs
		}
	}
	return out, nil
}

func load(t *testing.T, name string) *osv.Record {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "osv", name))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := osv.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestCheck(t *testing.T) {
	goText := load(t, "GO-2022-1059.json")
	// The GitHub record of the same flaw, as its alias: one finding.
	ghsa := &osv.Record{ID: "GHSA-69ch-w2m2-3vjp", Aliases: []string{"CVE-2022-32149"},
		Summary:  "golang.org/x/text/language Denial of service via crafted Accept-Language header",
		Severity: []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}},
		Affected: []osv.Affected{{Package: osv.Package{Ecosystem: "Go", Name: "golang.org/x/text"},
			Ranges: []osv.Range{{Type: "SEMVER", Events: []osv.Event{{Introduced: "0"}, {Fixed: "0.3.8"}}}}}}}
	lodash := load(t, "GHSA-35jh-r3h4-6jhm.json")
	src := records{
		"Go/golang.org/x/text": {goText, ghsa},
		"npm/lodash":           {lodash},
	}
	comps := []*inventory.Component{
		{Ecosystem: "go", Name: "golang.org/x/text", Version: "v0.3.7"},
		{Ecosystem: "go", Name: "golang.org/x/text", Version: "v0.3.8"},
		{Ecosystem: "npm", Name: "lodash", Version: "4.17.20"},
		{Ecosystem: "npm", Name: "lodash", Version: ""},
		{Ecosystem: "generic", Name: "acme-core", Version: "7"},
	}
	rep, err := Check(context.Background(), src, comps)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results
	if len(r[0].Findings) != 1 {
		t.Fatalf("x/text v0.3.7: %+v; want one finding for the alias group", r[0].Findings)
	}
	f := r[0].Findings[0]
	if f.ID != "GO-2022-1059" || strings.Join(f.Aliases, ",") != "GHSA-69ch-w2m2-3vjp,CVE-2022-32149" {
		t.Errorf("ids %s %v; want the Go record first, then the GHSA, then the CVE", f.ID, f.Aliases)
	}
	if f.Severity.Level != High || f.Severity.Score != 7.5 {
		t.Errorf("severity %+v; want the alias's CVSS 7.5 (the Go record has none)", f.Severity)
	}
	if strings.Join(f.Fixed, ",") != "0.3.8" || r[0].Upgrade != "v0.3.8" || !strings.Contains(f.Why, "GO-2022-1059") {
		t.Errorf("fixed %v upgrade %q why %q", f.Fixed, r[0].Upgrade, f.Why)
	}
	if len(r[1].Findings) != 0 || r[1].Unchecked != "" {
		t.Errorf("x/text v0.3.8 is the fix: %+v", r[1])
	}
	if len(r[2].Findings) != 1 || r[2].Findings[0].Severity.Level != High || r[2].Upgrade != "4.17.21" {
		t.Errorf("lodash 4.17.20: %+v", r[2])
	}
	if len(r[3].Findings) != 0 || !strings.Contains(r[3].Unchecked, "no version") {
		t.Errorf("lodash without version: %+v; want unchecked, not affected", r[3])
	}
	if !strings.Contains(r[4].Unchecked, "no vulnerability data") {
		t.Errorf("generic component: %+v", r[4])
	}
	if r[0].Worst() != High || r[1].Worst() != "" {
		t.Errorf("worst levels %q %q", r[0].Worst(), r[1].Worst())
	}
}

// counted is a source that also says how many records it holds.
type counted struct {
	records
	n map[string]int
}

func (c counted) RecordCounts(context.Context) (map[string]int, error) { return c.n, nil }

// An ecosystem the database holds nothing for is "not checked", never
// "no vulnerabilities".
func TestCheckUncoveredEcosystem(t *testing.T) {
	src := counted{records{"Go/golang.org/x/text": {load(t, "GO-2022-1059.json")}}, map[string]int{"Go": 1}}
	rep, err := Check(context.Background(), src, []*inventory.Component{
		{Ecosystem: "go", Name: "golang.org/x/text", Version: "v0.3.7"},
		{Ecosystem: "pypi", Name: "requests", Version: "2.0.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results[0].Findings) != 1 {
		t.Errorf("Go component: %+v", rep.Results[0])
	}
	if !strings.Contains(rep.Results[1].Unchecked, "no PyPI records") || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "1 components were not checked") {
		t.Errorf("PyPI component %+v, notes %q", rep.Results[1], rep.Notes)
	}
}
