package policy

import (
	"time"

	"ospo/internal/license/knowledge"
)

// Verdict is the answer for one component.
type Verdict string

// The verdicts, from the best to the worst.
const (
	Allow  Verdict = "allow"
	Review Verdict = "review"
	Deny   Verdict = "deny"
)

// Valid reports whether v is one of the verdicts.
func (v Verdict) Valid() bool { return v == Allow || v == Review || v == Deny }

// rank orders verdicts so that the worst has the highest rank.
func (v Verdict) rank() int {
	switch v {
	case Allow:
		return 0
	case Review:
		return 1
	}
	return 2
}

// Worse returns the worse of two verdicts.
func Worse(a, b Verdict) Verdict {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Policy is an organisation's license policy, as read from .ospo.yaml.
// The zero Policy is valid and means the defaults (see Default).
type Policy struct {
	// Path is the file the policy was read from, "" for the defaults.
	Path string `yaml:"-" json:"path,omitempty"`

	Project    Project                        `yaml:"project" json:"project"`
	Licenses   Lists                          `yaml:"licenses" json:"licenses"`
	Categories map[knowledge.Category]Verdict `yaml:"categories" json:"categories,omitempty"`
	Exceptions []Exception                    `yaml:"exceptions" json:"exceptions,omitempty"`
	Contribute Contribute                     `yaml:"contribute" json:"contribute"`
	// Vulnerabilities decide components by their known vulnerabilities.
	Vulnerabilities Vulnerabilities `yaml:"vulnerabilities" json:"vulnerabilities"`
}

// Project is the context the policy decides for.
type Project struct {
	// Distribution is how the project reaches its users; empty means
	// distributed, the most demanding.
	Distribution knowledge.DistributionModel `yaml:"distribution" json:"distribution,omitempty"`
	// License is the project's own (outbound) license, an SPDX
	// expression; when set, every dependency is checked for
	// compatibility with it.
	License string `yaml:"license" json:"license,omitempty"`
	Owner   string `yaml:"owner" json:"owner,omitempty"`
}

// Lists are the license rules by id. An entry is one SPDX license id,
// optionally with -or-later or "+", optionally "WITH" an exception, a
// LicenseRef, or "category:NAME".
type Lists struct {
	Allow  []string `yaml:"allow" json:"allow,omitempty"`
	Review []string `yaml:"review" json:"review,omitempty"`
	Deny   []string `yaml:"deny" json:"deny,omitempty"`
}

// Exception is a decision about one package, whatever its license says.
type Exception struct {
	// Package is a package URL (pkg:npm/lodash) or a package name as the
	// ecosystem writes it (lodash, @babel/core, github.com/x/y).
	Package string `yaml:"package" json:"package"`
	// Versions is a version range: "" or "*" for all, "1.2.3", ">=1.0.0
	// <2.0.0", "1.x", alternatives joined by "||".
	Versions string  `yaml:"versions" json:"versions,omitempty"`
	Decision Verdict `yaml:"decision" json:"decision"`
	Reason   string  `yaml:"reason" json:"reason"`
	Owner    string  `yaml:"owner" json:"owner,omitempty"`
	Ticket   string  `yaml:"ticket" json:"ticket,omitempty"`
	// Expires is the last day (YYYY-MM-DD, UTC) the exception applies;
	// empty for never.
	Expires string `yaml:"expires" json:"expires,omitempty"`
	// Line is where the exception starts in the policy file.
	Line int `yaml:"-" json:"line,omitempty"`
}

// Expired reports whether the exception no longer applies at now: it
// applies through the whole day it names.
func (e Exception) Expired(now time.Time) bool {
	if e.Expires == "" {
		return false
	}
	day, err := time.Parse(time.DateOnly, e.Expires)
	if err != nil {
		// Load refuses bad dates; a hand-built policy with one is
		// treated as expired, the safe side.
		return true
	}
	return !now.UTC().Before(day.AddDate(0, 0, 1))
}

// Contribute holds the rules for contributing to other projects, used by
// `ospo check --contribute`.
type Contribute struct {
	// Licenses are the licenses (and categories) under which developers
	// may contribute without asking.
	Licenses []string `yaml:"licenses" json:"licenses,omitempty"`
	// CLAs are contributor license agreements approved by name.
	CLAs []string `yaml:"clas" json:"clas,omitempty"`
	// DCO is the verdict for projects that ask for a Developer
	// Certificate of Origin sign-off; empty means allow.
	DCO Verdict `yaml:"dco" json:"dco,omitempty"`
}

// Default returns the zero-setup policy: no lists, no exceptions, the
// distribution model unset (read as distributed), and the categories
// decided by DefaultVerdict.
func Default() *Policy { return &Policy{} }

// DefaultModel is the distribution model used when neither the policy nor
// the context names one: the most demanding, so that nothing is allowed
// that a distributed product could not use.
const DefaultModel = knowledge.Distributed

// DefaultVerdict is the verdict for a license category when the policy
// does not set one, for a project distributed as model whose own license
// is of category outbound ("" when the project license is not set).
//
//	category          internal  saas    distributed  library
//	public-domain     allow     allow   allow        allow
//	permissive        allow     allow   allow        allow
//	weak-copyleft     allow     allow   review       review
//	strong-copyleft   review    review  deny         review
//	network-copyleft  review    deny    deny         review
//	non-commercial    deny      deny    deny         deny
//	proprietary       review    review  review       review
//	unknown           review    review  review       review
//
// Strong copyleft is denied in a distributed product because it would put
// the whole product under its terms; a library only passes the question on
// to its users, so it is reviewed. Network copyleft is as strict as strong
// copyleft when distributed, and denied as a service, where its network
// clause bites. When the project's own license is a strong copyleft,
// strong copyleft dependencies are allowed (compatibility then decides,
// GPL-2.0-only against GPL-3.0 for instance) and network copyleft ones
// reviewed; when it is a network copyleft, both are allowed.
func DefaultVerdict(cat knowledge.Category, model knowledge.DistributionModel, outbound knowledge.Category) Verdict {
	if !model.Valid() {
		model = DefaultModel
	}
	switch cat {
	case knowledge.PublicDomain, knowledge.Permissive:
		return Allow
	case knowledge.WeakCopyleft:
		if model == knowledge.Internal || model == knowledge.SaaS {
			return Allow
		}
		return Review
	case knowledge.StrongCopyleft:
		if outbound == knowledge.StrongCopyleft || outbound == knowledge.NetworkCopyleft {
			return Allow
		}
		if model == knowledge.Distributed {
			return Deny
		}
		return Review
	case knowledge.NetworkCopyleft:
		switch outbound {
		case knowledge.NetworkCopyleft:
			return Allow
		case knowledge.StrongCopyleft:
			return Review
		}
		if model == knowledge.SaaS || model == knowledge.Distributed {
			return Deny
		}
		return Review
	case knowledge.NonCommercial:
		return Deny
	}
	return Review
}
