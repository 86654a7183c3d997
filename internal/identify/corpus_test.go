package identify

import (
	"context"
	"flag"
	"testing"
	"time"

	"ospo/internal/inventory"
	"ospo/internal/inventory/extractors"
	"ospo/internal/license"
)

var (
	corpus     = flag.String("corpus", "", "project directory to scan and identify, logging time, layers and review cases")
	goModCache = flag.String("gomodcache", "", "module cache for -corpus; empty means the usual one")
)

// TestRunCorpus scans a real project (for example an installed npm tree)
// and runs this stage over its components with a fresh Identifier,
// logging the time taken, how often each layer answered and every
// component left for review:
//
//	go test ./internal/identify -run TestRunCorpus -corpus DIR [-gomodcache DIR] -v
func TestRunCorpus(t *testing.T) {
	if *corpus == "" {
		t.Skip("set -corpus to measure")
	}
	inv, err := inventory.Scan(context.Background(), *corpus, *corpus, extractors.All(), inventory.Options{GoModCache: *goModCache})
	if err != nil {
		t.Fatal(err)
	}
	comps := inv.Components()
	start := time.Now()
	id := license.NewIdentifier()
	problems := Run(context.Background(), comps, Options{Identifier: id})
	took := time.Since(start)
	sources := map[string]int{}
	review := 0
	for _, c := range comps {
		sources[c.License.Source]++
		if c.License.NeedsReview {
			review++
			t.Logf("review %s %s@%s: %s (%s)", c.Ecosystem, c.Name, c.Version, c.License.Expression, c.License.Reason)
		}
	}
	for _, p := range problems {
		t.Logf("problem %s", p)
	}
	s := id.Stats()
	t.Logf("%d components in %v: %d for review, sources %v, %d problems; layers: exact %d, common %d, full %d, classifier %d, none %d",
		len(comps), took, review, sources, len(problems), s.Exact, s.Common, s.Full, s.Classifier, s.None)
}
