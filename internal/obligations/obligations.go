// Package obligations tells what a scan's licenses ask of whoever ships the
// program: which components' notices must ship with it, which need a source
// offer and for how much of the program, and whether a network clause is in
// play. It is a pure assessor over the components and the policy decisions;
// it reads no files.
package obligations

import (
	"slices"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
)

// Summary is what the licenses of one scan ask for.
type Summary struct {
	// Distribution is the model the obligations were read for: the
	// decisions' model, or distributed (the most demanding) without
	// decisions. It decides which items are Triggered.
	Distribution knowledge.DistributionModel `json:"distribution"`
	// Attribution lists the components whose copyright and license
	// notices must ship with the program.
	Attribution []Item `json:"attribution"`
	// SourceOffer lists the components whose licenses ask for their
	// source (Offer component) or the whole program's (Offer program) to
	// be offered to those who receive it.
	SourceOffer []Item `json:"sourceOffer"`
	// NetworkCopyleft says whether any license owes the source to users
	// over a network, and which components carry one.
	NetworkCopyleft Network `json:"networkCopyleft"`
	// Unknown lists the components whose obligations cannot be told from a
	// license id: no license found, a license outside the SPDX list, or
	// proprietary terms. Someone has to read their terms.
	Unknown []Item `json:"unknown"`
	// ByCategory counts components by the most demanding category of
	// their licenses; every category is present, zero or not.
	ByCategory map[knowledge.Category]int `json:"byCategory"`
}

// Network is the network copyleft of a scan.
type Network struct {
	Present    bool   `json:"present"`
	Components []Item `json:"components"`
}

// Offer says how much source a copyleft license asks to be offered.
type Offer string

// The extents of a source offer.
const (
	// OfferComponent: the component's own source, with the changes made
	// to it (weak copyleft: MPL, EPL, LGPL).
	OfferComponent Offer = "component"
	// OfferProgram: the source of the whole program the component is part
	// of (strong and network copyleft: GPL, AGPL).
	OfferProgram Offer = "program"
)

// Item is one component under one obligation.
type Item struct {
	Component *inventory.Component `json:"-"`
	Ecosystem string               `json:"ecosystem"`
	Name      string               `json:"name"`
	Version   string               `json:"version"`
	PURL      string               `json:"purl,omitempty"`
	// License names the license terms that carry the obligation, joined
	// with AND when several do.
	License  string             `json:"license"`
	Category knowledge.Category `json:"category"`
	// Offer is set on source offers.
	Offer Offer `json:"offer,omitempty"`
	// Triggered is false when the distribution model does not set the
	// obligation off yet (an internal tool ships nothing; a service ships
	// no copies but is reached over a network). Unknown items are always
	// triggered: nothing rules them out.
	Triggered bool `json:"triggered"`
	// Reason is a sentence a developer understands.
	Reason string `json:"reason"`
}

// Summarize reads the obligations of every component. With decisions, the
// licenses in effect after the policy's OR choice count; without, every
// term of the component's concluded expression does (no choice has been
// made, so every alternative counts).
func Summarize(components []*inventory.Component, decisions *policy.Result) Summary {
	model := policy.DefaultModel
	var decs []policy.Decision
	if decisions != nil {
		if decisions.Distribution.Valid() {
			model = decisions.Distribution
		}
		if len(decisions.Decisions) == len(components) {
			decs = decisions.Decisions
		}
	}
	s := Summary{
		Distribution: model,
		// Nearly every component asks for its notice.
		Attribution: make([]Item, 0, len(components)),
		SourceOffer: []Item{},
		Unknown:     []Item{},
		ByCategory:  map[knowledge.Category]int{},
	}
	s.NetworkCopyleft.Components = []Item{}
	for _, c := range knowledge.Categories() {
		s.ByCategory[c] = 0
	}
	// Components share a handful of license sets; read each set once,
	// with its sentences.
	memo := map[string]*facts{}
	for i, c := range components {
		var terms []string
		if decs != nil && len(decs[i].Licenses) > 0 {
			terms = decs[i].Licenses
		}
		key := strings.Join(terms, "\x00")
		if terms == nil {
			key = "\x01" + c.License.Expression // no term starts with a control byte
		}
		f, ok := memo[key]
		if !ok {
			if terms != nil {
				f = readTerms(terms)
			} else {
				f = readExpression(c.License.Expression)
			}
			f.explain(model)
			memo[key] = f
		}
		s.ByCategory[f.category]++
		for _, e := range f.entries {
			it := Item{
				Component: c, Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version,
				PURL: c.PURL, License: e.license, Category: f.category,
				Offer: e.offer, Triggered: e.triggered, Reason: e.reason,
			}
			switch e.list {
			case listAttribution:
				s.Attribution = append(s.Attribution, it)
			case listSource:
				s.SourceOffer = append(s.SourceOffer, it)
			case listNetwork:
				s.NetworkCopyleft.Components = append(s.NetworkCopyleft.Components, it)
			case listUnknown:
				s.Unknown = append(s.Unknown, it)
			}
		}
	}
	s.NetworkCopyleft.Present = len(s.NetworkCopyleft.Components) > 0
	return s
}

