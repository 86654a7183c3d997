package check

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"ospo/internal/contrib"
	"ospo/internal/policy"
)

func TestRules(t *testing.T) {
	def := Rules(policy.Default())
	for _, id := range []string{"MIT", "Apache-2.0", "BSD-3-Clause", "CC0-1.0"} {
		if !slices.Contains(def.Licenses, id) {
			t.Errorf("default contribution rules lack %s", id)
		}
	}
	for _, id := range []string{"GPL-3.0-only", "AGPL-3.0-only", "LicenseRef-ospo-proprietary"} {
		if slices.Contains(def.Licenses, id) {
			t.Errorf("default contribution rules pre-approve %s", id)
		}
	}
	if def.DCO != "allow" {
		t.Errorf("default DCO rule = %q, want allow", def.DCO)
	}
	p := policy.Default()
	p.Contribute = policy.Contribute{Licenses: []string{"MPL-2.0"}, CLAs: []string{"Google CLA"}, DCO: policy.Review}
	got := Rules(p)
	if !slices.Equal(got.Licenses, []string{"MPL-2.0"}) || got.DCO != "review" || !slices.Equal(got.CLAs, []string{"Google CLA"}) {
		t.Errorf("Rules = %+v", got)
	}
}

func TestOwnLicenseAndContribute(t *testing.T) {
	dir := filepath.Join("..", "cli", "testdata", "contrib-cla")
	facts, err := contrib.Collect(context.Background(), dir, contrib.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := Contribute(dir, facts, nil, nil)
	if r.Own.License.Expression != "Apache-2.0" {
		t.Errorf("own license = %q, want Apache-2.0", r.Own.License.Expression)
	}
	if r.Verdict.Decision != contrib.Review || r.Verdict.Ask == "" {
		t.Errorf("verdict = %+v, want review with a question for the OSPO", r.Verdict)
	}
	p := policy.Default()
	p.Contribute.CLAs = []string{"Google CLA"}
	if r := Contribute(dir, facts, p, nil); r.Verdict.Decision != contrib.Allow {
		t.Errorf("with the Google CLA pre-approved: %+v, want allow", r.Verdict)
	}
}
