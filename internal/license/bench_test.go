package license

import (
	"flag"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The layers of Identify, each measured on a text it answers. Engines are
// built before the timer starts; their build cost is measured separately.
func BenchmarkIdentify(b *testing.B) {
	layers := []struct {
		name                  string
		file                  string
		skipExact, skipCommon bool
		engine                string
	}{
		{"exact/MIT", "mit.txt", false, false, EngineExact},
		{"exact/Apache-2.0", "apache-2.0-with-appendix.txt", false, false, EngineExact},
		{"common/MIT", "mit.txt", true, false, EngineCommon},
		{"common/Apache-2.0", "apache-2.0-with-appendix.txt", true, false, EngineCommon},
		{"full/MIT", "mit.txt", true, true, EngineLicensecheck},
		{"full/GPL-2.0", "gpl-2.0.txt", true, true, EngineLicensecheck},
		{"classifier/modified-MIT", "mit-missing-words.txt", true, true, EngineClassifier},
	}
	for _, l := range layers {
		b.Run(l.name, func(b *testing.B) {
			text := readText(b, l.file)
			id := NewIdentifier()
			id.skipExact, id.skipCommon = l.skipExact, l.skipCommon
			if d := id.Identify(l.file, text); d.Engine != l.engine {
				b.Fatalf("%s answered by %s, want %s", l.file, d.Engine, l.engine)
			}
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for b.Loop() {
				id.Identify(l.file, text)
			}
		})
	}
}

func BenchmarkNewIdentifier(b *testing.B) {
	for b.Loop() {
		NewIdentifier()
	}
}

func BenchmarkBuildEngines(b *testing.B) {
	for _, e := range []struct {
		name  string
		build func() error
	}{
		{"common", func() error { _, err := buildCommon(); return err }},
		{"full", func() error { _, err := buildFull(); return err }},
		{"classifier", func() error { _, err := buildClassifier(); return err }},
	} {
		b.Run(e.name, func(b *testing.B) {
			for b.Loop() {
				if err := e.build(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTextKey(b *testing.B) {
	text := readText(b, "apache-2.0-with-appendix.txt")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		textKey(text)
	}
}

var identifyCorpus = flag.String("identify-corpus", "", "directory whose license files TestIdentifyCorpus identifies, logging time and layers")

// TestIdentifyCorpus identifies every license and notice file below
// -identify-corpus with a fresh Identifier, in parallel as package
// identify does, and logs the time taken and how often each layer
// answered. Run it alone for a cold start:
//
//	go test ./internal/license -run TestIdentifyCorpus -identify-corpus DIR -v
func TestIdentifyCorpus(t *testing.T) {
	if *identifyCorpus == "" {
		t.Skip("set -identify-corpus to measure")
	}
	files := walkFiles(t, *identifyCorpus, true)
	texts := make([][]byte, len(files))
	for i, f := range files {
		b, err := readBounded(f)
		if err != nil {
			t.Logf("skip %s: %v", f, err)
			continue
		}
		texts[i] = b
	}
	start := time.Now()
	id := NewIdentifier()
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id.Identify(filepath.Base(files[i]), texts[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	s := id.Stats()
	t.Logf("%d files in %v: exact %d, common %d, full %d, classifier %d, none %d; builds: common %v, full %v, classifier %v",
		len(files), time.Since(start), s.Exact, s.Common, s.Full, s.Classifier, s.None, s.CommonBuild, s.FullBuild, s.ClassifierBuild)
}
