package demo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ospo/internal/license"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck/monitor"
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

// TestSeedFinishesInterrupted: a seeding that stopped part way (here
// after registering two projects and scanning one once) is not taken
// for a finished one: the next start registers the rest and scans each
// project for the rounds it lacks, and only then is the demo there.
func TestSeedFinishesInterrupted(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	pf := portfolio.New(st, portfolio.Options{Now: func() time.Time { return now }})
	dir := filepath.Join(t.TempDir(), "ospo-demo-projects")
	if err := extract(dir); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, p := range Projects[:2] {
		pr := p.Project
		pr.Source = filepath.Join(dir, p.Root)
		got, err := pf.AddProject(ctx, "demo", pr)
		if err != nil {
			t.Fatal(err)
		}
		ids[p.Name] = got.ID
	}
	if err := scanAll(ctx, pf, Projects[:1], dir, license.NewIdentifier(), ids, policy.Default(), nil, nil, now.Add(-14*24*time.Hour)); err != nil {
		t.Fatal(err)
	}

	if err := Seed(ctx, pf, Options{Dir: dir, Now: func() time.Time { return now }}); err != nil {
		t.Fatalf("seed after an interrupted one: %v", err)
	}
	ps, err := pf.Projects(ctx, portfolio.ProjectFilter{})
	if err != nil || ps.Total != len(Projects) {
		t.Fatalf("projects %d (%v), want %d", ps.Total, err, len(Projects))
	}
	for _, p := range ps.Items {
		if scans, _ := pf.Scans(ctx, p.ID, 10); len(scans) != rounds {
			t.Errorf("%s: %d scans, want %d", p.Name, len(scans), rounds)
		}
	}
	if err := Seed(ctx, pf, Options{Dir: dir}); !errors.Is(err, ErrSeeded) {
		t.Errorf("seed after a finished one: %v, want ErrSeeded", err)
	}
}

// TestSeedLeftOverDirectory: the projects directory of an earlier demo
// (its repositories already committed) is started afresh, so the
// repository checks run and the projects get their health; a directory
// holding anything else is refused and left as it is.
func TestSeedLeftOverDirectory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is needed")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ospo-demo-projects")
	if err := extract(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range Projects {
		for _, args := range [][]string{{"init", "-q"}, {"add", "-A"},
			{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "earlier demo"}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = filepath.Join(dir, p.Name)
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}

	st := storetest.SQLite(t)
	pf := portfolio.New(st, portfolio.Options{})
	if err := Seed(ctx, pf, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"storefront", "checkout-api"} {
		p, err := pf.ProjectByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Latest == nil || p.Latest.Health == nil {
			t.Errorf("%s: newest scan %+v, want one with a health score", name, p.Latest)
		}
		hist, err := monitor.History(ctx, st, name)
		if err != nil || len(hist) != 1 {
			t.Errorf("%s: health history %d (%v), want one result", name, len(hist), err)
		}
	}

	foreign := filepath.Join(t.TempDir(), "mine")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(foreign, "notes.txt")
	if err := os.WriteFile(notes, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := portfolio.New(storetest.SQLite(t), portfolio.Options{})
	if err := Seed(ctx, other, Options{Dir: foreign}); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("seed into a directory of other files: %v, want an error naming notes.txt", err)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("the other files were touched: %v", err)
	}
}
