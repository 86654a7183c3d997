package license

import (
	"fmt"
	"sort"
	"strings"
)

// The sources a Conclusion can have.
const (
	SourceDeclared         = "declared"
	SourceDetected         = "detected"
	SourceDeclaredDetected = "declared+detected"
	SourceCurated          = "curated"
	SourceNone             = "none"
)

// Conclusion is the license of one component and how it was reached.
type Conclusion struct {
	// Expression is one SPDX expression, or NOASSERTION.
	Expression string `json:"expression"`
	// Source is declared, detected, declared+detected, curated or none.
	Source string `json:"source"`
	// Reason says in a sentence why Expression was chosen.
	Reason string `json:"reason"`
	// Declared is the normalised declared expression, "" when none was
	// usable.
	Declared string `json:"declared,omitempty"`
	// Detected is the expression the license files read as together, ""
	// when none was identified.
	Detected string `json:"detected,omitempty"`
	// NeedsReview is set when the answers disagree, when only a second
	// opinion or an unidentified license file stands behind them, and when
	// nothing was found.
	NeedsReview bool `json:"needsReview"`
}

// Conclude decides the license of a component from its declared value,
// the detections of its license and notice files, and, when there is
// neither a usable declaration nor a license file, the License section of
// its README.
//
// The rules, in order:
//   - a proprietary declaration (UNLICENSED) stands;
//   - a valid declaration that the files confirm (the same licenses, or a
//     subset of them such as one LICENSE-MIT for "MIT OR Apache-2.0")
//     stands, as declared+detected;
//   - files that add a license the declaration lacks, or contradict it,
//     keep the declaration but need review;
//   - a valid declaration without any license text stands (the Reason
//     says so); with a license file nobody could identify, it needs review;
//   - without a usable declaration ("BSD", "Public Domain", none), the
//     identified files decide;
//   - a text only the second-opinion engine recognises is never an
//     answer, it needs review;
//   - with nothing usable, the answer is NOASSERTION and needs review.
//
// Notice files (NOTICE, PATENTS, COPYRIGHT) count only when they hold an
// identified license text.
func Conclude(decl Declared, files []Detection, readme *Detection) Conclusion {
	c := Conclusion{}
	if decl.Valid {
		c.Declared = decl.Expression
	}

	var definite, unknown, secondOnly []Detection
	var noticeNames []string
	for _, f := range files {
		switch {
		case f.Definite():
			definite = append(definite, f)
		case f.Kind == KindNotice:
			noticeNames = append(noticeNames, f.File)
		case f.SecondOpinionOnly:
			secondOnly = append(secondOnly, f)
		default:
			unknown = append(unknown, f)
		}
	}
	c.Detected = detectedExpr(definite)

	if decl.Proprietary {
		c.Expression, c.Source = decl.Expression, SourceDeclared
		c.Reason = "declared UNLICENSED: the author grants no license"
		if c.Detected != "" {
			c.Reason += fmt.Sprintf("; %s nevertheless read as %s", fileList(definite), c.Detected)
		}
		return c
	}

	// Unidentified license files are why an otherwise clear answer still
	// needs a person.
	var doubts []string
	for _, f := range secondOnly {
		doubts = append(doubts, fmt.Sprintf("%s only resembles %s (second opinion, %s); it may be modified", name(f), resemblance(f), confidenceOf(f)))
	}
	for _, f := range unknown {
		doubts = append(doubts, unknownReason(f))
	}

	switch {
	case decl.Valid && c.Detected != "":
		ok, how := agrees(decl.Expression, c.Detected, len(definite) == 1)
		c.Expression = decl.Expression
		if ok {
			c.Source = SourceDeclaredDetected
			c.Reason = fmt.Sprintf("declared %s; %s %s", decl.Expression, fileList(definite), how)
		} else {
			c.Source = SourceDeclared
			c.NeedsReview = true
			c.Reason = fmt.Sprintf("declared %s, but %s read as %s", decl.Expression, fileList(definite), c.Detected)
		}
	case decl.Valid:
		c.Expression, c.Source = decl.Expression, SourceDeclared
		c.Reason = fmt.Sprintf("declared %s", decl.Expression)
		if len(unknown)+len(secondOnly) == 0 {
			c.Reason += "; no license text shipped"
			if len(noticeNames) > 0 {
				c.Reason += " (only " + strings.Join(noticeNames, ", ") + ")"
			}
		}
	case c.Detected != "":
		c.Expression, c.Source = c.Detected, SourceDetected
		c.Reason = fmt.Sprintf("%s; %s read as %s", declaredPhrase(decl), fileList(definite), c.Detected)
	case len(unknown)+len(secondOnly) == 0 && readme != nil && readme.Definite():
		c.Expression, c.Source = readme.Expression, SourceDetected
		c.Detected = readme.Expression
		how := "holds the text of"
		if readme.Engine == EngineReadmeReference {
			how = "names"
		}
		c.Reason = fmt.Sprintf("%s; no license file; the License section of %s %s %s", declaredPhrase(decl), readme.File, how, readme.Expression)
	default:
		c.Expression, c.Source, c.NeedsReview = NoAssertion, SourceNone, true
		c.Reason = nothingReason(decl, files, readme)
		if len(doubts) > 0 {
			c.Reason += "; " + strings.Join(doubts, "; ")
		}
		return c
	}
	if len(doubts) > 0 {
		c.NeedsReview = true
		c.Reason += "; " + strings.Join(doubts, "; ")
	}
	if strings.Contains(c.Expression, "-only") && c.Source == SourceDetected {
		c.Reason += " (a GNU license text does not say whether later versions apply; read as -only)"
	}
	return c
}

