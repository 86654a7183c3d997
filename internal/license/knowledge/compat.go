package knowledge

import (
	"fmt"
	"strings"
)

// DistributionModel is how a project reaches its users; it decides which
// license conditions are triggered at all.
type DistributionModel string

// The distribution models.
const (
	// Internal: used only inside the organisation; nothing is passed on.
	Internal DistributionModel = "internal"
	// SaaS: run as a service for others; the code is not passed on, but
	// network clauses (AGPL) are triggered.
	SaaS DistributionModel = "saas"
	// Distributed: binaries or sources are handed to others (an app, an
	// appliance, a download).
	Distributed DistributionModel = "distributed"
	// Library: published for others to build on; treated as distributed.
	Library DistributionModel = "library"
)

// Models lists the distribution models in a stable order.
func Models() []DistributionModel {
	return []DistributionModel{Internal, SaaS, Distributed, Library}
}

// Valid reports whether m is one of the models.
func (m DistributionModel) Valid() bool {
	for _, k := range Models() {
		if m == k {
			return true
		}
	}
	return false
}

// Compat is the answer of Compatible.
type Compat string

// The answers of Compatible.
const (
	CompatYes     Compat = "yes"
	CompatNo      Compat = "no"
	CompatUnknown Compat = "unknown"
)

// Compatible says whether code under the license dep may be used in a
// project released under the license outbound, distributed as model, and
// why, in one sentence. Both licenses are single SPDX ids, optionally with
// "+" or " WITH exception"; expressions are the caller's to split. An
// empty or unknown model is read as Distributed, the most demanding.
//
// The rules, in order (see the package documentation for their sources):
//   - internal use passes nothing on, so no condition is triggered;
//   - a dependency whose license is unknown, proprietary or
//     non-commercial cannot be judged from its license id;
//   - the same license is always compatible;
//   - as a service, only licenses with a network clause are triggered;
//   - into a GNU GPL or AGPL project, the dependency must be combinable
//     with a GPL version the project can be distributed under (Apache-2.0
//     needs GPL-3.0; GPL-2.0-only and GPL-3.0 do not mix; -or-later picks
//     the version that works);
//   - permissive and public-domain code goes into anything else;
//   - weak copyleft goes into anything as long as it stays a separate
//     library or its files keep their license;
//   - strong and network copyleft cannot go into a project under another
//     license once it is distributed (or, for network copyleft, served);
//   - two different copyleft licenses outside the GPL family are left to
//     a person.
func Compatible(outbound, dep string, model DistributionModel) (Compat, string) {
	if !model.Valid() {
		model = Distributed
	}
	o := termInfo(outbound)
	d := termInfo(dep)
	if model == Internal {
		return CompatYes, fmt.Sprintf("%s is only used internally: nothing is passed on, so no condition of %s is triggered.", d.ID, d.ID)
	}
	switch d.Category {
	case Unknown:
		return CompatUnknown, fmt.Sprintf("%s is not a license ospo knows, so its compatibility with %s cannot be judged.", d.ID, o.ID)
	case Proprietary, NonCommercial:
		return CompatUnknown, fmt.Sprintf("%s is not an open source license (%s): whether it may be used depends on its own terms, not on %s.", d.ID, d.Category, o.ID)
	}
	if sameLicense(o.ID, d.ID) {
		return CompatYes, fmt.Sprintf("%s is the project's own license.", d.ID)
	}
	if model == SaaS && !d.Has(NetworkUseDisclose) {
		return CompatYes, fmt.Sprintf("Run as a service, nothing is distributed, and %s has no network clause.", d.ID)
	}
	if targets := gplTargets(o.ID); targets != nil {
		return intoGPL(o.ID, d, targets)
	}
	switch d.Category {
	case Permissive, PublicDomain:
		return CompatYes, fmt.Sprintf("%s is %s: it only asks for its notices, which fit a project under %s.", d.ID, article(d.Category), o.ID)
	case WeakCopyleft:
		switch o.Category {
		case StrongCopyleft, NetworkCopyleft:
			return CompatUnknown, fmt.Sprintf("%s and %s are different copyleft licenses outside the GNU family; whether they combine needs a person.", d.ID, o.ID)
		}
		return CompatYes, fmt.Sprintf("%s is a weak copyleft (%s reach): it fits a project under %s as long as it stays a separate %s under %s and its source is offered.", d.ID, reachOr(d.Reach, ReachFile), o.ID, unit(d.Reach), d.ID)
	case StrongCopyleft, NetworkCopyleft:
		switch o.Category {
		case StrongCopyleft, NetworkCopyleft:
			return CompatUnknown, fmt.Sprintf("%s and %s are different copyleft licenses outside the GNU family; whether they combine needs a person.", d.ID, o.ID)
		}
		if model == SaaS {
			return CompatNo, fmt.Sprintf("%s asks that users of the service get the source of the whole program under %s, which a project under %s cannot give.", d.ID, d.ID, o.ID)
		}
		return CompatNo, fmt.Sprintf("%s asks that the whole program be distributed under %s, which a project under %s cannot do.", d.ID, d.ID, o.ID)
	}
	return CompatUnknown, fmt.Sprintf("No rule covers %s in a project under %s.", d.ID, o.ID)
}

