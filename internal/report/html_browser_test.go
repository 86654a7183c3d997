package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"ospo/internal/license/knowledge"
)

// findChromium returns Debian's chromium. In CI a missing browser is a
// failure, so that the test cannot pass by not running; elsewhere it is a
// skip that says what to install.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must install it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); skipping the real-browser test")
	return ""
}

// pageLog collects what a page reports while it loads.
type pageLog struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func (l *pageLog) add(list *[]string, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*list = append(*list, s)
}

// listen runs in chromedp's event loop, so it only records.
func (l *pageLog) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		l.add(&l.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.TrimSpace(string(a.Value)+" "+a.Description))
			}
			l.add(&l.errors, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *cdplog.EventEntryAdded:
		// Refused resources, security policy violations and the like.
		if e := ev.Entry; e.Level == "error" {
			l.add(&l.errors, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventRequestWillBeSent:
		l.add(&l.requests, ev.Request.URL)
	}
}

// TestHTMLInBrowser opens both HTML reports in a real chromium and checks
// that they load cleanly, offline, and show what they should.
func TestHTMLInBrowser(t *testing.T) {
	chromium := findChromium(t)
	dir := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
	)
	t.Cleanup(cancelAlloc) // runs before TempDir's removal: the browser is gone first
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
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
			var log pageLog
			if err := chromedp.Listen(ctx, log.listen); err != nil {
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
			log.mu.Lock()
			defer log.mu.Unlock()
			if len(log.errors) > 0 {
				t.Errorf("the page reported errors:\n%s", strings.Join(log.errors, "\n"))
			}
			for _, u := range log.requests {
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
