package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
)

// Context is what a single run adds to the policy: the command line's
// overrides and quick flags.
type Context struct {
	// Distribution overrides the policy's project.distribution.
	Distribution knowledge.DistributionModel
	// License overrides the policy's project.license.
	License string
	// FailOn denies every component whose license can only be used
	// under one of these (license-checker's --failOn, with SPDX
	// semantics: "MIT OR CC-BY-3.0" passes with MIT chosen).
	FailOn []string
	// AllowOnly denies every component whose license cannot be used
	// under one of these (license-checker's --onlyAllow); a license that
	// is not SPDX is denied too. When set it replaces the policy's
	// license lists and categories; exceptions still apply.
	AllowOnly []string
}

// Validate checks the context's values the way Load checks a policy
// file, so that a mistyped flag is a usage error and not a silent miss.
func (c Context) Validate() error {
	if c.Distribution != "" && !c.Distribution.Valid() {
		return fmt.Errorf("%w: distribution %q is not one of %s", ErrInvalid, c.Distribution, modelNames())
	}
	if c.License != "" {
		if err := checkExpression(c.License); err != nil {
			return fmt.Errorf("%w: license: %v", ErrInvalid, err)
		}
	}
	for _, l := range [][]string{c.FailOn, c.AllowOnly} {
		for _, s := range l {
			if _, err := parseEntry(s); err != nil {
				return fmt.Errorf("%w: %v", ErrInvalid, err)
			}
		}
	}
	for _, s := range c.AllowOnly {
		if e, _ := parseEntry(s); e.category == knowledge.Unknown {
			return fmt.Errorf("%w: --allow-only cannot allow unknown licenses", ErrInvalid)
		}
	}
	return nil
}

// Decision is the verdict on one component.
type Decision struct {
	// Component is the component decided on; Key is its identity for
	// JSON.
	Component *inventory.Component `json:"-"`
	Key       string               `json:"key"`
	Verdict   Verdict              `json:"verdict"`
	// Rule names what decided, as a reader can find it in the policy:
	// "licenses.deny: GPL-3.0-only", "category strong-copyleft in
	// distributed", "exception #2 (ticket OSPO-12, expires 2027-01-01)".
	Rule string `json:"rule"`
	// Reason is one or two sentences for a developer.
	Reason string `json:"reason"`
	// Choice is the expression actually used when the license offers a
	// choice (OR): "MIT" for "MIT OR GPL-3.0-only". Empty when there was
	// no choice to make.
	Choice string `json:"choice,omitempty"`
	// Licenses are the license terms in effect after the choice, in
	// expression order. Decisions on the same expression share the
	// slice: treat it as read-only.
	Licenses []string `json:"licenses,omitempty"`
	// Exception is the number (from 1, in file order) of the policy
	// exception that decided, 0 when none did.
	Exception int `json:"exception,omitempty"`
	// Vulnerabilities is the verdict on the component's known
	// vulnerabilities, when a database was consulted; Verdict already
	// includes it.
	Vulnerabilities *VulnDecision `json:"vulnerabilities,omitempty"`
	// License keeps the license decision when the vulnerabilities made
	// the verdict worse, so that both can be shown; nil otherwise.
	License *LicenseDecision `json:"license,omitempty"`
}

// LicenseDecision is the part of a decision the license made.
type LicenseDecision struct {
	Verdict Verdict `json:"verdict"`
	Rule    string  `json:"rule"`
	Reason  string  `json:"reason"`
}

// ExceptionRef points at one exception of the policy.
type ExceptionRef struct {
	Number int `json:"number"` // from 1, in file order
	Exception
}

// Result is the evaluation of an inventory.
type Result struct {
	Decisions []Decision `json:"decisions"`
	// UnusedExceptions matched no component: they can be removed.
	UnusedExceptions []ExceptionRef `json:"unusedExceptions,omitempty"`
	// ExpiredExceptions are past their date and no longer apply.
	ExpiredExceptions []ExceptionRef `json:"expiredExceptions,omitempty"`
	// Distribution is the model the decisions were made for, and
	// Outbound the project license they were checked against.
	Distribution knowledge.DistributionModel `json:"distribution"`
	Outbound     string                      `json:"outbound,omitempty"`
}

