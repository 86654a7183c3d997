package contrib

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// textSummary is what a guide's scan shows, in a form a test can state.
type textSummary struct {
	Names   []string // CLANames
	CLA     []int    // lines of CLA signals that count
	DCO     []int    // lines of DCO signals that count
	Negated []int    // lines of signals that do not count
	Guides  []string // addresses of external guides
}

func summariseText(signals []Signal, guides []Evidence) textSummary {
	var s textSummary
	s.Names = Facts{Signals: signals}.CLANames()
	for _, sig := range signals {
		switch {
		case sig.Negated:
			s.Negated = append(s.Negated, sig.Line)
		case sig.Kind == KindCLA:
			s.CLA = append(s.CLA, sig.Line)
		default:
			s.DCO = append(s.DCO, sig.Line)
		}
	}
	for _, g := range guides {
		s.Guides = append(s.Guides, g.Text)
	}
	return s
}

// TestScanTextGuides runs the scanner over real contributing guides (see
// testdata/README.md); the expected lines were read off the files.
func TestScanTextGuides(t *testing.T) {
	tests := []struct {
		file string
		want textSummary
	}{
		{"google-cla.go-cmp.md", textSummary{Names: []string{"Google CLA"}, CLA: []int{6, 8, 11, 14}}},
		{"microsoft-cla.msal.md", textSummary{Names: []string{"Microsoft CLA"}, CLA: []int{5, 7}}},
		// The agreement is Uber's; cla-assistant only hosts it.
		{"owner-cla-via-cla-assistant.zap.md", textSummary{Names: []string{"Uber CLA"}, CLA: []int{11, 13, 69}}},
		// "[Contributor License\nAgreement](…linuxfoundation…)": the
		// phrase is found on line 13 across the wrap, the name on 14.
		{"easycla-wrapped-phrase.grpc.md", textSummary{Names: []string{"Linux Foundation EasyCLA"}, CLA: []int{13, 14}}},
		{"unnamed-cla.aws-sdk-go-v2.md", textSummary{CLA: []int{91}}},
		{"go-guide-link.x-text.md", textSummary{Names: []string{"Google CLA"}, CLA: []int{22},
			Guides: []string{"https://golang.org/doc/contribute.html"}}},
		{"dco.prometheus.md", textSummary{DCO: []int{22}}},
		{"dco-file.go-systemd.md", textSummary{DCO: []int{8, 10, 11, 13}}},
		{"plain.ulid.md", textSummary{}},
		{"external-guide.client-go.md", textSummary{Guides: []string{"https://git.k8s.io/kubernetes/CONTRIBUTING.md"}}},
		// The heading (12) and the wrapped sentence (7) mention a CLA; line
		// 14 says none is required, which overrides them.
		{"no-cla-but-dco.md", textSummary{DCO: []int{16, 18, 19, 20}, Negated: []int{7, 12, 14}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "contributing", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summariseText(scanText("CONTRIBUTING.md", data))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanText mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanTextLines pins the wording rules one line at a time.
func TestScanTextLines(t *testing.T) {
	type sig struct {
		Kind    Kind
		Name    string
		Negated bool
	}
	tests := []struct {
		name string
		text string
		want []sig
	}{
		{"class is not CLA", "The class declares a CLAUSE; see Claims.", nil},
		{"lower-case cla is not CLA", "we use a cla bot", nil},
		{"CLA word", "Please sign the CLA before we merge.", []sig{{KindCLA, "", false}}},
		{"CLAs plural", "CLAs are collected by a bot.", []sig{{KindCLA, "", false}}},
		{"negated before", "We don't require a CLA.", []sig{{KindCLA, "", true}}},
		{"negated no", "There is no CLA to sign.", []sig{{KindCLA, "", true}}},
		{"negated after", "A CLA is not required for typo fixes.", []sig{{KindCLA, "", true}}},
		{"negation in an earlier sentence does not count", "Tests are not required. Sign the CLA.", []sig{{KindCLA, "", false}}},
		{"not signed is not a negation", "If you have not signed the CLA yet, do so now.", []sig{{KindCLA, "", false}}},
		{"DCO instead of a CLA", "We use the DCO instead of a CLA.", []sig{{KindCLA, "", true}, {KindDCO, "", false}}},
		{"Google by address", "Sign at https://cla.developers.google.com/.", []sig{{KindCLA, "Google CLA", false}}},
		{"Apache ICLA", "File an ICLA with the ASF: https://www.apache.org/licenses/icla.pdf", []sig{{KindCLA, "Apache ICLA", false}}},
		{"Apache license link is not a CLA", "Licensed under https://www.apache.org/licenses/LICENSE-2.0", nil},
		{"EasyCLA", "The EasyCLA bot will check your PR.", []sig{{KindCLA, "Linux Foundation EasyCLA", false}}},
		{"possessive owner", "Sign Acme's Contributor License Agreement first.", []sig{{KindCLA, "Acme CLA", false}}},
		{"generic owner is no name", "Sign the project's Contributor License Agreement.", []sig{{KindCLA, "", false}}},
		{"Signed-off-by", "Add Signed-off-by: Your Name <you@example.org>", []sig{{KindDCO, "", false}}},
		{"sign off a commit", "Please sign off every commit.", []sig{{KindDCO, "", false}}},
		{"sign off without a commit", "Two maintainers sign off on each release.", nil},
		{"dco inside a word", "deadcode and adcock are linters", nil},
		{"git commit -s", "Use git commit -s to certify.", []sig{{KindDCO, "", false}}},
		{"no DCO", "No DCO sign-off is needed.", []sig{{KindDCO, "", true}}},
		{"non-ASCII around a mention", "Über: sign the CLA — danke schön", []sig{{KindCLA, "", false}}},
		{"curly apostrophe", "Read the CLA’s terms and the Developer’s Certificate of Origin.", []sig{{KindCLA, "", false}, {KindDCO, "", false}}},
		{"letters of another script around", "ÉCLAT and CLAé are words", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signals, _ := scanText("CONTRIBUTING.md", []byte(tt.text))
			var got []sig
			for _, s := range signals {
				got = append(got, sig{s.Kind, s.Name, s.Negated})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanText(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestScanReadme pins which sections of a README count: only signals
// under a heading about contributing, up to the next heading of its level.
func TestScanReadme(t *testing.T) {
	tests := []struct {
		name string
		file string
		text string
		want textSummary
	}{
		{"feature list", "README.md", "# tool\n\nTells whether a project asks for a CLA or a DCO sign-off.\n", textSummary{}},
		{"no headings at all", "README", "Sign the CLA first.\n", textSummary{}},
		{"ATX section", "README.md", "# x\n\nA CLA checker.\n\n## Contributing\n\nSign the CLA.\n\n## License\n\nNo CLA changes it.\n",
			textSummary{CLA: []int{7}}},
		{"subsection stays inside", "README.md", "## How to contribute\n\n### Legal\n\nSign the CLA.\n", textSummary{CLA: []int{5}}},
		{"heading itself counts", "README.md", "# x\n## Contributor License Agreement\nSee the guide.\n", textSummary{CLA: []int{2}}},
		{"DCO section", "README.md", "# x\n## Signing your work\nAdd Signed-off-by: to each commit.\n", textSummary{DCO: []int{3}}},
		{"setext headings", "README.md", "x\n=\n\nA CLA checker.\n\nPull requests\n-------------\n\nSign the CLA.\n\nUsage\n-----\n\nWhich CLA?\n",
			textSummary{CLA: []int{9}}},
		{"RST overline and underline", "README.rst", "===\nx\n===\n\nA CLA checker.\n\nDevelopment\n===========\n\nSign the CLA.\n\nTests\n-----\n\nThe CLA bot runs.\n\nLicense\n=======\n\nNo CLA.\n",
			textSummary{CLA: []int{10, 15}}},
		{"comment in a code block is no heading", "README.md", "## Contributing\n\n```sh\n# build\nmake\n```\n\nSign the CLA.\n", textSummary{CLA: []int{8}}},
		{"HTML heading", "README.md", "<h2>Contributing</h2>\nSign the CLA.\n<h2>Usage</h2>\nA CLA checker.\n", textSummary{CLA: []int{2}}},
		{"design is not sign", "README.md", "## Design\nA CLA checker.\n", textSummary{}},
		{"negation outside the section does not override", "README.md", "## Usage\nNo CLA is needed to run it.\n## Contributing\nSign the CLA.\n", textSummary{CLA: []int{4}}},
		{"guide links count anywhere", "README.md", "# x\nSee https://example.org/contributing.html\n", textSummary{Guides: []string{"https://example.org/contributing.html"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summariseText(scanReadme(tt.file, []byte(tt.text)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scanReadme(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// FuzzScanText feeds arbitrary text to the guide scanner: no panic, every
// signal on a line that exists, bounded valid evidence, no name on a DCO
// signal.
func FuzzScanText(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("We do not require a CLA\nSign the\nContributor License\nAgreement"))
	f.Fuzz(func(t *testing.T, data []byte) {
		signals, guides := scanText("CONTRIBUTING.md", data)
		readme, readmeGuides := scanReadme("README.rst", data)
		if len(readme) > len(signals) || len(readmeGuides) != len(guides) {
			t.Fatalf("README scan gave %d signals, %d guides; the whole text %d, %d", len(readme), len(readmeGuides), len(signals), len(guides))
		}
		signals = append(signals, readme...)
		lines := len(splitLines(data))
		for _, s := range signals {
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("signal on line %d of %d", s.Line, lines)
			}
			if s.Kind != KindCLA && s.Kind != KindDCO {
				t.Fatalf("kind %q", s.Kind)
			}
			if s.Kind == KindDCO && s.Name != "" {
				t.Fatalf("DCO signal named %q", s.Name)
			}
			if !utf8.ValidString(s.Text) || len(s.Text) > maxEvidenceText+len("…") {
				t.Fatalf("evidence text of %d bytes, valid UTF-8 %v", len(s.Text), utf8.ValidString(s.Text))
			}
		}
		if len(guides) > maxGuides {
			t.Fatalf("%d guides", len(guides))
		}
		for _, g := range guides {
			if !strings.HasPrefix(g.Text, "http") {
				t.Fatalf("guide %q", g.Text)
			}
		}
	})
}
