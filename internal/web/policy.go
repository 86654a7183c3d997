package web

import (
	"net/http"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
)

// policyView is the policy page and GET /api/v1/policy: the rules as
// written, and what they decide for each license category in each
// distribution model, with the reason the policy itself gives.
type policyView struct {
	// Path is the policy file, "" for the built-in defaults.
	Path string `json:"path,omitempty"`
	// Distribution is the project distribution the file sets, "" when
	// none (each project's own then applies, else distributed).
	Distribution string            `json:"distribution,omitempty"`
	Outbound     string            `json:"outbound,omitempty"`
	Models       []string          `json:"models"`
	Categories   []categoryRule    `json:"categories"`
	Licenses     policy.Lists      `json:"licenses"`
	Exceptions   []exceptionView   `json:"exceptions"`
	Vulns        vulnRules         `json:"vulnerabilities"`
	Contribute   policy.Contribute `json:"contribute"`
}

// categoryRule is what the policy decides for one license category.
type categoryRule struct {
	Category string `json:"category"`
	// Example is the license the policy was asked about.
	Example string `json:"example"`
	// Set is the verdict the policy file sets for the category, "" when
	// it leaves it to the defaults.
	Set       string          `json:"set,omitempty"`
	Decisions []modelDecision `json:"decisions"`
}

// modelDecision is the policy's answer in one distribution model.
type modelDecision struct {
	Model   string `json:"model"`
	Verdict string `json:"verdict"`
	Rule    string `json:"rule"`
	Reason  string `json:"reason"`
}

// exceptionView is an exception with its number and whether it has
// expired.
type exceptionView struct {
	Number int `json:"number"`
	policy.Exception
	Expired bool `json:"expired"`
}

// vulnRules are the vulnerability thresholds and ignore list.
type vulnRules struct {
	Deny   string           `json:"deny"`
	Review string           `json:"review"`
	Ignore []vulnIgnoreView `json:"ignore"`
}

type vulnIgnoreView struct {
	policy.VulnIgnore
	Expired bool `json:"expired"`
}

// categoryExamples are well-known licenses of each category; a category
// whose example is not in the knowledge base takes the first license it
// has of that category.
var categoryExamples = map[knowledge.Category]string{
	knowledge.PublicDomain:    "CC0-1.0",
	knowledge.Permissive:      "MIT",
	knowledge.WeakCopyleft:    "MPL-2.0",
	knowledge.StrongCopyleft:  "GPL-3.0-only",
	knowledge.NetworkCopyleft: "AGPL-3.0-only",
	knowledge.NonCommercial:   "CC-BY-NC-4.0",
	knowledge.Proprietary:     knowledge.ProprietaryRef,
	knowledge.Unknown:         "LicenseRef-unknown",
}

func categoryExample(c knowledge.Category) string {
	if id, ok := categoryExamples[c]; ok {
		if info, _ := knowledge.Lookup(id); info.Category == c {
			return id
		}
	}
	for _, info := range knowledge.Licenses() {
		if info.Category == c {
			return info.ID
		}
	}
	return "LicenseRef-unknown"
}

// examplePackage is the name the policy is asked about; no exception
// names it.
const examplePackage = "ospo-policy-example"

// policyView asks the policy what it decides for an example license of
// each category under each distribution model: the answers, rules and
// reasons are the evaluator's own, not a second copy of its logic here.
func (s *Server) policyView() policyView {
	p := s.cfg.Policy
	now := s.now()
	v := policyView{Path: s.cfg.PolicyPath, Distribution: string(p.Project.Distribution), Outbound: p.Project.License,
		Licenses: p.Licenses, Contribute: p.Contribute,
		Vulns: vulnRules{Deny: orDefault(p.Vulnerabilities.Deny, "critical"), Review: orDefault(p.Vulnerabilities.Review, "low")}}
	if v.Path == "" {
		v.Path = p.Path
	}
	for _, m := range knowledge.Models() {
		v.Models = append(v.Models, string(m))
	}
	for _, c := range knowledge.Categories() {
		rule := categoryRule{Category: string(c), Example: categoryExample(c), Set: string(p.Categories[c])}
		comp := &inventory.Component{Ecosystem: "npm", Name: examplePackage, Version: "1.0.0",
			License: inventory.License{Expression: rule.Example, Source: "declared"}}
		for _, m := range knowledge.Models() {
			res := policy.Evaluate([]*inventory.Component{comp}, policy.Context{Distribution: m}, p, now)
			d := res.Decisions[0]
			rule.Decisions = append(rule.Decisions, modelDecision{Model: string(m), Verdict: string(d.Verdict), Rule: d.Rule, Reason: d.Reason})
		}
		v.Categories = append(v.Categories, rule)
	}
	for i, x := range p.Exceptions {
		v.Exceptions = append(v.Exceptions, exceptionView{Number: i + 1, Exception: x, Expired: x.Expired(now)})
	}
	for _, ig := range p.Vulnerabilities.Ignore {
		v.Vulns.Ignore = append(v.Vulns.Ignore, vulnIgnoreView{VulnIgnore: ig, Expired: ig.Expired(now)})
	}
	v.Exceptions, v.Vulns.Ignore = nonNil(v.Exceptions), nonNil(v.Vulns.Ignore)
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Server) policyPage(w http.ResponseWriter, r *http.Request) error {
	v := s.policyView()
	return s.list(w, r, "policy", "Policy", v, v, func() table { return policyTable(v) }, "policy")
}

func (s *Server) apiPolicy(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.policyView())
	return nil
}

// policyTable is the category decisions, one row per category and model.
func policyTable(v policyView) table {
	t := table{header: []string{"category", "example", "model", "verdict", "rule", "reason"}}
	for _, c := range v.Categories {
		for _, d := range c.Decisions {
			t.rows = append(t.rows, []string{c.Category, c.Example, d.Model, d.Verdict, d.Rule, d.Reason})
		}
	}
	return t
}