// Worst is the worst verdict of the result; Allow when there are no
// decisions.
func (r Result) Worst() Verdict {
	v := Allow
	for _, d := range r.Decisions {
		v = Worse(v, d.Verdict)
	}
	return v
}

// Evaluate decides every component under the policy in the context. It
// is pure: the same inputs give the same result, and it reads no files.
// now decides which exceptions have expired. A nil policy is the default
// one. Decisions are in the order of components.
func Evaluate(components []*inventory.Component, ctx Context, p *Policy, now time.Time) Result {
	if p == nil {
		p = Default()
	}
	ev := newEvaluator(ctx, p, now)
	res := Result{
		Decisions:    make([]Decision, 0, len(components)),
		Distribution: ev.model,
		Outbound:     ev.outboundText,
	}
	for _, c := range components {
		if c == nil {
			continue
		}
		res.Decisions = append(res.Decisions, ev.decide(c))
	}
	for i, x := range ev.exceptions {
		ref := ExceptionRef{Number: i + 1, Exception: x.ex}
		switch {
		case x.expired:
			res.ExpiredExceptions = append(res.ExpiredExceptions, ref)
		case !x.used:
			res.UnusedExceptions = append(res.UnusedExceptions, ref)
		}
	}
	return res
}

// evaluator holds one evaluation's compiled policy and memo tables; it
// lives for one call of Evaluate.
type evaluator struct {
	model        knowledge.DistributionModel
	modelNote    string // " (default model)" when nothing named one
	outbound     []term // the project license's terms
	outboundText string
	outboundCat  knowledge.Category

	lists     *ruleSet
	cats      map[knowledge.Category]rule
	failOn    *ruleSet
	allowOnly *ruleSet
	allowText string

	exceptions []*compiledException
	byName     map[string][]*compiledException // plain-name exceptions
	byPURLName map[string][]*compiledException // lower-cased purl name → purl exceptions

	judged map[string]judgement // concrete term key → judgement
	exprs  map[string]*decided  // expression text → its decision
}

// decided is the memoised decision on one expression text; components
// with the same expression share it, including the Licenses slice.
type decided struct {
	judgement
	choice   string
	licenses []string
}

type compiledException struct {
	ex      Exception
	purl    *packageurl.PackageURL
	rng     versionRange
	expired bool
	used    bool
}

