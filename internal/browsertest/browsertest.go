// Package browsertest starts Debian's chromium for tests, headless and
// offline, and collects what pages report: exceptions, console errors,
// the browser's own error log (refused resources, Content-Security-Policy
// violations) and the requests made. Only tests import it.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's chromium. In CI a missing browser
// fails the test, so that it cannot pass by not running; elsewhere the
// test is skipped with what to install.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must install it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); skipping the real-browser test")
	return ""
}

// Start runs a headless chromium with a fresh profile in a temporary
// directory, with every background connection off (the machine's network
// is closed), and returns a browser context; it ends with the test.
func Start(t testing.TB) context.Context {
	t.Helper()
	chromium := Chromium(t)
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
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
	)
	t.Cleanup(cancelAlloc) // registered after TempDir: the browser is gone before its profile
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	return ctx
}

// Log collects what a page reports. Listen it on a context with
// chromedp.Listen; its methods are safe to call from the test meanwhile.
type Log struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

// Listen records one event; it runs in chromedp's event loop.
func (l *Log) Listen(ev any) {
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
		if e := ev.Entry; e.Level == "error" {
			l.add(&l.errors, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventRequestWillBeSent:
		l.add(&l.requests, ev.Request.URL)
	}
}

func (l *Log) add(list *[]string, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	*list = append(*list, s)
}

// TakeErrors returns the errors reported so far and forgets them.
func (l *Log) TakeErrors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.errors
	l.errors = nil
	return e
}

// Requests returns the URLs requested so far.
func (l *Log) Requests() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.requests...)
}
