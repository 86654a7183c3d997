package license

import (
	"bufio"
	"bytes"
	_ "embed"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/licensecheck"
	classifier "github.com/google/licenseclassifier/v2"
	"github.com/google/licenseclassifier/v2/assets"
)

// The engines a Detection can come from, fastest first.
const (
	// EngineExact: the normalised text is one of the known texts
	// (knowntexts.txt), identified earlier by the full engines.
	EngineExact = "exact"
	// EngineCommon: licensecheck with only the most common licenses.
	EngineCommon = "licensecheck-common"
	// EngineLicensecheck: licensecheck with its whole license set.
	EngineLicensecheck = "licensecheck"
	// EngineClassifier: licenseclassifier, consulted only when
	// licensecheck found nothing definite. Its findings alone are never a
	// definite answer.
	EngineClassifier = "licenseclassifier"
	// EngineReadmeReference: a README License section that names a
	// license ("Released under the MIT license") without its text.
	EngineReadmeReference = "readme-reference"
)

// Thresholds. licensecheck's matches are whole-pattern matches (its
// patterns allow small, marked variations), so it has no per-match score;
// pkgsite, its main user, accepts a file when matches cover at least 75% of
// its words and reports UNKNOWN otherwise. Its old Cover API also had a
// 90% per-match threshold, which disappeared with the Scan API.
// licenseclassifier scores each match; 0.9 keeps its answers close to the
// reference texts.
const (
	// MinCoverage is the share of a text (percent of words) that known
	// licenses must cover for a definite answer.
	MinCoverage = 75.0
	// MinClassifierConfidence is the lowest licenseclassifier score
	// reported at all.
	MinClassifierConfidence = 0.9
	// maxIdentifyBytes bounds the text looked at.
	maxIdentifyBytes = 1 << 20
	// commonSlack is how many words the common-license scanner may leave
	// unexplained before the full scanner is asked: any more could be
	// another license the small scanner does not know.
	commonSlack = 6
)