func newEvaluator(ctx Context, p *Policy, now time.Time) *evaluator {
	ev := &evaluator{
		lists:      newRuleSet(),
		cats:       map[knowledge.Category]rule{},
		byName:     map[string][]*compiledException{},
		byPURLName: map[string][]*compiledException{},
		judged:     map[string]judgement{},
		exprs:      map[string]*decided{},
	}
	switch {
	case ctx.Distribution.Valid():
		ev.model = ctx.Distribution
	case p.Project.Distribution.Valid():
		ev.model = p.Project.Distribution
	default:
		ev.model, ev.modelNote = DefaultModel, " (default model)"
	}
	ev.outboundText = p.Project.License
	if ctx.License != "" {
		ev.outboundText = ctx.License
	}
	if ev.outboundText != "" {
		if e, err := parseExpr(ev.outboundText); err == nil {
			ev.outbound = e.leaves()
			ev.outboundCat = knowledge.Unknown
			// With several outbound licenses, the most demanding one
			// sets the defaults.
			for i, t := range ev.outbound {
				c := knowledge.With(t.id, t.exception).Category
				if i == 0 || copyleftRank(c) > copyleftRank(ev.outboundCat) {
					ev.outboundCat = c
				}
			}
		} else {
			ev.outboundText = ""
		}
	}
	ev.lists.add(p.Licenses.Allow, Allow, "licenses.allow")
	ev.lists.add(p.Licenses.Review, Review, "licenses.review")
	ev.lists.add(p.Licenses.Deny, Deny, "licenses.deny")
	for c, r := range ev.lists.cats {
		ev.cats[c] = r
	}
	for c, v := range p.Categories {
		if v.Valid() && c.Valid() {
			ev.cats[c] = rule{verdict: v, source: "categories." + string(c), text: string(v), exact: true}
		}
	}
	if r, ok := ev.cats[knowledge.Unknown]; ok && r.verdict == Allow {
		// Unknown is never allowed; Load refuses it, a hand-built
		// policy gets review.
		r.verdict = Review
		ev.cats[knowledge.Unknown] = r
	}
	if len(ctx.FailOn) > 0 {
		ev.failOn = newRuleSet()
		ev.failOn.add(ctx.FailOn, Deny, "--fail-on")
	}
	if len(ctx.AllowOnly) > 0 {
		ev.allowOnly = newRuleSet()
		ev.allowOnly.add(ctx.AllowOnly, Allow, "--allow-only")
		delete(ev.allowOnly.cats, knowledge.Unknown) // never allowed by a rule
		ev.allowText = strings.Join(ctx.AllowOnly, ", ")
	}
	for _, x := range p.Exceptions {
		ce := &compiledException{ex: x, expired: x.Expired(now)}
		ce.rng, _ = parseRange(x.Versions)
		name := strings.TrimSpace(x.Package)
		if strings.HasPrefix(name, "pkg:") {
			u, err := packageurl.FromString(name)
			if err != nil {
				ev.exceptions = append(ev.exceptions, ce) // matches nothing
				continue
			}
			ce.purl = &u
			if u.Version != "" && strings.TrimSpace(x.Versions) == "" {
				ce.rng = versionRange{{{op: "=", version: u.Version}}}
			}
			k := strings.ToLower(u.Name)
			ev.byPURLName[k] = append(ev.byPURLName[k], ce)
		} else {
			ev.byName[name] = append(ev.byName[name], ce)
		}
		ev.exceptions = append(ev.exceptions, ce)
	}
	return ev
}

func copyleftRank(c knowledge.Category) int {
	switch c {
	case knowledge.WeakCopyleft:
		return 1
	case knowledge.StrongCopyleft:
		return 2
	case knowledge.NetworkCopyleft:
		return 3
	}
	return 0
}

// judgement is the verdict on one concrete license.
type judgement struct {
	verdict Verdict
	rule    string
	reason  string
}

// outcome is the verdict on an expression or part of one.
type outcome struct {
	judgement
	used  *expr // the expression with every OR resolved
	chose bool  // an OR was resolved somewhere below
}

func (ev *evaluator) decide(c *inventory.Component) Decision {
	text := strings.TrimSpace(c.License.Expression)
	x, ok := ev.exprs[text]
	if !ok {
		out := ev.expression(text)
		x = &decided{judgement: out.judgement}
		if out.used != nil {
			if out.chose {
				x.choice = out.used.String()
			}
			for _, t := range out.used.leaves() {
				x.licenses = appendNew(x.licenses, t.String())
			}
		}
		ev.exprs[text] = x
	}
	d := Decision{
		Component: c,
		Key:       c.Key(),
		Verdict:   x.verdict,
		Rule:      x.rule,
		Reason:    x.reason,
		Choice:    x.choice,
		Licenses:  x.licenses,
	}
	if c.License.NeedsReview && d.Verdict == Allow {
		d.Verdict = Review
		d.Rule = "license needs review"
		why := strings.TrimSpace(c.License.Reason)
		if why == "" {
			why = "The license found for this component is not certain."
		}
		d.Reason = why + " The license would be allowed once confirmed."
	}
	ev.applyException(c, &d)
	return d
}

