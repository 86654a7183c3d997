package practices

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func addSeeds(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.yml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/%s", dir)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParseInsights(f *testing.F) {
	addSeeds(f, "insights")
	f.Add([]byte("header: &a\n  schema-version: '2.0.0'\nproject: *a\nrepository: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInsights(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidInsights) {
				t.Fatalf("error %v does not wrap ErrInvalidInsights", err)
			}
			if in.DependenciesPolicy != "" {
				t.Fatalf("invalid manifest links to a policy: %+v", in)
			}
			return
		}
		switch in.Major {
		case 1, 2:
		default:
			t.Fatalf("valid manifest of major version %d", in.Major)
		}
		if !strings.HasPrefix(in.Version, string(rune('0'+in.Major))+".") {
			t.Fatalf("version %q does not match major %d", in.Version, in.Major)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	addSeeds(f, "clomonitor")
	f.Add([]byte("exemptions:\n  - check: dco\n    reason: uses a CLA\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := ParseMetadata(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidMetadata) {
				t.Fatalf("error %v does not wrap ErrInvalidMetadata", err)
			}
			if len(md.Exemptions) != 0 || md.LicenseScanningURL != "" || len(md.Problems) != 0 {
				t.Fatalf("error with content: %+v", md)
			}
			return
		}
		for _, e := range md.Exemptions {
			if e.Check == "" {
				t.Fatalf("exemption without a check: %+v", md)
			}
		}
		// Evaluate must take whatever the parser gives.
		rep := Evaluate(Facts{Metadata: &md}, Options{Now: testNow})
		if rep.Score < 0 && rep.Score != -1 {
			t.Fatalf("score %v", rep.Score)
		}
	})
}
