package demo

import (
	"context"
	"errors"
	"testing"
	"time"

	"ospo/internal/portfolio"
	"ospo/internal/store"
	"ospo/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		pf := portfolio.New(st, portfolio.Options{Now: func() time.Time { return now }})
		if err := Seed(ctx, pf, Options{Dir: t.TempDir(), Now: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
		if err := Seed(ctx, pf, Options{Dir: t.TempDir()}); !errors.Is(err, ErrSeeded) {
			t.Errorf("second seed: %v, want ErrSeeded", err)
		}
		ps, err := pf.Projects(ctx, portfolio.ProjectFilter{})
		if err != nil || ps.Total != len(Projects) {
			t.Fatalf("projects %d, %v", ps.Total, err)
		}
		for _, p := range ps.Items {
			if p.Latest == nil || p.Latest.Components == 0 {
				t.Errorf("%s: no components stored: %+v", p.Name, p.Latest)
			}
			if scans, _ := pf.Scans(ctx, p.ID, 10); len(scans) != 3 {
				t.Errorf("%s: %d scans, want 3", p.Name, len(scans))
			}
		}
		// lodash 4.17.20 in checkout-api, found once the records were imported.
		fs, err := pf.Findings(ctx, portfolio.FindingFilter{VulnID: "CVE-2021-23337"})
		if err != nil || fs.Total != 1 || fs.Items[0].Project.Name != "checkout-api" {
			t.Errorf("lodash finding: %+v %v", fs, err)
		}
		// The storefront's GPL component is denied for distributed software.
		denied, err := pf.Components(ctx, portfolio.ComponentFilter{Verdict: "deny"})
		if err != nil || denied.Total == 0 {
			t.Errorf("denied components: %+v %v", denied, err)
		}
		vendor, err := pf.ProjectByName(ctx, "vendor-crm")
		if err != nil || vendor.Kind != "vendor" || vendor.Latest == nil || vendor.Latest.Components != 9 {
			t.Errorf("vendor SBOM project: %+v %v", vendor, err)
		}
		d, err := pf.Dashboard(ctx)
		if err != nil || len(d.FindingsOverTime) != 3 || d.FindingsOverTime[0].Counts.Total() != 0 || d.FindingsOverTime[2].Counts.Total() == 0 {
			t.Errorf("findings over time: %+v %v", d.FindingsOverTime, err)
		}
		changes, err := pf.Changes(ctx, now.Add(-10*24*time.Hour), 0)
		if err != nil || len(changes) == 0 {
			t.Errorf("changes: %d %v", len(changes), err)
		}
	})
}
