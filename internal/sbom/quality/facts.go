package quality

import (
	"fmt"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/package-url/packageurl-go"
)

// placeholder reports whether s says nothing: empty, or one of the words
// SBOM tools write when they do not know.
func placeholder(s string) bool {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "NOASSERTION", "NONE", "UNKNOWN":
		return true
	}
	return false
}

// present is met when s says something.
func present(s string) Status {
	if placeholder(s) {
		return Missing
	}
	return Met
}

// licenseFinder accumulates license values of one component and judges
// them: one valid SPDX expression is enough; free text earns half.
type licenseFinder struct {
	status Status
	text   string // first free-text value, for the note
}

func newLicenseFinder() *licenseFinder { return &licenseFinder{status: Missing} }

// expression offers a value meant to be an SPDX expression or id.
func (l *licenseFinder) expression(v string) {
	if placeholder(v) || l.status == Met {
		return
	}
	if validExpression(v) {
		l.status = Met
		return
	}
	l.freeText(v)
}

// freeText offers a value that is not meant to be an SPDX expression: a
// license name, text or URL.
func (l *licenseFinder) freeText(v string) {
	if placeholder(v) || l.status != Missing {
		return
	}
	l.status = Partial
	l.text = strings.TrimSpace(v)
}

func (l *licenseFinder) note() string {
	if l.status != Partial {
		return ""
	}
	return fmt.Sprintf("license %q is not a valid SPDX expression", clip(l.text))
}

// maxExpression bounds what is handed to the expression parser; no real
// license expression comes near it.
const maxExpression = 4096

func validExpression(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxExpression {
		return false
	}
	ok, _ := spdxexp.ValidateLicenses([]string{v})
	return ok
}

// hashFinder accumulates the hashes of one component.
type hashFinder struct {
	any, strong bool
	weak        []string // names of the weak algorithms seen
}

func (h *hashFinder) add(alg, value string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	h.any = true
	if weakAlgorithm(alg) {
		name := strings.TrimSpace(alg)
		for _, w := range h.weak {
			if w == name {
				return
			}
		}
		h.weak = append(h.weak, name)
		return
	}
	h.strong = true
}

func (h *hashFinder) status() Status {
	if h.any {
		return Met
	}
	return Missing
}

func (h *hashFinder) weakOnly() bool { return h.any && !h.strong }

func (h *hashFinder) note() string {
	if !h.weakOnly() {
		return ""
	}
	return "only weak hashes: " + strings.Join(h.weak, ", ")
}

// weakAlgorithm reports hash algorithms that no longer resist deliberate
// collisions (MD2, MD4, MD5, SHA-1) or never did (Adler-32). CycloneDX
// writes "SHA-1", SPDX "SHA1".
func weakAlgorithm(alg string) bool {
	a := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(alg))
	switch a {
	case "MD2", "MD4", "MD5", "SHA1", "ADLER32":
		return true
	}
	return false
}

// purlProblem returns why s is not a usable package URL, or "".
func purlProblem(s string) string {
	if _, err := packageurl.FromString(strings.TrimSpace(s)); err != nil {
		return fmt.Sprintf("package URL %q does not parse: %v", clip(s), err)
	}
	return ""
}

// cpeLike reports whether s has the shape of a CPE 2.2 URI or 2.3
// formatted string.
func cpeLike(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "cpe:2.3:") || strings.HasPrefix(s, "cpe:/")
}

// clip shortens s for a message: fuzzed or hostile input can hold
// megabytes in one field.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
