// Package contrib answers "may I send patches to this project?". Collect
// gathers the facts from a local checkout (license files, contributing
// guides, signs of a Contributor License Agreement or of the Developer
// Certificate of Origin in files, bot configuration and recent history; a
// README speaks for contributors only in its sections about contributing);
// Judge, a pure function, turns those facts, the project's license and the
// organisation's contribution rules into allow, review or deny.
package contrib

import (
	"slices"

	"ospo/internal/inventory"
)

// Kind is what a signal shows the project asks of contributors.
type Kind string

// The kinds of signal.
const (
	// KindCLA: contributors sign a Contributor License Agreement (or a
	// similar contributor agreement) before patches are accepted.
	KindCLA Kind = "cla"
	// KindDCO: contributors certify each commit under the Developer
	// Certificate of Origin with a Signed-off-by line.
	KindDCO Kind = "dco"
)

// HistoryPath is the Evidence.Path of facts read from the commit history
// rather than from a file.
const HistoryPath = "git log"

// Evidence is where a fact was seen.
type Evidence struct {
	// Path is slash-separated and relative to the checkout, or HistoryPath.
	Path string `json:"path"`
	// Line is 1-based; 0 when the file as a whole is the evidence.
	Line int `json:"line,omitempty"`
	// Text is the line as written (trimmed and cut short), or what the
	// file or history shows.
	Text string `json:"text"`
}

// Signal is one sign that the project asks for a CLA or a DCO sign-off.
type Signal struct {
	Kind Kind `json:"kind"`
	// Name is the agreement's name when it can be told (Google CLA,
	// Apache ICLA, ...); "" when the text asks for a CLA without saying
	// which. Always "" for DCO signals.
	Name string `json:"name,omitempty"`
	// Negated is set when the text says the thing is not asked for ("we
	// do not require a CLA"). Negated signals are kept as evidence but
	// never count as a requirement.
	Negated bool `json:"negated,omitempty"`
	// Note explains a name known only indirectly (from the guide a line
	// links to).
	Note string `json:"note,omitempty"`
	Evidence
}

// Document is a contributing guide as read.
type Document struct {
	Path string `json:"path"`
	// Text is the guide's text, up to Options.MaxFileSize bytes.
	Text      string `json:"text"`
	Truncated bool   `json:"truncated,omitempty"`
}

// History is what the recent commits show.
type History struct {
	// Commits is how many non-merge commits were read, newest first.
	Commits int `json:"commits"`
	// SignedOff is how many of them carry a Signed-off-by trailer.
	SignedOff int `json:"signedOff"`
}

// Share is the fraction of the commits read that are signed off, 0..1.
func (h History) Share() float64 {
	if h.Commits == 0 {
		return 0
	}
	return float64(h.SignedOff) / float64(h.Commits)
}

// Facts is everything Collect found in one checkout. It is plain data: the
// CLI, the server and a remote worker can all judge it.
type Facts struct {
	// Project names the project in questions to the OSPO: Options.Name,
	// else the origin remote of the clone, else the directory's name.
	Project string `json:"project"`
	// LicenseFiles are the license, notice and patent files at the root,
	// hashed but not yet identified (Expression is empty): identifying
	// them is the license package's job.
	LicenseFiles []inventory.LicenseFile `json:"licenseFiles,omitempty"`
	// Contributing are the contributing guides found.
	Contributing []Document `json:"contributing,omitempty"`
	// Signals are every CLA and DCO sign found, in the order read.
	Signals []Signal `json:"signals,omitempty"`
	// History is nil when no history was read (not a clone, git missing,
	// or Options.Commits < 0).
	History *History `json:"history,omitempty"`
	// Guides are links from the contributing guides to contribution
	// instructions kept elsewhere, which were not read (ospo works
	// offline); they may ask for an agreement this checkout does not show.
	Guides []Evidence `json:"guides,omitempty"`
	// Problems are files that could not be read; the rest was collected.
	Problems []inventory.Problem `json:"problems,omitempty"`
}

// Active returns the signals of kind k that count as a requirement.
func (f Facts) Active(k Kind) []Signal {
	var out []Signal
	for _, s := range f.Signals {
		if s.Kind == k && !s.Negated {
			out = append(out, s)
		}
	}
	return out
}

// CLANames returns the distinct names of the CLAs asked for, in the order
// first seen. A signing service (cla-assistant, cla-bot) is named only
// when no agreement is: "Uber CLA, signed through cla-assistant" is the
// Uber CLA.
func (f Facts) CLANames() []string {
	var agreements, services []string
	for _, s := range f.Active(KindCLA) {
		switch {
		case s.Name == "":
		case isService(s.Name):
			if !slices.Contains(services, s.Name) {
				services = append(services, s.Name)
			}
		case !slices.Contains(agreements, s.Name):
			agreements = append(agreements, s.Name)
		}
	}
	if len(agreements) > 0 {
		return agreements
	}
	return services
}
