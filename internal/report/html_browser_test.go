package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"ospo/internal/browsertest"
	"ospo/internal/license/knowledge"
)

// TestHTMLInBrowser opens both HTML reports in a real chromium and checks
// that they load cleanly, offline, and show what they should.
func TestHTMLInBrowser(t *testing.T) {
	dir := t.TempDir()
	browserCtx := browsertest.Start(t)
	// A safety net, not a timing assertion: a page that never loads fails
	// here instead of hanging the suite.
	browserCtx, cancelTimeout := context.WithTimeout(browserCtx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	tests := []struct {
		name    string
		decided bool
		title   string
		heading string
	}{
		{"without a policy", false, "License report: listed (.)", "Components"},
		{"with a policy", true, "License report: failed (.)", "Decisions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".html")
			if err := os.WriteFile(file, render(t, FormatHTML, tc.decided), 0o644); err != nil {
				t.Fatal(err)
			}
			pageURL := "file://" + filepath.ToSlash(file)
			ctx, cancel := chromedp.NewContext(browserCtx)
			defer cancel()
			var log browsertest.Log
			if err := chromedp.Listen(ctx, log.Listen); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
				t.Fatalf("load %s: %v", pageURL, err)
			}
			title := run(t, ctx, chromedp.Title())
			heading := run(t, ctx, chromedp.Text(chromedp.CSS("#components h2")))
			rows := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#decisions tbody tr").length`))
			bars := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg#category-chart rect.bar").length`))
			categories := run(t, ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll("svg#category-chart g.row")].map(g => g.dataset.category)`))
			box := run(t, ctx, chromedp.Evaluate[map[string]float64](
				`(r => ({width: r.width, height: r.height}))(document.querySelector("svg#category-chart").getBoundingClientRect())`))
			scripts := run(t, ctx, chromedp.Evaluate[int](`document.scripts.length`))
			linked := run(t, ctx, chromedp.Evaluate[int](`[...document.styleSheets].filter(s => s.href).length`))
			chartW, chartH := box["width"], box["height"]
			externSS := linked

			if title != tc.title {
				t.Errorf("title = %q, want %q", title, tc.title)
			}
			if heading != tc.heading {
				t.Errorf("table heading = %q, want %q", heading, tc.heading)
			}
			if want := len(fixtureComponents()); rows != want {
				t.Errorf("decisions table has %d rows, want one per component (%d)", rows, want)
			}
			if want := len(knowledge.Categories()); bars != want {
				t.Errorf("chart has %d bars, want one per category (%d)", bars, want)
			}
			var wantCats []string
			for _, c := range knowledge.Categories() {
				wantCats = append(wantCats, string(c))
			}
			if diff := cmp.Diff(wantCats, categories); diff != "" {
				t.Errorf("chart categories (-want +got):\n%s", diff)
			}
			if chartW <= 0 || chartH <= 0 {
				t.Errorf("chart is drawn %vx%v, want a visible size", chartW, chartH)
			}
			if scripts != 0 || externSS != 0 {
				t.Errorf("page has %d scripts and %d linked style sheets, want none", scripts, externSS)
			}
			if errs := log.TakeErrors(); len(errs) > 0 {
				t.Errorf("the page reported errors:\n%s", strings.Join(errs, "\n"))
			}
			for _, u := range log.Requests() {
				if u != pageURL {
					t.Errorf("the page requested %s; it must need nothing but itself", u)
				}
			}
		})
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
