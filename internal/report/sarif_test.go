package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSARIF(t *testing.T) {
	// The official SARIF 2.1.0 schema (draft-04), shipped as test data.
	schema := compileSchema(t, "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		readTestdata(t, "sarif-2.1.0.schema.json"))
	tests := []struct {
		name    string
		decided bool
		golden  string
		// results are ruleId → level, location and line, in order.
		results []string
	}{
		{"without a policy", false, "scan.sarif", []string{
			"scan-problem warning web/node_modules/broken-pkg/package.json:1",
		}},
		{"with a policy", true, "scan-decided.sarif", []string{
			"license-denied error api/go.mod:1",
			"license-review warning api/go.mod:1", // go-version: denied for a vulnerability, its license asks a review
			"license-denied error web/package.json:1",
			"license-unknown warning web/package.json:1",
			"license-unknown warning web/package.json:1",
			"known-vulnerability error api/go.mod:1",   // critical
			"known-vulnerability warning api/go.mod:1", // unknown severity
			"exception-expired warning .ospo.yaml:17",
			"exception-unused note .ospo.yaml:22",
			"scan-problem warning web/node_modules/broken-pkg/package.json:1",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatSARIF, tc.decided)
			golden(t, tc.golden, out)
			validate(t, schema, tc.golden, out)
			log := decodeSARIF(t, out)
			run := log.Runs[0]
			var got []string
			seen := map[string]bool{}
			for _, r := range run.Results {
				loc := r.Locations[0].PhysicalLocation
				got = append(got, r.RuleID+" "+r.Level+" "+loc.ArtifactLocation.URI+":"+itoa(loc.Region.StartLine))
				if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
					t.Errorf("result %s points at rule %d, %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
				}
				fp := r.PartialFingerprints[sarifFingerprint]
				if len(fp) != 32 || seen[fp] {
					t.Errorf("result %q has a missing or repeated fingerprint %q", r.Message.Text, fp)
				}
				seen[fp] = true
			}
			if diff := cmp.Diff(tc.results, got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if n := len(run.Tool.Driver.Rules); n != 7 {
				t.Errorf("%d rules, want 7", n)
			}
		})
	}
}

// Code scanning matches alerts across runs by fingerprint: it must not
// move when the wording, the order of components or the line changes, and
// must move when the component or the rule does.
func TestSARIFFingerprintsStable(t *testing.T) {
	fingerprints := func(change func(v *view)) map[string]string {
		r := fixture(t, true)
		v := newView(r)
		if change != nil {
			change(v)
		}
		out := map[string]string{}
		for _, res := range newSARIF(v, fixtureOptions(true)).Runs[0].Results {
			key := res.RuleID
			if p, ok := res.Properties.(*sarifResultProps); ok {
				key += " " + p.Component
			}
			out[key] = res.PartialFingerprints[sarifFingerprint]
		}
		return out
	}
	base := fingerprints(nil)
	reworded := fingerprints(func(v *view) {
		for i := range v.decisions {
			v.decisions[i].Reason = "Worded differently."
		}
		for i := range v.r.Decisions.ExpiredExceptions {
			v.r.Decisions.ExpiredExceptions[i].Line += 5
			v.r.Decisions.ExpiredExceptions[i].Number += 1
		}
		v.r.Problems[0].Message = "another message"
		// Reverse the violations' order.
		for i, j := 0, len(v.violations)-1; i < j; i, j = i+1, j-1 {
			v.violations[i], v.violations[j] = v.violations[j], v.violations[i]
		}
	})
	if diff := cmp.Diff(base, reworded); diff != "" {
		t.Errorf("fingerprints moved with the wording or order (-before +after):\n%s", diff)
	}
	bumped := fingerprints(func(v *view) {
		for _, c := range v.r.Components {
			if c.Name == "ckeditor5" {
				c.Version = "43.0.0"
			}
		}
	})
	if base["license-denied ckeditor5@41.4.2"] == "" || bumped["license-denied ckeditor5@43.0.0"] == base["license-denied ckeditor5@41.4.2"] {
		t.Error("a new version of a denied component kept the old fingerprint")
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"package.json", "package.json"},
		{"./web/package.json", "web/package.json"},
		{"web app/package.json", "web%20app/package.json"},
		{"/abs/go.mod", "file:///abs/go.mod"},
		{"a:b/go.mod", "./a:b/go.mod"},
		{"../.ospo.yaml", "../.ospo.yaml"},
	}
	for _, tc := range tests {
		if got := fileURI(tc.in); got != tc.want {
			t.Errorf("fileURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func decodeSARIF(t *testing.T, b []byte) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