// expression decides one license expression as found on a component.
func (ev *evaluator) expression(text string) outcome {
	switch strings.ToUpper(text) {
	case "", "NOASSERTION":
		if ev.allowOnly != nil {
			return outcome{judgement: judgement{Deny, "--allow-only: " + ev.allowText,
				"No license was found for this component, so it is not one of the licenses --allow-only accepts."}}
		}
		return outcome{judgement: judgement{Review, "license NOASSERTION",
			"No license was found for this component; someone has to find out what it is before it is used."}}
	case "NONE":
		if ev.allowOnly != nil {
			return outcome{judgement: judgement{Deny, "--allow-only: " + ev.allowText,
				"The component declares no license (NONE), so it is not one of the licenses --allow-only accepts."}}
		}
		return outcome{judgement: judgement{Review, "license NONE",
			"The component declares no license (NONE): nobody has granted the right to use it."}}
	}
	e, err := parseExpr(text)
	if err != nil {
		if ev.allowOnly != nil {
			return outcome{judgement: judgement{Deny, "--allow-only: " + ev.allowText,
				fmt.Sprintf("%q is not an SPDX license expression, so it is not one of the licenses --allow-only accepts.", text)}}
		}
		return outcome{judgement: judgement{Review, "license not SPDX",
			fmt.Sprintf("%q is not an SPDX license expression, so no rule can decide it; someone has to read the license.", text)}}
	}
	return ev.eval(e)
}

// eval applies SPDX semantics: AND needs every term (the worst decides),
// OR takes the best branch, the first in expression order among equals.
func (ev *evaluator) eval(e *expr) outcome {
	switch e.op {
	case opLeaf:
		return ev.term(e.term)
	case opOr:
		var best outcome
		for i, k := range e.kids {
			o := ev.eval(k)
			if i == 0 || o.verdict.rank() < best.verdict.rank() {
				best = o
			}
		}
		best.chose = true
		return best
	}
	outs := make([]outcome, len(e.kids))
	used := &expr{op: opAnd}
	worst := 0
	chose := false
	for i, k := range e.kids {
		outs[i] = ev.eval(k)
		used.kids = appendFlat(used.kids, outs[i].used, opAnd)
		chose = chose || outs[i].chose
		if outs[i].verdict.rank() > outs[worst].verdict.rank() {
			worst = i
		}
	}
	out := outcome{judgement: outs[worst].judgement, used: used, chose: chose}
	if out.verdict == Allow {
		// Every term is allowed: cite them all.
		var rules, reasons []string
		for _, o := range outs {
			rules = appendNew(rules, o.rule)
			reasons = appendNew(reasons, o.reason)
		}
		out.rule = strings.Join(rules, "; ")
		out.reason = strings.Join(reasons, " ")
	}
	return out
}

// term decides one license of an expression: for -or-later, the best of
// the versions it may be used under.
func (ev *evaluator) term(t term) outcome {
	cands := candidates(t)
	var best judgement
	bi := 0
	for i, c := range cands {
		j := ev.concrete(c)
		if i == 0 || j.verdict.rank() < best.verdict.rank() {
			best, bi = j, i
		}
	}
	switch {
	case len(cands) > 1 && bi > 0:
		best.rule += fmt.Sprintf(" (%s used as %s)", t, cands[bi])
		best.reason = fmt.Sprintf("%s may be used under %s. %s", t, cands[bi], best.reason)
	case len(cands) > 1 && best.verdict != Allow:
		best.reason = fmt.Sprintf("%s may be used under %s or a later version; no later version does better. %s", t, cands[0], best.reason)
	}
	return outcome{judgement: best, used: &expr{term: t}}
}

// concrete decides one license at one version, memoised.
func (ev *evaluator) concrete(t term) judgement {
	k := t.key()
	if j, ok := ev.judged[k]; ok {
		return j
	}
	j := ev.judge(t)
	ev.judged[k] = j
	return j
}

func (ev *evaluator) judge(t term) judgement {
	name := t.String()
	info := knowledge.With(t.id, t.exception)
	if !t.known {
		info.Category = knowledge.Unknown
	}
	var j judgement
	switch {
	case ev.failOn != nil && ev.failOn.matches(t, info.Category):
		r, _ := ev.failOn.find(t, info.Category)
		j = judgement{Deny, r.name(), fmt.Sprintf("%s is on the --fail-on list.", name)}
	case ev.allowOnly != nil:
		if r, ok := ev.allowOnly.find(t, info.Category); ok {
			j = judgement{Allow, r.name(), fmt.Sprintf("%s is on the --allow-only list.", name)}
		} else {
			j = judgement{Deny, "--allow-only: " + ev.allowText, fmt.Sprintf("%s is not on the --allow-only list (%s).", name, ev.allowText)}
		}
	default:
		j = ev.byPolicy(t, name, info)
	}
	return ev.compatible(t, name, j)
}

