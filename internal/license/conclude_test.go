package license

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func det(file, expr string) Detection {
	kind, _ := IsLicenseFile(file)
	return Detection{File: file, Kind: kind, Expression: expr, Coverage: 100, Engine: EngineExact}
}

func unknownDet(file string, coverage float64, ids ...string) Detection {
	d := det(file, NoAssertion)
	d.Coverage, d.Engine = coverage, EngineLicensecheck
	for _, id := range ids {
		d.Matches = append(d.Matches, MatchInfo{ID: id, Engine: EngineLicensecheck, Confidence: 1})
	}
	return d
}

func secondDet(file, resembles string) Detection {
	d := det(file, NoAssertion)
	d.Coverage, d.Engine, d.SecondOpinionOnly = 0, EngineClassifier, true
	d.Matches = []MatchInfo{{ID: resembles, Engine: EngineClassifier, Confidence: 0.98}}
	return d
}

func TestConclude(t *testing.T) {
	readmeMIT := Detection{File: "README.md", Kind: KindReadme, Expression: "MIT", Engine: EngineReadmeReference}
	readmeNone := Detection{File: "README.md", Kind: KindReadme, Expression: NoAssertion, Engine: EngineLicensecheck}
	tests := []struct {
		name     string
		declared []string
		files    []Detection
		readme   *Detection
		want     Conclusion
		reason   []string // parts the Reason must contain
	}{
		{
			name: "declared and detected agree", declared: []string{"MIT"},
			files: []Detection{det("LICENSE", "MIT")},
			want:  Conclusion{Expression: "MIT", Source: SourceDeclaredDetected, Declared: "MIT", Detected: "MIT"},
		},
		{
			name: "declared only", declared: []string{"MIT"},
			want:   Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT"},
			reason: []string{"no license text shipped"},
		},
		{
			name:   "detected only",
			files:  []Detection{det("LICENSE", "BSD-3-Clause")},
			want:   Conclusion{Expression: "BSD-3-Clause", Source: SourceDetected, Detected: "BSD-3-Clause"},
			reason: []string{"nothing declared"},
		},
		{
			name: "disagree", declared: []string{"MIT"},
			files:  []Detection{det("LICENSE", "Apache-2.0")},
			want:   Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", Detected: "Apache-2.0", NeedsReview: true},
			reason: []string{"declared MIT", "LICENSE read as Apache-2.0"},
		},
		{
			name: "dual declared, one file each", declared: []string{"MIT OR Apache-2.0"},
			files: []Detection{det("LICENSE-MIT", "MIT"), det("LICENSE-APACHE", "Apache-2.0")},
			want:  Conclusion{Expression: "MIT OR Apache-2.0", Source: SourceDeclaredDetected, Declared: "MIT OR Apache-2.0", Detected: "Apache-2.0 AND MIT"},
		},
		{
			name: "dual declared, one text shipped", declared: []string{"(MIT OR Apache-2.0)"},
			files:  []Detection{det("LICENSE-MIT", "MIT")},
			want:   Conclusion{Expression: "MIT OR Apache-2.0", Source: SourceDeclaredDetected, Declared: "MIT OR Apache-2.0", Detected: "MIT"},
			reason: []string{"holds the text of MIT only"},
		},
		{
			name: "more licenses shipped than declared", declared: []string{"MIT"},
			files: []Detection{det("LICENSE.MIT", "MIT"), det("LICENSE.APACHE2", "Apache-2.0")},
			want:  Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", Detected: "Apache-2.0 AND MIT", NeedsReview: true},
		},
		{
			name: "text offers a choice the declaration picks from", declared: []string{"ISC"},
			files:  []Detection{det("LICENSE", "ISC OR MIT")},
			want:   Conclusion{Expression: "ISC", Source: SourceDeclaredDetected, Declared: "ISC", Detected: "ISC OR MIT"},
			reason: []string{"picks from that choice"},
		},
		{
			name: "GNU text without version choice", declared: []string{"GPL-2.0+"},
			files: []Detection{det("COPYING", "GPL-2.0-only")},
			want:  Conclusion{Expression: "GPL-2.0-or-later", Source: SourceDeclaredDetected, Declared: "GPL-2.0-or-later", Detected: "GPL-2.0-only"},
		},
		{
			name: "known variant of the declared text", declared: []string{"BSD-2-Clause"},
			files:  []Detection{det("LICENSE", "BSD-2-Clause-Views")},
			want:   Conclusion{Expression: "BSD-2-Clause", Source: SourceDeclaredDetected, Declared: "BSD-2-Clause", Detected: "BSD-2-Clause-Views"},
			reason: []string{"(BSD-2-Clause-Views is a variant of the declared BSD-2-Clause)"},
		},
		{
			name: "ambiguous BSD settled by the text", declared: []string{"BSD"},
			files:  []Detection{det("LICENSE", "BSD-3-Clause")},
			want:   Conclusion{Expression: "BSD-3-Clause", Source: SourceDetected, Detected: "BSD-3-Clause"},
			reason: []string{`declared "BSD" is not usable`},
		},
		{
			name: "public domain settled by the text", declared: []string{"Public Domain"},
			files:  []Detection{det("UNLICENSE", "Unlicense")},
			want:   Conclusion{Expression: "Unlicense", Source: SourceDetected, Detected: "Unlicense"},
			reason: []string{`"Public Domain"`},
		},
		{
			name: "public domain without a text", declared: []string{"Public Domain"},
			want:   Conclusion{Expression: NoAssertion, Source: SourceNone, NeedsReview: true},
			reason: []string{`"Public Domain" is not usable`, "no license file"},
		},
		{
			name:   "nothing at all",
			want:   Conclusion{Expression: NoAssertion, Source: SourceNone, NeedsReview: true},
			reason: []string{"nothing declared", "no license file", "no README License section"},
		},
		{
			name: "only a second opinion, declared", declared: []string{"MIT"},
			files:  []Detection{secondDet("LICENSE", "MIT")},
			want:   Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", NeedsReview: true},
			reason: []string{"only resembles MIT", "may be modified"},
		},
		{
			name:   "only a second opinion",
			files:  []Detection{secondDet("LICENSE", "MIT")},
			want:   Conclusion{Expression: NoAssertion, Source: SourceNone, NeedsReview: true},
			reason: []string{"only resembles MIT"},
		},
		{
			name: "unidentified license file next to the declaration", declared: []string{"MIT"},
			files:  []Detection{unknownDet("LICENSE", 74.3, "MIT", "CC0-1.0")},
			want:   Conclusion{Expression: "MIT", Source: SourceDeclared, Declared: "MIT", NeedsReview: true},
			reason: []string{"LICENSE holds MIT, CC0-1.0 but only 74% of it is known license text"},
		},
		{
			name: "an extra unidentified license file", declared: []string{"MIT"},
			files:  []Detection{det("LICENSE", "MIT"), unknownDet("LICENSE.docs", 0)},
			want:   Conclusion{Expression: "MIT", Source: SourceDeclaredDetected, Declared: "MIT", Detected: "MIT", NeedsReview: true},
			reason: []string{"LICENSE.docs is not a known license text"},
		},
		{
			name: "proprietary", declared: []string{"UNLICENSED"},
			want: Conclusion{Expression: ProprietaryRef, Source: SourceDeclared, Declared: ProprietaryRef},
		},
		{
			name: "notice without license text", declared: []string{"Apache-2.0"},
			files: []Detection{det("LICENSE", "Apache-2.0"), unknownDet("NOTICE", 0)},
			want:  Conclusion{Expression: "Apache-2.0", Source: SourceDeclaredDetected, Declared: "Apache-2.0", Detected: "Apache-2.0"},
		},
		{
			name: "only a notice", declared: []string{"Apache-2.0"},
			files:  []Detection{unknownDet("NOTICE", 0)},
			want:   Conclusion{Expression: "Apache-2.0", Source: SourceDeclared, Declared: "Apache-2.0"},
			reason: []string{"no license text shipped (only NOTICE)"},
		},
		{
			name: "notice holding a license text", declared: []string{"0BSD"},
			files: []Detection{det("LICENSE.txt", "0BSD"), det("CopyrightNotice.txt", "0BSD")},
			want:  Conclusion{Expression: "0BSD", Source: SourceDeclaredDetected, Declared: "0BSD", Detected: "0BSD"},
		},
		{
			name:  "several files, nothing declared",
			files: []Detection{det("LICENSE", "Apache-2.0 AND MIT"), det("NOTICE", "Apache-2.0")},
			want:  Conclusion{Expression: "Apache-2.0 AND MIT", Source: SourceDetected, Detected: "Apache-2.0 AND MIT"},
		},
		{
			name:   "README names the license",
			readme: &readmeMIT,
			want:   Conclusion{Expression: "MIT", Source: SourceDetected, Detected: "MIT"},
			reason: []string{"README.md names MIT"},
		},
		{
			name:   "README section says nothing usable",
			readme: &readmeNone,
			want:   Conclusion{Expression: NoAssertion, Source: SourceNone, NeedsReview: true},
			reason: []string{"the License section of README.md names no single license"},
		},
		{
			name:   "GNU text alone is read as -only",
			files:  []Detection{det("COPYING", "GPL-3.0-only")},
			want:   Conclusion{Expression: "GPL-3.0-only", Source: SourceDetected, Detected: "GPL-3.0-only"},
			reason: []string{"read as -only"},
		},
		{
			name: "see license in a missing file", declared: []string{"SEE LICENSE IN LICENSE.md"},
			want:   Conclusion{Expression: NoAssertion, Source: SourceNone, NeedsReview: true},
			reason: []string{"LICENSE.md is not there"},
		},
		{
			name: "see license in", declared: []string{"SEE LICENSE IN LICENSE.md"},
			files:  []Detection{det("LICENSE.md", "BlueOak-1.0.0")},
			want:   Conclusion{Expression: "BlueOak-1.0.0", Source: SourceDetected, Detected: "BlueOak-1.0.0"},
			reason: []string{`declared "SEE LICENSE IN LICENSE.md"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Conclude(NormalizeAll(tt.declared), tt.files, tt.readme)
			for _, part := range tt.reason {
				if !strings.Contains(got.Reason, part) {
					t.Errorf("Reason %q does not contain %q", got.Reason, part)
				}
			}
			if got.Reason == "" {
				t.Error("empty Reason")
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Conclusion{}, "Reason")); diff != "" {
				t.Errorf("Conclude mismatch (-want +got):\n%s\nReason: %s", diff, got.Reason)
			}
		})
	}
}
