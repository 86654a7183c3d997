package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"ospo/internal/browsertest"
)

// TestInBrowser signs in with a real chromium, opens every page, types a
// where-used question and waits for htmx to show the answer, and
// downloads a CSV export; no page may report an error, a refused
// resource or a security policy violation.
func TestInBrowser(t *testing.T) {
	browsertest.Chromium(t) // skips (or fails in CI) before the fixture is built
	f := sqliteFixture(t)
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	downloads := filepath.Join(dir, "downloads")
	if err := os.Mkdir(downloads, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.Start(t)
	var errs browsertest.Log
	if err := chromedp.Listen(ctx, errs.Listen); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A safety net, not a timing assertion: a page that never loads fails
	// here instead of hanging the suite.
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must("read "+sel, err)
		return strings.TrimSpace(s)
	}
	eval := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
		must("evaluate "+js, err)
		return n
	}
	checkErrors := func(where string) {
		t.Helper()
		if l := errs.TakeErrors(); len(l) > 0 {
			t.Errorf("%s reported errors:\n%s", where, strings.Join(l, "\n"))
		}
	}

	// Signing in from a deep link comes back to it.
	must("sign in", chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/policy"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "reviewer-user"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Submit(chromedp.CSS(`form.signin`)),
		chromedp.WaitVisible(chromedp.CSS(`#categories`)),
	))
	if h := text("h1"); h != "Policy" {
		t.Errorf("after signing in: heading %q, want Policy", h)
	}
	checkErrors("sign-in")

	pages := []struct {
		path, heading, sel string
	}{
		{"/", "Dashboard", "#risk tbody tr"},
		{"/projects", "Projects", "#projects tbody tr"},
		{fmt.Sprintf("/projects/%d", f.projects["web-app"].ID), "web-app", "#components tbody tr"},
		{"/components", "Components", "#usages tbody tr"},
		{"/findings", "Findings", "#finding-list tbody tr"},
		{"/changes?since=30d", "Changes", "#change-list tbody tr"},
		{"/actions", "Actions", "#action-list tbody tr"},
		{"/policy", "Policy", "#categories tbody tr"},
		{"/health", "Repository health", "#repos tbody tr"},
		{"/events", "Events", "#event-list tbody tr"},
		{"/jobs", "Jobs", "#job-list tbody tr"},
		{"/account/tokens", "API tokens", "#token-list tbody tr"},
	}
	for _, p := range pages {
		must("open "+p.path, chromedp.Do(ctx, chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS("footer"))))
		if h := text("h1"); h != p.heading {
			t.Errorf("%s: heading %q, want %q", p.path, h, p.heading)
		}
		if n := eval(fmt.Sprintf(`document.querySelectorAll(%q).length`, p.sel)); n == 0 {
			t.Errorf("%s: no rows in %s", p.path, p.sel)
		}
		checkErrors(p.path)
	}
	// The dashboard's charts load as images.
	must("dashboard", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("footer"))))
	if n := eval(`(async () => { const imgs = [...document.querySelectorAll(".charts img")];
		await Promise.all(imgs.map(i => i.decode().catch(() => null)));
		return imgs.filter(i => i.complete && i.naturalWidth > 0).length })()`); n != 3 {
		t.Errorf("%d of 3 charts drawn", n)
	}
	checkErrors("dashboard charts")
	// A reviewer has no account administration.
	must("admin page", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("footer"))))
	if p := text("p.problem"); !strings.Contains(p, "needs the admin role") {
		t.Errorf("reviewer on /admin/users: %q", p)
	}
	errs.TakeErrors() // the 403 itself is logged as a failed load

	// The live search: typing shows the answer without loading a page.
	must("components", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/components"), chromedp.WaitVisible(chromedp.CSS("#q"))))
	eval(`window.ospoMarker = 1`)
	must("type a question", chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), "is-number@<7")))
	rows, err := chromedp.Run(ctx, chromedp.Poll[int](
		`(() => { const c = document.querySelector("#results .count"); return c && c.textContent.includes("is-number@<7") ? document.querySelectorAll("#usages tbody tr").length : 0 })()`,
		chromedp.WithPollingTimeout(15*time.Second)))
	must("wait for the htmx answer", err)
	if rows != 1 {
		t.Errorf("where used is-number@<7: %d rows, want 1", rows)
	}
	if p := text("#usages ul.paths li"); p != "is-odd@3.0.1 › is-number@6.0.0" {
		t.Errorf("dependency path %q", p)
	}
	if eval(`window.ospoMarker || 0`) != 1 {
		t.Error("the search loaded a new page instead of swapping the results")
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must("location", err)
	if !strings.Contains(loc, "q=is-number") {
		t.Errorf("the search is not in the address bar: %s", loc)
	}
	checkErrors("live search")

	// Download a CSV export and read it.
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	must("download", chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/findings"),
		chromedp.WaitVisible(chromedp.CSS("a.csv")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			eventsOn := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &eventsOn})
			return err
		}),
		chromedp.Click(chromedp.CSS("a.csv")),
	))
	var file string
	for ev, err := range progress {
		must("download progress", err)
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	data, err := os.ReadFile(file)
	must("read the download", err)
	records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	must("parse the CSV", err)
	if len(records) != 3 || records[0][4] != "id" {
		t.Fatalf("findings CSV: %q", records)
	}
	found := false
	for _, r := range records[1:] {
		found = found || r[0] == "api-service" && r[2] == "lodash" && r[4] == "GHSA-35jh-r3h4-6jhm" && r[6] == "high"
	}
	if !found {
		t.Errorf("findings CSV lacks lodash's GHSA-35jh-r3h4-6jhm: %q", records)
	}
	checkErrors("download")

	// Signing out ends the session.
	must("sign out", chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signin`)),
	))
	must("after sign-out", chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/projects"), chromedp.WaitVisible(chromedp.CSS(`form.signin`))))
	checkErrors("sign-out")
}
