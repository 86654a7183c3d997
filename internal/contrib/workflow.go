package contrib

import (
	"bytes"
	"strings"
)

// scanWorkflow finds contribution checks in a GitHub Actions workflow: the
// CLA assistant action (which also serves for DCO sign-offs, depending on
// the document it points to), actions named for a DCO or CLA check, and
// scripts that look for Signed-off-by lines. The workflow's prose (step
// names, comment texts) is not read as a guide: a DCO set-up of the CLA
// assistant still says "CLA" everywhere.
func scanWorkflow(path string, data []byte) []Signal {
	var out []Signal
	var assistant *Evidence
	dcoDocument := false
	n := 0
	for len(data) > 0 {
		n++
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		line := strings.TrimSpace(strings.ToValidUTF8(string(raw), "\uFFFD"))
		if strings.HasPrefix(line, "#") {
			continue
		}
		lower := asciiLower(line)
		ev := Evidence{Path: path, Line: n, Text: clipText(line)}
		if v, ok := yamlValue(lower, "uses"); ok {
			repo, _, _ := strings.Cut(v, "@")
			switch {
			case strings.Contains(repo, "contributor-assistant/") || strings.Contains(repo, "cla-assistant/"):
				if assistant == nil {
					e := ev
					assistant = &e
				}
			case hasToken(repo, "dco"):
				out = append(out, Signal{Kind: KindDCO, Evidence: ev})
			case hasToken(repo, "cla") || strings.Contains(repo, "easycla"):
				out = append(out, Signal{Kind: KindCLA, Evidence: ev})
			}
			continue
		}
		if v, ok := yamlValue(lower, "path-to-document"); ok {
			if hasToken(v, "dco") || strings.Contains(v, "developercertificate") || strings.Contains(v, "certificate-of-origin") {
				dcoDocument = true
			}
			continue
		}
		if strings.Contains(lower, "signed-off-by") {
			out = append(out, Signal{Kind: KindDCO, Evidence: ev})
		}
	}
	if assistant != nil {
		s := Signal{Kind: KindCLA, Name: "cla-assistant", Evidence: *assistant}
		if dcoDocument {
			s = Signal{Kind: KindDCO, Evidence: *assistant}
		}
		out = append(out, s)
	}
	return out
}

// yamlValue returns the value of "key: value" on a trimmed, lower-cased
// YAML line, list item or not. It is enough for the few keys read here
// and, unlike a YAML decoder, keeps line numbers for evidence.
func yamlValue(lower, key string) (string, bool) {
	lower = strings.TrimSpace(strings.TrimPrefix(lower, "- "))
	rest, ok := strings.CutPrefix(lower, key)
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	v, ok := strings.CutPrefix(rest, ":")
	if !ok {
		return "", false
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	return strings.Trim(strings.TrimSpace(v), `"'`), true
}

// hasToken reports whether s, split at anything but letters and digits,
// has the word tok.
func hasToken(s, tok string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if f == tok {
			return true
		}
	}
	return false
}