// MatchInfo is one license found in a text.
type MatchInfo struct {
	ID         string  `json:"id"`         // SPDX id or LicenseRef
	Engine     string  `json:"engine"`     // which engine found it
	Confidence float64 `json:"confidence"` // 1 for a licensecheck pattern match
	// Start and End are byte offsets of a licensecheck match; StartLine
	// and EndLine the lines of a classifier match. Matches remembered in
	// the table of known texts have neither.
	Start     int    `json:"start,omitempty"`
	End       int    `json:"end,omitempty"`
	StartLine int    `json:"startLine,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	URL       bool   `json:"url,omitempty"` // a license URL, not a text
	Kind      string `json:"kind,omitempty"`
}

// Detection is what one text was identified as.
type Detection struct {
	// File is the name the text was read from; Kind is KindLicense,
	// KindNotice or KindReadme.
	File string `json:"file,omitempty"`
	Kind string `json:"kind,omitempty"`
	// Expression is the SPDX expression of the text, or NOASSERTION when
	// no definite answer was reached. Several licenses in one text are
	// joined with AND, or with OR when the text offers a choice.
	Expression string `json:"expression"`
	// Coverage is the share of the text's words the licenses cover, 0..100.
	Coverage float64 `json:"coverage"`
	// Engine is the engine that answered (or looked last).
	Engine string `json:"engine,omitempty"`
	// SecondOpinionOnly is set when only licenseclassifier recognised a
	// license here: the text resembles a known one but may be modified.
	// Expression is then NOASSERTION; Matches say what it resembles.
	SecondOpinionOnly bool `json:"secondOpinionOnly,omitempty"`
	// Matches are the licenses found, also when they were not enough for
	// a definite answer.
	Matches []MatchInfo `json:"matches,omitempty"`
	// Copyrights are the copyright statements of the text.
	Copyrights []string `json:"copyrights,omitempty"`
}

// Definite reports whether d names a license.
func (d Detection) Definite() bool {
	return d.Expression != "" && d.Expression != NoAssertion && !d.SecondOpinionOnly
}

//go:embed knowntexts.txt
var knownTextsFile string

// knownText is one entry of the table of texts identified in advance:
// either a definite answer both engines agreed on, or the engines'
// verdict on a text they could not settle (expr NOASSERTION), kept so that
// common undecided texts do not cost an engine build.
type knownText struct {
	expr     string
	coverage float64
	lc       []string      // licensecheck's partial matches
	cls      []knownSecond // licenseclassifier's matches
}

type knownSecond struct {
	id   string
	conf float64
}

// fill sets d from the entry, as the engines would have.
func (k knownText) fill(d *Detection) {
	d.Expression, d.Coverage, d.Engine = k.expr, k.coverage, EngineExact
	lcIDs := map[string]bool{}
	for _, id := range k.lc {
		d.Matches = append(d.Matches, MatchInfo{ID: id, Engine: EngineLicensecheck, Confidence: 1})
		lcIDs[familyOf(id)] = true
	}
	for _, c := range k.cls {
		d.Matches = append(d.Matches, MatchInfo{ID: c.id, Engine: EngineClassifier, Confidence: c.conf})
		if !lcIDs[familyOf(c.id)] {
			d.SecondOpinionOnly = true
		}
	}
}

// Identifier identifies license texts. The engines are built on first
// need, because each takes a second or more to prepare; most texts never
// need them. An Identifier is safe for concurrent use.
type Identifier struct {
	known map[uint64]knownText

	common     lazy[*licensecheck.Scanner]
	full       lazy[*licensecheck.Scanner]
	classifier lazy[*classifier.Classifier]

	// Layers can be switched off by tests and benchmarks.
	skipExact, skipCommon bool
	warm                  sync.Once

	answered [numLayers]atomic.Int64
}

type lazy[T any] struct {
	once  sync.Once
	v     T
	err   error
	built time.Duration
}

func (l *lazy[T]) get(build func() (T, error)) (T, error) {
	l.once.Do(func() {
		t := time.Now()
		l.v, l.err = build()
		l.built = time.Since(t)
	})
	return l.v, l.err
}

const (
	layerExact = iota
	layerCommon
	layerFull
	layerClassifier
	layerNone
	numLayers
)

// NewIdentifier returns an Identifier. It only reads the table of known
// texts; the matching engines are built when a text first needs them.
func NewIdentifier() *Identifier {
	return &Identifier{known: parseKnownTexts(knownTextsFile)}
}

// parseKnownTexts reads tab-separated lines: hex key, coverage,
// expression, and for undecided texts the licensecheck matches (comma
// separated) and the classifier matches (id@confidence, comma separated).
// Malformed lines are skipped; a test keeps the committed table
// well-formed.
func parseKnownTexts(s string) map[uint64]knownText {
	m := map[uint64]knownText{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			continue
		}
		k, err1 := strconv.ParseUint(f[0], 16, 64)
		cov, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil || f[2] == "" {
			continue
		}
		kt := knownText{expr: f[2], coverage: cov}
		if len(f) > 3 && f[3] != "" {
			kt.lc = strings.Split(f[3], ",")
		}
		if len(f) > 4 && f[4] != "" {
			for _, c := range strings.Split(f[4], ",") {
				id, conf, ok := strings.Cut(c, "@")
				v, err := strconv.ParseFloat(conf, 64)
				if ok && err == nil {
					kt.cls = append(kt.cls, knownSecond{id, v})
				}
			}
		}
		m[k] = kt
	}
	return m
}

// Stats says how often each layer answered and how long the engines took
// to build (zero when never built).
type Stats struct {
	Exact, Common, Full, Classifier, None   int64
	CommonBuild, FullBuild, ClassifierBuild time.Duration
}

// Stats reports the layer counters of id.
func (id *Identifier) Stats() Stats {
	return Stats{
		Exact:           id.answered[layerExact].Load(),
		Common:          id.answered[layerCommon].Load(),
		Full:            id.answered[layerFull].Load(),
		Classifier:      id.answered[layerClassifier].Load(),
		None:            id.answered[layerNone].Load(),
		CommonBuild:     id.common.built,
		FullBuild:       id.full.built,
		ClassifierBuild: id.classifier.built,
	}
}

// commonLicenses are the licenses of the small scanner: the ones that
// make up nearly all license files of npm and Go dependencies.
// The GNU licenses are left out: their patterns are the most expensive to
// build and they are rare among dependencies.
var commonLicenses = []string{
	"MIT", "MIT-0", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-2-Clause-Views",
	"BSD-3-Clause", "0BSD", "BlueOak-1.0.0", "Unlicense", "CC0-1.0", "CC-BY-3.0",
	"CC-BY-4.0", "MPL-2.0", "Python-2.0", "PSF-2.0", "WTFPL", "Zlib", "BSL-1.0",
	"Artistic-2.0", "EPL-2.0", "X11",
}

func buildCommon() (*licensecheck.Scanner, error) {
	want := map[string]bool{}
	for _, id := range commonLicenses {
		want[id] = true
	}
	var ls []licensecheck.License
	for _, l := range licensecheck.BuiltinLicenses() {
		if want[l.ID] && l.LRE != "" {
			ls = append(ls, l)
		}
	}
	return licensecheck.NewScanner(ls)
}

func buildFull() (*licensecheck.Scanner, error) {
	return licensecheck.NewScanner(licensecheck.BuiltinLicenses())
}

// buildClassifier loads licenseclassifier's own license set. Its default
// threshold (0.8) only decides which candidates it scores; matches below
// MinClassifierConfidence are dropped by Identify.
func buildClassifier() (*classifier.Classifier, error) {
	return assets.DefaultClassifier()
}

// Identify identifies the license text read from the file name. The name
// gives the Kind and appears in reasons; the text decides.
func (id *Identifier) Identify(name string, text []byte) Detection {
	kind, _ := IsLicenseFile(name)
	if kind == "" {
		kind = KindLicense
	}
	d := Detection{File: name, Kind: kind, Expression: NoAssertion}
	if len(text) > maxIdentifyBytes {
		text = text[:maxIdentifyBytes]
	}
	d.Copyrights = detectionCopyrights(text)
	if len(bytes.TrimSpace(text)) == 0 {
		id.answered[layerNone].Add(1)
		return d
	}
	if !id.skipExact {
		if k, ok := id.known[textKey(text)]; ok {
			k.fill(&d)
			id.answered[layerExact].Add(1)
			return d
		}
		// A text the table does not know will most likely need the full
		// scanner: start building it while the small one looks.
		id.warm.Do(func() { go id.full.get(buildFull) })
	}
	id.answered[id.detect(&d, text)].Add(1)
	return d
}

// detect runs the engines on text, filling d, and returns the layer that
// answered.
func (id *Identifier) detect(d *Detection, text []byte) int {
	if !id.skipCommon {
		if sc, err := id.common.get(buildCommon); err == nil {
			cov := sc.Scan(text)
			if e, ok := licensecheckAnswer(text, cov); ok && uncoveredWords(text, cov.Match) <= commonSlack {
				d.Expression, d.Coverage, d.Engine = e, cov.Percent, EngineCommon
				d.Matches = licensecheckMatches(cov, EngineCommon)
				return layerCommon
			}
		}
	}

	lcIDs := map[string]bool{}
	if sc, err := id.full.get(buildFull); err == nil {
		cov := sc.Scan(text)
		d.Coverage, d.Engine = cov.Percent, EngineLicensecheck
		d.Matches = licensecheckMatches(cov, EngineLicensecheck)
		if e, ok := licensecheckAnswer(text, cov); ok {
			d.Expression = e
			return layerFull
		}
		for _, m := range d.Matches {
			lcIDs[familyOf(m.ID)] = true
		}
	}

	// Second opinion: what does the text resemble?
	c, err := id.classifier.get(buildClassifier)
	if err != nil {
		return layerNone
	}
	found := false
	for _, m := range c.Match(text).Matches {
		if m.Confidence < MinClassifierConfidence || (m.MatchType != "License" && m.MatchType != "Header") {
			continue
		}
		sid := fromClassifier(m.Name)
		d.Matches = append(d.Matches, MatchInfo{
			ID: sid, Engine: EngineClassifier, Confidence: m.Confidence,
			StartLine: m.StartLine, EndLine: m.EndLine, Kind: m.MatchType,
		})
		found = true
		if !lcIDs[familyOf(sid)] {
			d.SecondOpinionOnly = true
		}
	}
	if !found {
		return layerNone
	}
	d.Engine = EngineClassifier
	return layerClassifier
}

// IdentifyReadmeSection identifies the License section of a README: a
// license text when it holds one, otherwise a short statement that names
// one license ("MIT © Jane", "Released under the Apache-2.0 license").
func (id *Identifier) IdentifyReadmeSection(name string, section []byte) Detection {
	d := id.Identify(name, section)
	d.Kind = KindReadme
	if d.Definite() {
		return d
	}
	if e, ok := readmeReference(section); ok {
		d.Expression, d.Engine, d.SecondOpinionOnly = e, EngineReadmeReference, false
		d.Coverage = 0
	}
	return d
}

// licensecheckAnswer turns a licensecheck result into an expression when
// it is definite: coverage at least MinCoverage and at least one license
// that is not just an add-on (a patent grant file).
func licensecheckAnswer(text []byte, cov licensecheck.Coverage) (string, bool) {
	if cov.Percent < MinCoverage {
		return "", false
	}
	raw := map[string]bool{}
	for _, m := range cov.Match {
		if !ignoredLicensecheckIDs[m.ID] {
			raw[m.ID] = true
		}
	}
	if len(raw) == 0 {
		return "", false
	}
	// A GNU license text next to its "or later" (or "only") notice is
	// the notice's license.
	for r := range raw {
		if raw[r+"-or-later"] || raw[r+"-only"] {
			delete(raw, r)
		}
	}
	var ids []string
	for r := range raw {
		ids = append(ids, fromLicensecheck(r))
	}
	sort.Strings(ids)
	op := "AND"
	if len(ids) > 1 && offersChoice(text, cov.Match) {
		op = "OR"
	}
	return joinExprs(op, ids), true
}

func licensecheckMatches(cov licensecheck.Coverage, engine string) []MatchInfo {
	var out []MatchInfo
	for _, m := range cov.Match {
		out = append(out, MatchInfo{
			ID: fromLicensecheck(m.ID), Engine: engine, Confidence: 1,
			Start: m.Start, End: m.End, URL: m.IsURL,
		})
	}
	return out
}

// ignoredLicensecheckIDs are recognised texts that add to a license but
// are none themselves.
var ignoredLicensecheckIDs = map[string]bool{
	"GooglePatentClause": true,
	"GooglePatentsFile":  true,
}

// fromLicensecheck maps a licensecheck id to SPDX: deprecated ids to their
// current form, its own ids to a LicenseRef.
func fromLicensecheck(id string) string {
	switch id {
	case "GPL-2.0-or-3.0":
		return "GPL-2.0-only OR GPL-3.0-only"
	}
	if e, err := parseExpr(id, nil); err == nil {
		return e.String()
	}
	return "LicenseRef-" + refSafe(id)
}

// classifierNames maps licenseclassifier names that are not SPDX ids.
var classifierNames = map[string]string{
	"BSD-0-Clause":                       "0BSD",
	"BSD-3-Clause-OpenMPI":               "BSD-3-Clause-Open-MPI",
	"Business-Source-License-1.1":        "BUSL-1.1",
	"Apache-with-LLVM-Exception":         "Apache-2.0 WITH LLVM-exception",
	"Python-2.0-complete":                "Python-2.0",
	"CERN-OHL-WR-v2":                     "CERN-OHL-W-2.0",
	"CERN-OHL-v1.2":                      "CERN-OHL-1.2",
	"bzip2":                              "bzip2-1.0.6",
	"GNU-All-permissive-Copying-License": "FSFAP",
	"LicenseRef-MIT-Lucent":              "LicenseRef-MIT-Lucent",
}

func fromClassifier(name string) string {
	if s, ok := classifierNames[name]; ok {
		return s
	}
	if e, err := parseExpr(name, nil); err == nil {
		return e.String()
	}
	if strings.HasPrefix(name, "LicenseRef-") {
		return "LicenseRef-" + refSafe(strings.TrimPrefix(name, "LicenseRef-"))
	}
	return "LicenseRef-" + refSafe(name)
}

func refSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '-'
		}
	}
	return string(b)
}

// familyOf reduces an id to the license text it stands for: GPL-2.0-only
// and GPL-2.0-or-later share the text of GPL-2.0, and an exception does
// not change the license.
func familyOf(id string) string {
	if i := strings.Index(id, " WITH "); i >= 0 {
		id = id[:i]
	}
	id = strings.TrimSuffix(id, "+")
	id = strings.TrimSuffix(id, "-only")
	id = strings.TrimSuffix(id, "-or-later")
	return id
}

// uncoveredWords counts the words of text outside the matches, not
// counting copyright statements.
func uncoveredWords(text []byte, ms []licensecheck.Match) int {
	n := 0
	count := func(seg []byte) {
		forEachLine(seg, func(line []byte) {
			if isCopyrightLine(line) {
				return
			}
			forEachWord(line, func([]byte) { n++ })
		})
	}
	pos := 0
	spans := append([]licensecheck.Match(nil), ms...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	for _, m := range spans {
		if m.Start > pos && m.Start <= len(text) {
			count(text[pos:m.Start])
		}
		if m.End > pos {
			pos = m.End
		}
	}
	if pos < len(text) {
		count(text[pos:])
	}
	return n
}

// choicePhrases, found outside the license texts themselves, say that the
// licenses of a file are alternatives.
var choicePhrases = []string{
	"dual licensed", "dual license", "dually licensed", "dual licensing", "multi licensed",
	"at your option", "at your choice", "your choice of", "you may choose",
	"you can choose", "either of the following", "licensed under either",
	"available under either", "may be used under either", "under the terms of either",
	"alternatively", "is licensed under one of",
}

// offersChoice reports whether the text around the matched licenses
// offers a choice between them. Inside a license text "at your option"
// means something else (any later version), so those spans are skipped.
func offersChoice(text []byte, ms []licensecheck.Match) bool {
	var outside bytes.Buffer
	pos := 0
	spans := append([]licensecheck.Match(nil), ms...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	for _, m := range spans {
		if m.IsURL {
			continue
		}
		if m.Start > pos && m.Start <= len(text) {
			outside.Write(text[pos:m.Start])
			outside.WriteByte(' ')
		}
		if m.End > pos {
			pos = m.End
		}
	}
	if pos < len(text) {
		outside.Write(text[pos:])
	}
	return hasChoicePhrase(outside.Bytes())
}

func hasChoicePhrase(b []byte) bool {
	var words []string
	forEachWord(b, func(w []byte) { words = append(words, string(w)) })
	joined := " " + strings.Join(words, " ") + " "
	for _, p := range choicePhrases {
		if strings.Contains(joined, " "+p+" ") {
			return true
		}
	}
	return false
}

// readmeReference recognises a short License section that names one
// license without its text: "MIT", "MIT © Jane Doe", "[MIT](LICENSE)",
// "Released under the Apache License, Version 2.0.". It looks at the
// start of the section and after each "under"; every name found must be
// the same license, and a section of more than 60 words is left alone.
func readmeReference(section []byte) (string, bool) {
	var toks []string
	forEachLine(section, func(line []byte) {
		t := bytes.TrimSpace(line)
		// RST directives and link targets, Markdown link definitions.
		if bytes.HasPrefix(t, []byte(".. ")) || len(t) > 0 && t[0] == '[' && bytes.Contains(t, []byte("]: ")) {
			return
		}
		if isCopyrightLine(t) {
			return
		}
		toks = append(toks, refTokens(stripLinkTargets(line))...)
	})
	if len(toks) == 0 || len(toks) > 60 {
		return "", false
	}
	var starts []int
	starts = append(starts, 0)
	for i, t := range toks {
		if t == "under" && i+1 < len(toks) {
			j := i + 1
			for j < len(toks) && refSkip[toks[j]] {
				j++
			}
			starts = append(starts, j)
		}
	}
	found := ""
	for _, s := range starts {
		end := s
		for end < len(toks) && end-s < 8 && !refStop[toks[end]] {
			end++
		}
		if containsAny(toks[s:end], "or", "and", "/", "&", "nor") {
			// "MIT or Apache-2.0": a choice, or several licenses.
			return "", false
		}
		for n := end; n > s; n-- {
			cand := toks[s:n]
			r, ok := resolve(strings.Join(cand, " "), 2)
			if !ok || strings.Contains(r.expr, "LicenseRef-") {
				continue
			}
			if found != "" && found != r.expr {
				return "", false
			}
			found = r.expr
			break
		}
	}
	return found, found != ""
}

// refSkip are words between "under" and a license name.
var refSkip = map[string]bool{"the": true, "terms": true, "of": true, "a": true, "an": true, "conditions": true}

// refStop end a license name in a README sentence.
var refStop = map[string]bool{
	"copyright": true, "©": true, "(c)": true, "-": true, "—": true, "–": true, "by": true,
	"see": true, "for": true, "as": true, "with": true, "in": true, "which": true,
	"that": true, "unless": true, "except": true, "but": true, "please": true,
}

func containsAny(toks []string, words ...string) bool {
	for _, t := range toks {
		for _, w := range words {
			if t == w {
				return true
			}
		}
	}
	return false
}

// refTokens splits a README line into lower-case tokens, keeping the dots
// and dashes inside version numbers and ids ("2.0", "BSD-3-Clause") and
// making "©" a token of its own.
func refTokens(line []byte) []string {
	var out []string
	for _, f := range strings.Fields(strings.ToLower(string(line))) {
		f = strings.ReplaceAll(f, "©", " © ")
		for _, g := range strings.Fields(f) {
			g = strings.Trim(g, ".,;:!?*_`'\"()[]{}<>#")
			if g != "" && !strings.Contains(g, "://") {
				out = append(out, g)
			}
		}
	}
	return out
}

func stripLinkTargets(line []byte) []byte {
	var out []byte
	for i := 0; i < len(line); i++ {
		if line[i] == ']' && i+1 < len(line) && line[i+1] == '(' {
			j := bytes.IndexByte(line[i+1:], ')')
			if j >= 0 {
				out = append(out, ' ')
				i += 1 + j
				continue
			}
		}
		out = append(out, line[i])
	}
	return out
}

// baseName is the last element of a slash or backslash path.
func baseName(name string) string {
	return path.Base(strings.ReplaceAll(name, "\\", "/"))
}