// matches reports whether a concrete license hits the set by id or by
// category.
func (rs *ruleSet) matches(t term, c knowledge.Category) bool {
	_, ok := rs.find(t, c)
	return ok
}

func (rs *ruleSet) find(t term, c knowledge.Category) (rule, bool) {
	if r, ok, _ := rs.matchID(t); ok {
		return r, true
	}
	r, ok := rs.cats[c]
	return r, ok
}

// byPolicy applies the policy's lists, then its categories, then the
// defaults.
func (ev *evaluator) byPolicy(t term, name string, info knowledge.Info) judgement {
	if r, ok, viaBase := ev.lists.matchID(t); ok {
		reason := fmt.Sprintf("%s is on the policy's %s list.", name, listWord(r))
		if viaBase {
			reason = fmt.Sprintf("%s is on the policy's allow list, and %s only adds permissions.", t.id, t.exception)
		}
		return judgement{r.verdict, r.name(), reason}
	}
	cat := info.Category
	desc := describe(name, info)
	if r, ok := ev.cats[cat]; ok {
		return judgement{r.verdict, r.name(), fmt.Sprintf("%s The policy says %s for %s.", desc, r.verdict, cat)}
	}
	v := DefaultVerdict(cat, ev.model, ev.outboundCat)
	reason := desc
	if why := ev.defaultWhy(name, cat, v); why != "" {
		reason += " " + why
	}
	return judgement{v, fmt.Sprintf("category %s in %s%s", cat, ev.model, ev.modelNote), reason}
}

func listWord(r rule) string {
	switch r.verdict {
	case Allow:
		return "allow"
	case Review:
		return "review"
	}
	return "deny"
}

// describe says what kind of license it is, in one sentence.
func describe(name string, info knowledge.Info) string {
	switch info.Category {
	case knowledge.PublicDomain:
		return name + " puts the code in the public domain."
	case knowledge.Permissive:
		if len(info.Obligations) == 0 {
			return name + " is permissive and asks for nothing."
		}
		return name + " is permissive: keep its notices."
	case knowledge.WeakCopyleft:
		return fmt.Sprintf("%s is a weak copyleft (%s reach).", name, reachOr(info.Reach))
	case knowledge.StrongCopyleft:
		return name + " is a strong copyleft."
	case knowledge.NetworkCopyleft:
		return name + " is a network copyleft."
	case knowledge.NonCommercial:
		return name + " forbids commercial use."
	case knowledge.Proprietary:
		return name + " is not an open source license (proprietary, source-available or restricted)."
	}
	if isRef(info.ID) {
		return name + " is a custom license ospo does not know."
	}
	return name + " is not a license ospo knows."
}

func reachOr(r knowledge.Reach) knowledge.Reach {
	if r == "" {
		return knowledge.ReachFile
	}
	return r
}

// defaultWhy explains a default verdict for the project's model.
func (ev *evaluator) defaultWhy(name string, cat knowledge.Category, v Verdict) string {
	switch cat {
	case knowledge.WeakCopyleft:
		if v == Allow {
			return "Nothing is passed on in this model, so its copyleft is not triggered."
		}
		return "In a distributed product it must stay a separate library (or its files keep their license) and its source must be offered: check how it is linked."
	case knowledge.StrongCopyleft:
		switch {
		case v == Allow:
			return "The project is itself under a strong copyleft; compatibility decides."
		case v == Deny:
			return "Distributing it in this product would put the whole product under " + name + "."
		case ev.model == knowledge.Library:
			return "A library that depends on it passes its copyleft on to every user of the library."
		}
		return "It is harmless while nothing is distributed, but it binds the whole program the day it is: the OSPO takes a look."
	case knowledge.NetworkCopyleft:
		switch {
		case v == Allow:
			return "The project is itself under a network copyleft; compatibility decides."
		case v == Deny && ev.model == knowledge.SaaS:
			return "Users of the service would be owed the source of the whole service."
		case v == Deny:
			return "Distributing it in this product would put the whole product under " + name + "."
		}
		return "Its network clause binds the whole program once users reach it over a network: the OSPO takes a look."
	case knowledge.NonCommercial:
		return "An organisation's use is commercial use."
	case knowledge.Proprietary:
		return "Its terms need a person."
	case knowledge.Unknown:
		return "Someone has to read it before it is used."
	}
	return ""
}