// ships reports whether copies of the program reach others under model.
func ships(model knowledge.DistributionModel) bool {
	return model == knowledge.Distributed || model == knowledge.Library
}

// facts are the obligations of one set of license terms.
type facts struct {
	category      knowledge.Category // the most demanding one
	attribution   []string
	component     []string // disclose source, file or library reach
	library       bool     // some component term reaches the library
	program       []string // disclose source, program reach
	network       []string
	unknown       []string
	unknownReason string
	entries       []entry // filled by explain
}

type listKind uint8

const (
	listUnknown listKind = iota
	listAttribution
	listSource
	listNetwork
)

// entry is one item a set of terms puts on one list, ready to copy.
type entry struct {
	list      listKind
	license   string
	offer     Offer
	triggered bool
	reason    string
}

// explain writes the items the terms give under model, in the order the
// lists are read: unknown, attribution, source offer, network.
func (f *facts) explain(model knowledge.DistributionModel) {
	add := func(list listKind, terms []string, offer Offer, triggered bool, reason string) {
		f.entries = append(f.entries, entry{list, strings.Join(terms, " AND "), offer, triggered, reason})
	}
	if f.unknownReason != "" {
		add(listUnknown, f.unknown, "", true, f.unknownReason)
	}
	if len(f.attribution) > 0 {
		add(listAttribution, f.attribution, "", ships(model), attributionReason(f.attribution, model))
	}
	network := len(f.network) > 0
	switch {
	case len(f.program) > 0:
		add(listSource, f.program, OfferProgram, ships(model) || (network && model == knowledge.SaaS),
			programReason(f.program, model, network))
	case len(f.component) > 0:
		add(listSource, f.component, OfferComponent, ships(model), componentReason(f.component, f.library, model))
	}
	if network {
		add(listNetwork, f.network, "", model != knowledge.Internal, networkReason(f.network, model))
	}
}

// readExpression reads the terms of a concluded expression when no
// decision says which were chosen.
func readExpression(expr string) *facts {
	text := strings.TrimSpace(expr)
	switch strings.ToUpper(text) {
	case "", "NOASSERTION":
		return &facts{category: knowledge.Unknown, unknown: []string{"NOASSERTION"},
			unknownReason: "No license was found for this component, so what it asks is unknown; find its license first."}
	case "NONE":
		return &facts{category: knowledge.Unknown, unknown: []string{"NONE"},
			unknownReason: "The component declares no license (NONE): nobody has granted the right to use it, let alone said on which terms."}
	}
	terms, ok := splitTerms(text)
	if !ok {
		return &facts{category: knowledge.Unknown, unknown: []string{text},
			unknownReason: quote(text) + " is not an SPDX license expression; read the license to learn what it asks."}
	}
	return readTerms(terms)
}

// splitTerms returns the license terms of an SPDX expression in the order
// they are written, each once, with "WITH exception" kept on its term; ok is
// false when the text is not an expression. (go-spdx's ExtractLicenses
// does not keep the order, which reports need stable.)
func splitTerms(text string) (terms []string, ok bool) {
	toks := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(text))
	depth, wantTerm, afterTerm := 0, true, false
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		was := afterTerm
		afterTerm = false
		switch strings.ToUpper(tok) {
		case "(":
			if !wantTerm {
				return nil, false
			}
			depth++
		case ")":
			if wantTerm || depth == 0 {
				return nil, false
			}
			depth--
		case "AND", "OR":
			if wantTerm {
				return nil, false
			}
			wantTerm = true
		case "WITH":
			if !was || i+1 >= len(toks) || toks[i+1] == "(" || toks[i+1] == ")" {
				return nil, false
			}
			i++
			terms[len(terms)-1] += " WITH " + toks[i]
		default:
			if !wantTerm {
				return nil, false
			}
			terms = append(terms, tok)
			wantTerm, afterTerm = false, true
		}
	}
	if wantTerm || depth != 0 {
		return nil, false
	}
	out := terms[:0]
	for _, t := range terms {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, true
}

