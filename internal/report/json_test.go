package report

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ospo/internal/inventory"
)

func TestJSON(t *testing.T) {
	schema := compileSchema(t, "scan-1.2.schema.json", JSONSchema)
	tests := []struct {
		name    string
		decided bool
		golden  string
		// keys are the top-level fields the document must have.
		keys []string
	}{
		{"without a policy", false, "scan.json",
			[]string{"components", "problems", "projects", "roots", "schemaVersion", "summary", "tool"}},
		{"with a policy", true, "scan-decided.json",
			[]string{"components", "obligations", "policy", "problems", "projects", "roots", "schemaVersion", "summary", "tool"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, FormatJSON, tc.decided)
			golden(t, tc.golden, out)
			validate(t, schema, tc.golden, out)
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.keys, sortedKeys(doc)); diff != "" {
				t.Errorf("top-level fields (-want +got):\n%s", diff)
			}
		})
	}
}

// A 1.0 reader sees the same components, in the same order and with the
// same fields, whether or not a policy decided them: 1.1 only adds.
func TestJSONDecisionsOnlyAdd(t *testing.T) {
	var plain, decided Document
	if err := json.Unmarshal(render(t, FormatJSON, false), &plain); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(render(t, FormatJSON, true), &decided); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]string{}
	for i := range decided.Components {
		c := &decided.Components[i]
		verdicts[c.Name] = string(c.Verdict)
		if c.Verdict == "" || c.Rule == "" || c.Reason == "" {
			t.Errorf("%s has no verdict, rule or reason", c.Name)
		}
		c.Verdict, c.Rule, c.Reason, c.Choice = "", "", "", ""
		// The decided fixture also consulted a vulnerability database.
		c.Vulnerabilities, c.Upgrade, c.VulnerabilitiesUnchecked = nil, "", ""
	}
	if diff := cmp.Diff(plain.Components, decided.Components, cmpopts.IgnoreUnexported(inventory.LicenseFile{})); diff != "" {
		t.Errorf("components differ beyond the decision (-plain +decided):\n%s", diff)
	}
	want := map[string]string{
		"github.com/grafana/loki/v3": "deny", "github.com/hashicorp/go-version": "deny", "golang.org/x/text": "review",
		"@img/sharp-libvips-linux-x64": "allow", "browserslist": "allow", "caniuse-lite": "allow", "ckeditor5": "deny",
		"highcharts": "review", "internal-utils": "review", "jszip": "allow", "sharp": "allow",
	}
	if diff := cmp.Diff(want, verdicts); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	if decided.Policy == nil || decided.Policy.Counts != (VerdictCounts{Allow: 5, Review: 3, Deny: 3}) {
		t.Errorf("policy counts = %+v, want 5 allow, 3 review, 3 deny (a critical vulnerability denies go-version, one of unknown severity asks to review x/text)", decided.Policy)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