// compatible checks the license against the project's own, when one is
// set; an incompatible license is denied.
func (ev *evaluator) compatible(t term, name string, j judgement) judgement {
	if len(ev.outbound) == 0 || j.verdict == Deny {
		return j
	}
	for _, o := range ev.outbound {
		c, why := knowledge.Compatible(o.String(), name, ev.model)
		if c == knowledge.CompatNo {
			return judgement{Deny, fmt.Sprintf("project.license %s: incompatible with %s in %s", ev.outboundText, name, ev.model), why}
		}
	}
	return j
}

// applyException lets the first matching, unexpired policy exception
// decide, and notes expired ones.
func (ev *evaluator) applyException(c *inventory.Component, d *Decision) {
	if len(ev.exceptions) == 0 {
		return
	}
	var cands []*compiledException
	cands = append(cands, ev.byName[c.Name]...)
	if len(ev.byPURLName) > 0 {
		cands = append(cands, ev.purlCandidates(c)...)
	}
	if len(cands) == 0 {
		return
	}
	var applied *compiledException
	for _, x := range ev.exceptions { // file order
		if !containsExc(cands, x) || !x.rng.contains(c.Version) {
			continue
		}
		x.used = true
		if x.expired {
			d.Reason += fmt.Sprintf(" Exception #%d expired on %s and no longer applies.", ev.number(x), x.ex.Expires)
			continue
		}
		if applied == nil {
			applied = x
		}
	}
	if applied == nil {
		return
	}
	n := ev.number(applied)
	d.Verdict = applied.ex.Decision
	d.Exception = n
	d.Rule = exceptionRule(n, applied.ex)
	reason := strings.TrimSpace(applied.ex.Reason)
	if !strings.HasSuffix(reason, ".") {
		reason += "."
	}
	if o := strings.TrimSpace(applied.ex.Owner); o != "" {
		reason += " Owner: " + o + "."
	}
	d.Reason = reason
}

func exceptionRule(n int, x Exception) string {
	var parts []string
	if x.Ticket != "" {
		parts = append(parts, "ticket "+x.Ticket)
	}
	if x.Expires != "" {
		parts = append(parts, "expires "+x.Expires)
	}
	s := fmt.Sprintf("exception #%d", n)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func (ev *evaluator) number(x *compiledException) int {
	for i, y := range ev.exceptions {
		if y == x {
			return i + 1
		}
	}
	return 0
}

func containsExc(list []*compiledException, x *compiledException) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// purlCandidates finds the package-URL exceptions naming this component:
// same type, namespace and name.
func (ev *evaluator) purlCandidates(c *inventory.Component) []*compiledException {
	name := c.Name
	if i := strings.LastIndexAny(name, "/:"); i >= 0 {
		name = name[i+1:]
	}
	list := ev.byPURLName[strings.ToLower(name)]
	if len(list) == 0 {
		return nil
	}
	var typ, ns, n string
	if u, err := packageurl.FromString(c.PURL); err == nil && c.PURL != "" {
		typ, ns, n = u.Type, u.Namespace, u.Name
	} else {
		typ, n = strings.ToLower(c.Ecosystem), c.Name
	}
	var out []*compiledException
	for _, x := range list {
		full := x.purl.Name
		if x.purl.Namespace != "" {
			full = x.purl.Namespace + "/" + x.purl.Name
		}
		cfull := n
		if ns != "" {
			cfull = ns + "/" + n
		}
		if strings.EqualFold(x.purl.Type, typ) && full == cfull {
			out = append(out, x)
		}
	}
	return out
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