// detectedExpr combines the identified files. Separate files are joined
// with AND: without a declaration that offers a choice, every shipped
// license is taken to apply.
func detectedExpr(ds []Detection) string {
	var exprs []string
	var leaves []string
	flat := true
	for _, d := range ds {
		exprs = append(exprs, d.Expression)
		e, err := parseExpr(d.Expression, nil)
		if err != nil || !e.andOnly() {
			flat = false
			continue
		}
		leaves = append(leaves, e.leaves()...)
	}
	if flat {
		// "Apache-2.0" and "Apache-2.0 AND MIT" make "Apache-2.0 AND MIT".
		sort.Strings(leaves)
		return joinExprs("AND", leaves)
	}
	sort.Strings(exprs)
	return joinExprs("AND", exprs)
}

// agrees reports whether the detected licenses confirm the declared
// expression: every detected license appears in the declaration (GNU
// "-only" and "-or-later" share one text, and a known variant of a text
// counts as that text). It says how, for the Reason.
func agrees(declared, detected string, oneFile bool) (bool, string) {
	dset := familySet(declared)
	tset := familySet(detected)
	if dset == nil || tset == nil {
		return false, ""
	}
	verb := func(one, many string) string {
		if oneFile {
			return one
		}
		return many
	}
	var variants []string
	subset := true
	for t := range tset {
		if dset[t] {
			continue
		}
		if v, ok := textVariants[t]; ok && dset[v] {
			variants = append(variants, fmt.Sprintf("%s is a variant of the declared %s", t, v))
			continue
		}
		subset = false
		break
	}
	if !subset {
		// The text offers a choice and the declaration picks from it:
		// "ISC OR MIT" in LICENSE, "ISC" declared.
		if e, err := parseExpr(detected, nil); err == nil && e.orOnly() {
			for d := range dset {
				if !tset[d] {
					return false, ""
				}
			}
			return true, fmt.Sprintf("%s %s, and the declaration picks from that choice", verb("offers", "offer"), detected)
		}
		return false, ""
	}
	how := verb("confirms it", "confirm it")
	if len(tset) < len(dset) {
		how = fmt.Sprintf("%s the text of %s only", verb("holds", "hold"), detected)
	}
	if len(variants) > 0 {
		sort.Strings(variants)
		how += " (" + strings.Join(variants, "; ") + ")"
	}
	return true, how
}

// textVariants are license texts that are a declared license with a
// harmless addition; a file with one confirms a declaration of the other.
var textVariants = map[string]string{
	"BSD-2-Clause-Views": "BSD-2-Clause",
}

func familySet(e string) map[string]bool {
	ls := licenseSet(e)
	if ls == nil {
		return nil
	}
	m := map[string]bool{}
	for _, l := range ls {
		m[familyOf(l)] = true
	}
	return m
}

func fileList(ds []Detection) string {
	var names []string
	for _, d := range ds {
		names = append(names, name(d))
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names, " and ")
}

func name(d Detection) string {
	if d.File == "" {
		return "the license text"
	}
	return baseName(d.File)
}

func declaredPhrase(decl Declared) string {
	switch {
	case decl.SeeFile != "":
		return fmt.Sprintf("declared %q", decl.Raw)
	case strings.TrimSpace(decl.Raw) == "":
		return "nothing declared"
	default:
		return fmt.Sprintf("declared %q is not usable (%s)", decl.Raw, decl.Note)
	}
}

func resemblance(d Detection) string {
	var ids []string
	for _, m := range d.Matches {
		if m.Engine == EngineClassifier {
			ids = append(ids, m.ID)
		}
	}
	return joinExprs("AND", dedupe(ids))
}

func confidenceOf(d Detection) string {
	best := 0.0
	for _, m := range d.Matches {
		if m.Engine == EngineClassifier && m.Confidence > best {
			best = m.Confidence
		}
	}
	return fmt.Sprintf("%.0f%%", best*100)
}

func unknownReason(d Detection) string {
	var ids []string
	for _, m := range d.Matches {
		ids = append(ids, m.ID)
	}
	ids = dedupe(ids)
	if len(ids) == 0 {
		return fmt.Sprintf("%s is not a known license text", name(d))
	}
	if d.Coverage >= MinCoverage {
		// The text is recognised, but as something no SPDX id names
		// (a patent grant, a custom notice).
		return fmt.Sprintf("%s reads as %s, which is not an SPDX license", name(d), strings.Join(ids, ", "))
	}
	return fmt.Sprintf("%s holds %s but only %.0f%% of it is known license text", name(d), strings.Join(ids, ", "), d.Coverage)
}

func nothingReason(decl Declared, files []Detection, readme *Detection) string {
	var parts []string
	parts = append(parts, declaredPhrase(decl))
	var names []string
	for _, f := range files {
		names = append(names, name(f))
	}
	if decl.SeeFile != "" && !containsName(names, baseName(decl.SeeFile)) {
		parts = append(parts, decl.SeeFile+" is not there")
	}
	switch {
	case len(names) == 0:
		parts = append(parts, "no license file")
	default:
		parts = append(parts, "no license identified in "+strings.Join(names, ", "))
	}
	switch {
	case readme == nil:
		if len(names) == 0 {
			parts = append(parts, "no README License section")
		}
	case !readme.Definite():
		parts = append(parts, "the License section of "+name(*readme)+" names no single license")
	}
	return strings.Join(parts, "; ")
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}