// intoGPL judges a dependency in a GNU GPL or AGPL project that may be
// distributed under the GPL versions in targets (2, 3).
func intoGPL(out string, d Info, targets []int) (Compat, string) {
	fits := func(v int) bool {
		for _, t := range targets {
			if t == v {
				return true
			}
		}
		return false
	}
	switch d.GPL {
	case "v2+v3":
		return CompatYes, fmt.Sprintf("%s may be combined into a work under %s.", d.ID, out)
	case "v2", "v3":
		need := 2
		if d.GPL == "v3" {
			need = 3
		}
		if fits(need) {
			if len(targets) > 1 {
				return CompatYes, fmt.Sprintf("%s needs GPL version %d; %s allows it, so the combined work is distributed under GPL-%d.0.", d.ID, need, out, need)
			}
			return CompatYes, fmt.Sprintf("%s may be combined into a work under %s.", d.ID, out)
		}
		return CompatNo, fmt.Sprintf("%s can only be combined into a work under GPL version %d, and %s does not allow that version.", d.ID, need, out)
	case "no":
		return CompatNo, fmt.Sprintf("%s cannot be combined into a work under %s: its terms conflict with the GNU GPL.", d.ID, out)
	}
	if d.Category == Permissive || d.Category == PublicDomain {
		return CompatYes, fmt.Sprintf("%s is %s and may be combined into a work under %s.", d.ID, article(d.Category), out)
	}
	return CompatUnknown, fmt.Sprintf("Whether %s may be combined into a work under %s is not known; it needs a person.", d.ID, out)
}

// gplTargets lists the GPL versions a work under id may be distributed
// under, or nil when id is not a GNU GPL or AGPL license.
func gplTargets(id string) []int {
	switch {
	case strings.HasPrefix(id, "GPL-1.0-or-later"), strings.HasPrefix(id, "GPL-2.0-or-later"):
		return []int{2, 3}
	case strings.HasPrefix(id, "GPL-2.0-only"):
		return []int{2}
	case strings.HasPrefix(id, "GPL-3.0"), strings.HasPrefix(id, "AGPL-3.0"):
		return []int{3}
	}
	return nil
}

// termInfo reads "id", "id+" or "id WITH exception", mapping deprecated
// ids to their replacement.
func termInfo(term string) Info {
	term = strings.TrimSpace(term)
	lic, exc := term, ""
	if i := indexFold(term, " WITH "); i >= 0 {
		lic, exc = strings.TrimSpace(term[:i]), strings.TrimSpace(term[i+6:])
	}
	info, ok := Lookup(lic)
	if ok && info.Deprecated && info.ReplacedBy != "" {
		r := info.ReplacedBy
		if i := indexFold(r, " WITH "); i >= 0 {
			if exc == "" {
				exc = strings.TrimSpace(r[i+6:])
			}
			r = r[:i]
		}
		if !strings.ContainsRune(r, ' ') {
			lic = r
		}
	} else if ok && strings.HasSuffix(lic, "+") {
		lic = info.ID
	}
	return With(lic, exc)
}

func indexFold(s, sub string) int {
	return strings.Index(strings.ToUpper(s), strings.ToUpper(sub))
}

// sameLicense compares two ids as one license, so that GPL-3.0-only and
// GPL-3.0-or-later count as the same.
func sameLicense(a, b string) bool {
	trim := func(s string) string {
		s = strings.ToUpper(s)
		for _, suf := range []string{"-OR-LATER", "-ONLY", "+"} {
			s = strings.TrimSuffix(s, suf)
		}
		return s
	}
	return trim(a) == trim(b)
}

func article(c Category) string {
	if c == PublicDomain {
		return "public domain"
	}
	return string(c)
}

func reachOr(r, def Reach) Reach {
	if r == "" {
		return def
	}
	return r
}

func unit(r Reach) string {
	if r == ReachLibrary {
		return "library"
	}
	return "set of files"
}
