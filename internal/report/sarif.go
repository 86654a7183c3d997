package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/scan"
	"ospo/internal/vuln"
)

// SARIF 2.1.0, as code scanning reads it: one rule per kind of finding, one
// result per finding, each pointing at the file a developer would change
// (the manifest that brings the component, the policy file that holds the
// exception), with a fingerprint that stays the same from run to run so
// that alerts are matched instead of reopened.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifFingerprint names ospo's fingerprint; its version part changes
	// if the way it is computed ever does.
	sarifFingerprint = "ospoFinding/v1"
)

// The rules, as indexes into sarifRules. Their ids are stable: code
// scanning keys alerts on them.
const (
	ruleDenied = iota
	ruleReview
	ruleUnknown
	ruleExceptionExpired
	ruleExceptionUnused
	ruleScanProblem
	ruleVulnerability
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name    string      `json:"name"`
	Version string      `json:"version,omitempty"`
	Rules   []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

// sarifVulnProps are what code scanning reads of a vulnerability result.
type sarifVulnProps struct {
	Ecosystem string   `json:"ecosystem"`
	Component string   `json:"component"`
	PURL      string   `json:"purl,omitempty"`
	ID        string   `json:"vulnerability"`
	Aliases   []string `json:"aliases,omitempty"`
	Severity  string   `json:"severity"`
	// SecuritySeverity is the CVSS base score as a string, the property
	// code scanning ranks security alerts by.
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Fixed            []string `json:"fixed,omitempty"`
	Upgrade          string   `json:"upgrade,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          any               `json:"properties,omitempty"`
}

type sarifResultProps struct {
	Ecosystem string `json:"ecosystem,omitempty"`
	Component string `json:"component,omitempty"`
	PURL      string `json:"purl,omitempty"`
	License   string `json:"license,omitempty"`
	Rule      string `json:"policyRule,omitempty"`
}

type sarifLocation struct {
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifMessage `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifRules are the rules, in the order of their index constants.
var sarifRules = [...]sarifRule{
	{
		ID: "license-denied", Name: "LicenseDenied",
		ShortDescription: sarifMessage{Text: "A dependency's license is denied by the license policy."},
		FullDescription: sarifMessage{Text: "The license policy does not allow this dependency's license for this project: " +
			"its category or id is denied, it is incompatible with the project's own license, or a policy exception denies the package."},
		Help: sarifMessage{
			Text: "Remove the dependency or replace it with one under an allowed license. If the dependency is needed and the " +
				"use is acceptable, ask the OSPO for a policy exception (package, versions, reason, owner, ticket, expiry) " +
				"in .ospo.yaml. The message names the rule that decided and the dependency path that brings the package in.",
			Markdown: "**Remove or replace the dependency**, or, if its use is acceptable, ask the OSPO for a policy exception in " +
				"`.ospo.yaml` (`package`, `versions`, `reason`, `owner`, `ticket`, `expires`).\n\n" +
				"The message names the rule that decided and the dependency path that brings the package in; " +
				"`ospo scan --format table` lists every violation with its path.",
		},
		DefaultConfiguration: sarifConfig{Level: "error"},
		Properties:           sarifRuleProps{Tags: []string{"license", "compliance"}},
	},
	{
		ID: "license-review", Name: "LicenseNeedsReview",
		ShortDescription: sarifMessage{Text: "A dependency's license needs a person's review before it is used."},
		FullDescription: sarifMessage{Text: "The license policy neither allows nor denies this dependency's license for this project, " +
			"or the license found is uncertain; the OSPO decides."},
		Help: sarifMessage{
			Text: "Ask the OSPO to review the dependency. The reviewer may add the license to the policy's lists or add a " +
				"policy exception for the package; the next scan then passes. Replacing the dependency also clears the finding.",
			Markdown: "Ask the OSPO to review the dependency. The reviewer may add the license to `licenses.allow` in " +
				"`.ospo.yaml`, or add a policy exception for the package. Replacing the dependency also clears the finding.",
		},
		DefaultConfiguration: sarifConfig{Level: "warning"},
		Properties:           sarifRuleProps{Tags: []string{"license", "compliance"}},
	},
	{
		ID: "license-unknown", Name: "LicenseUnknown",
		ShortDescription: sarifMessage{Text: "No usable license was found for a dependency."},
		FullDescription: sarifMessage{Text: "The dependency declares no license, a license that is not an SPDX expression, " +
			"or one that is not on the SPDX list, and no license text was recognised: nobody can tell yet whether it may be used."},
		Help: sarifMessage{
			Text: "Find the dependency's license (its repository, its package page, the files it ships). Then either record it " +
				"in a curation file (ospo scan --curations) so every scan knows it, or ask the OSPO for a policy exception.",
			Markdown: "Find the dependency's license (repository, package page, shipped files). Record it in a curation file " +
				"(`ospo scan --curations FILE`) so every scan knows it, or ask the OSPO for a policy exception.",
		},
		DefaultConfiguration: sarifConfig{Level: "warning"},
		Properties:           sarifRuleProps{Tags: []string{"license", "compliance"}},
	},
	{
		ID: "exception-expired", Name: "PolicyExceptionExpired",
		ShortDescription: sarifMessage{Text: "A policy exception has expired and no longer applies."},
		FullDescription: sarifMessage{Text: "The exception's expiry date has passed, so the package it names is decided by " +
			"the policy's rules again."},
		Help: sarifMessage{
			Text:     "Renew the exception with a new expiry date and a fresh reason, or remove it from the policy file.",
			Markdown: "Renew the exception (new `expires`, fresh `reason` and `ticket`) or remove it from the policy file.",
		},
		DefaultConfiguration: sarifConfig{Level: "warning"},
		Properties:           sarifRuleProps{Tags: []string{"license", "policy"}},
	},
	{
		ID: "exception-unused", Name: "PolicyExceptionUnused",
		ShortDescription: sarifMessage{Text: "A policy exception matches no dependency."},
		FullDescription: sarifMessage{Text: "No scanned component has the package and version the exception names; the " +
			"package was removed or upgraded out of the exception's range."},
		Help: sarifMessage{
			Text:     "Remove the exception, or widen its version range if the newer version needs the same decision.",
			Markdown: "Remove the exception, or widen its `versions` range if the newer version needs the same decision.",
		},
		DefaultConfiguration: sarifConfig{Level: "note"},
		Properties:           sarifRuleProps{Tags: []string{"license", "policy"}},
	},
	{
		ID: "scan-problem", Name: "ScanProblem",
		ShortDescription: sarifMessage{Text: "A file could not be read or understood during the scan."},
		FullDescription: sarifMessage{Text: "The scan went on without this file, so the components it would have listed may be " +
			"missing from the results."},
		Help: sarifMessage{
			Text:     "Fix or regenerate the file (reinstall the dependencies, rewrite the lockfile) and scan again.",
			Markdown: "Fix or regenerate the file (reinstall the dependencies, rewrite the lockfile) and scan again.",
		},
		DefaultConfiguration: sarifConfig{Level: "warning"},
		Properties:           sarifRuleProps{Tags: []string{"license", "scan"}},
	},
	{
		ID: "known-vulnerability", Name: "KnownVulnerability",
		ShortDescription: sarifMessage{Text: "A dependency has a known vulnerability."},
		FullDescription: sarifMessage{Text: "The offline OSV database lists a vulnerability that affects this version of the " +
			"dependency; the message says which rule of which record matched, and which versions fix it."},
		Help: sarifMessage{
			Text: "Upgrade the dependency to the version the message names (the smallest that fixes every known vulnerability " +
				"of the package). If the vulnerability cannot be reached in this project, record that judgement in .ospo.yaml " +
				"under vulnerabilities.ignore with a reason, an owner and an expiry.",
			Markdown: "**Upgrade the dependency** to the version the message names (the smallest that fixes every known " +
				"vulnerability of the package). If the vulnerability cannot be reached here, record that judgement in " +
				"`.ospo.yaml` under `vulnerabilities.ignore` (`id`, `reason`, `owner`, `expires`).",
		},
		DefaultConfiguration: sarifConfig{Level: "warning"},
		Properties:           sarifRuleProps{Tags: []string{"security", "vulnerability"}},
	},
}

// newResult starts a result of rule at the rule's level, fingerprinted by
// what identifies the thing found.
func newResult(rule int, text string, id ...string) sarifResult {
	r := sarifRules[rule]
	return sarifResult{
		RuleID: r.ID, RuleIndex: rule, Level: r.DefaultConfiguration.Level,
		Message:             sarifMessage{Text: text},
		PartialFingerprints: fingerprint(r.ID, id...),
	}
}

func writeSARIF(w io.Writer, r *scan.Result, o Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(newSARIF(newView(r), o))
}

func newSARIF(v *view, o Options) sarifLog {
	r := v.r
	name := o.Tool.Name
	if name == "" {
		name = "ospo"
	}
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: name, Version: o.Tool.Version, Rules: sarifRules[:]}},
		Results: []sarifResult{},
	}
	for _, i := range v.violations {
		d := v.decisions[i]
		if d.License != nil {
			// The vulnerabilities decided; the results below say so. The
			// license's own verdict is shown when it asks something too.
			if d.License.Verdict == policy.Allow {
				continue
			}
			d.Verdict, d.Rule, d.Reason = d.License.Verdict, d.License.Rule, d.License.Reason
		} else if strings.HasPrefix(d.Rule, "vulnerabilities.") {
			continue
		}
		run.Results = append(run.Results, v.decisionResult(r.Components[i], d))
	}
	for i, c := range r.Components {
		res := v.vulns(i)
		if res == nil {
			continue
		}
		ignored := ignoredOf(r, i)
		for _, f := range res.Findings {
			if _, ok := ignored[f.ID]; ok {
				continue
			}
			run.Results = append(run.Results, v.vulnResult(c, res, f))
		}
	}
	if r.Decisions != nil {
		policyURI := o.PolicyPath
		if policyURI == "" {
			policyURI = policy.FileName
		}
		for _, x := range r.Decisions.ExpiredExceptions {
			run.Results = append(run.Results, exceptionResult(ruleExceptionExpired, x, policyURI,
				fmt.Sprintf("Policy exception #%d for %s expired on %s and no longer applies; the package is decided by the policy's rules again.",
					x.Number, x.Package, x.Expires)))
		}
		for _, x := range r.Decisions.UnusedExceptions {
			run.Results = append(run.Results, exceptionResult(ruleExceptionUnused, x, policyURI,
				fmt.Sprintf("Policy exception #%d for %s%s matches no scanned component; remove it or widen its version range.",
					x.Number, x.Package, versionsSuffix(x.Versions))))
		}
	}
	for _, p := range r.Problems {
		res := newResult(ruleScanProblem, oneLine(p.Path+": "+p.Message), p.Path)
		res.Locations = []sarifLocation{fileLocation(p.Path, 1)}
		run.Results = append(run.Results, res)
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// decisionResult is the finding for one denied or to-review component.
func (v *view) decisionResult(c *inventory.Component, d policy.Decision) sarifResult {
	rule, verb := ruleReview, "needs review"
	switch {
	case d.Verdict == policy.Deny:
		rule, verb = ruleDenied, "is denied"
	case unknownLicense(c, d):
		rule = ruleUnknown
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s package %s (%s) %s. %s", c.Ecosystem, c.Ref(), licenseShown(c, &d), verb, oneLine(d.Reason))
	if p := firstPath(c); p != "" {
		fmt.Fprintf(&msg, " Dependency path: %s.", p)
	}
	if d.Rule != "" {
		fmt.Fprintf(&msg, " Rule: %s.", d.Rule)
	}
	res := newResult(rule, msg.String(), c.Key())
	res.Properties = &sarifResultProps{
		Ecosystem: c.Ecosystem, Component: c.Ref(), PURL: c.PURL, License: licenseOf(c), Rule: d.Rule,
	}
	// The manifest of the first project that brings the component is where
	// a developer acts; other projects that bring it are related.
	projects := v.projectsOf(c)
	for i, p := range projects {
		loc := fileLocation(p.Path, 1)
		if i == 0 {
			res.Locations = []sarifLocation{loc}
			continue
		}
		if i > maxRelated {
			break
		}
		loc.ID = i
		loc.Message = &sarifMessage{Text: "Also brought in by " + p.Path + "."}
		res.RelatedLocations = append(res.RelatedLocations, loc)
	}
	if len(projects) == 0 && len(c.Locations) > 0 {
		res.Locations = []sarifLocation{fileLocation(c.Locations[0], 1)}
	}
	return res
}

// vulnResult is the finding for one vulnerability of one component, at a
// level that follows its severity.
func (v *view) vulnResult(c *inventory.Component, res *vuln.Result, f vuln.Finding) sarifResult {
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s package %s has %s %s", c.Ecosystem, c.Ref(), f.Severity.Level, f.ID)
	if len(f.Aliases) > 0 {
		fmt.Fprintf(&msg, " (%s)", strings.Join(f.Aliases, ", "))
	}
	if f.Summary != "" {
		fmt.Fprintf(&msg, ": %s", oneLine(f.Summary))
	}
	fmt.Fprintf(&msg, ". %s.", oneLine(f.Why))
	switch {
	case res.Upgrade != "":
		fmt.Fprintf(&msg, " Upgrade to %s.", res.Upgrade)
	case len(f.Fixed) == 0:
		msg.WriteString(" No fixed version is known.")
	}
	if p := firstPath(c); p != "" {
		fmt.Fprintf(&msg, " Dependency path: %s.", p)
	}
	out := newResult(ruleVulnerability, msg.String(), c.Key(), f.ID)
	switch f.Severity.Level {
	case vuln.Critical, vuln.High:
		out.Level = "error"
	case vuln.Medium, vuln.Unknown:
		out.Level = "warning"
	default:
		out.Level = "note"
	}
	props := &sarifVulnProps{Ecosystem: c.Ecosystem, Component: c.Ref(), PURL: c.PURL, ID: f.ID, Aliases: f.Aliases,
		Severity: string(f.Severity.Level), Fixed: f.Fixed, Upgrade: res.Upgrade}
	if f.Severity.Score > 0 {
		props.SecuritySeverity = fmt.Sprintf("%.1f", f.Severity.Score)
	}
	out.Properties = props
	if projects := v.projectsOf(c); len(projects) > 0 {
		out.Locations = []sarifLocation{fileLocation(projects[0].Path, 1)}
	} else if len(c.Locations) > 0 {
		out.Locations = []sarifLocation{fileLocation(c.Locations[0], 1)}
	}
	return out
}

// maxRelated bounds the related locations of one result; a package shared
// by a hundred workspaces does not need a hundred pointers.
const maxRelated = 10

// unknownLicense reports whether the component is to be reviewed because
// its license is not known, rather than because the policy asks for review.
func unknownLicense(c *inventory.Component, d policy.Decision) bool {
	switch strings.ToUpper(strings.TrimSpace(c.License.Expression)) {
	case "", "NOASSERTION", "NONE":
		return true
	}
	if len(d.Licenses) == 0 {
		return true // not an SPDX expression
	}
	for _, l := range d.Licenses {
		id, _, _ := strings.Cut(l, " WITH ")
		if info, ok := knowledge.Lookup(strings.TrimSpace(id)); !ok || info.Category == knowledge.Unknown {
			return true
		}
	}
	return false
}

func exceptionResult(rule int, x policy.ExceptionRef, policyURI, text string) sarifResult {
	res := newResult(rule, text, x.Package, x.Versions, string(x.Decision))
	res.Locations = []sarifLocation{fileLocation(policyURI, max(x.Line, 1))}
	return res
}

func versionsSuffix(v string) string {
	if v == "" || v == "*" {
		return ""
	}
	return " " + v
}

// fileLocation points at a file as the scan shows it: relative to where
// ospo ran (the repository root in CI), or an absolute file URI.
func fileLocation(path string, line int) sarifLocation {
	return sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: fileURI(path)},
		Region:           sarifRegion{StartLine: line},
	}}
}

func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive path
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return (&url.URL{Path: p}).String()
}

// fingerprint is stable for the same finding on the same thing: the rule
// and what identifies the component, exception or file, never the message
// or the line, which may change without the finding changing.
func fingerprint(rule string, parts ...string) map[string]string {
	h := sha256.New()
	h.Write([]byte(rule))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return map[string]string{sarifFingerprint: hex.EncodeToString(h.Sum(nil))[:32]}
}