// readTerms reads license terms as the policy writes them: an id,
// optionally with "+" or -or-later, optionally "WITH" an exception.
func readTerms(terms []string) *facts {
	f := &facts{}
	rank := -1
	var proprietary []string
	for _, t := range terms {
		info, known := lookup(t)
		if r := categoryRank(info.Category); r > rank {
			rank, f.category = r, info.Category
		}
		switch {
		case !known || info.Category == knowledge.Unknown:
			f.unknown = append(f.unknown, t)
		case info.Category == knowledge.Proprietary:
			proprietary = append(proprietary, t)
		}
		if info.Has(knowledge.Attribution) {
			f.attribution = append(f.attribution, t)
		}
		if info.Has(knowledge.DiscloseSource) {
			if info.Reach == knowledge.ReachProgram {
				f.program = append(f.program, t)
			} else {
				f.component = append(f.component, t)
				f.library = f.library || info.Reach == knowledge.ReachLibrary
			}
		}
		if info.Has(knowledge.NetworkUseDisclose) {
			f.network = append(f.network, t)
		}
	}
	switch {
	case len(f.unknown) > 0:
		f.unknownReason = list(f.unknown) + " " + plural(len(f.unknown), "is not a license", "are not licenses") +
			" whose terms ospo knows; read " + plural(len(f.unknown), "its text", "their texts") + " to learn what " +
			plural(len(f.unknown), "it asks", "they ask") + "."
		f.unknown = append(f.unknown, proprietary...)
	case len(proprietary) > 0:
		f.unknown = proprietary
		f.unknownReason = list(proprietary) + " " + plural(len(proprietary), "is a proprietary or source-available license", "are proprietary or source-available licenses") +
			": " + plural(len(proprietary), "its", "their") + " own terms say what must ship and what may not be done."
	}
	if rank < 0 {
		f.category = knowledge.Unknown
	}
	return f
}

// lookup reads one term; "X WITH Y" takes the exception into account.
func lookup(t string) (knowledge.Info, bool) {
	if id, exc, ok := strings.Cut(t, " WITH "); ok {
		id, exc = strings.TrimSpace(id), strings.TrimSpace(exc)
		_, known := knowledge.Lookup(id)
		return knowledge.With(id, exc), known
	}
	return knowledge.Lookup(strings.TrimSpace(t))
}

// categoryRank orders categories from the least to the most demanding, in
// the order knowledge lists them; unknown is last, since it could be
// anything.
func categoryRank(c knowledge.Category) int {
	for i, k := range knowledge.Categories() {
		if k == c {
			return i
		}
	}
	return len(knowledge.Categories())
}

func attributionReason(terms []string, model knowledge.DistributionModel) string {
	n := len(terms)
	s := list(terms) + " " + plural(n, "asks", "ask") + " that " + plural(n, "its", "their") +
		" copyright and license " + plural(n, "notice ship", "notices ship") +
		" with every copy of the program, in source or binary form."
	return s + notYet(model, false)
}

func componentReason(terms []string, library bool, model knowledge.DistributionModel) string {
	n := len(terms)
	var s string
	if library {
		s = list(terms) + " " + plural(n, "keeps", "keep") + " the library open: whoever receives the program must be offered " +
			"this component's source, with any changes made to it, and be able to replace it; code that only uses it keeps its own license."
	} else {
		s = list(terms) + " " + plural(n, "keeps", "keep") + " its files open: whoever receives the program must be able to get " +
			"the source of this component's files, with any changes made to them; other files keep their own license."
	}
	return s + notYet(model, false)
}

func programReason(terms []string, model knowledge.DistributionModel, network bool) string {
	n := len(terms)
	s := list(terms) + " " + plural(n, "covers", "cover") + " the whole program the component is part of: whoever receives it " +
		"must be offered the source of all of it, under " + plural(n, "that license", "those licenses") + "."
	return s + notYet(model, network)
}

func networkReason(terms []string, model knowledge.DistributionModel) string {
	n := len(terms)
	s := list(terms) + " " + plural(n, "has a network clause", "have network clauses") +
		": users who interact with the program over a network are owed its complete source, even if it is never distributed."
	if model == knowledge.Internal {
		s += " Used only inside the organisation, nobody else is owed it yet."
	}
	return s
}

// notYet says why an obligation is not set off under model.
func notYet(model knowledge.DistributionModel, network bool) string {
	switch model {
	case knowledge.Internal:
		return " It applies once the program leaves the organisation; used only inside it, nothing is passed on."
	case knowledge.SaaS:
		if network {
			return ""
		}
		return " It applies once copies of the program are handed out; run as a service, none are."
	}
	return ""
}

func list(terms []string) string {
	switch len(terms) {
	case 0:
		return ""
	case 1:
		return terms[0]
	}
	return strings.Join(terms[:len(terms)-1], ", ") + " and " + terms[len(terms)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func quote(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return `"` + s + `"`
}
