// Package risk scores components and projects. A component's score adds
// four parts, each with a ceiling and a reason: its known
// vulnerabilities, its license decision, the health of the repository it
// comes from and how far it lags the newest release. A project's score
// is the sum of its components' scores times its criticality. Every part
// whose input is missing says so ("unknown") instead of counting as
// safe. The weights are configurable; docs/risk.md gives the formula.
//
// Dependency-Track's score (10·critical + 5·high + 3·medium + 1·low +
// 5·unassigned) is computed beside it for comparison.
//
// The package also measures staleness from data held offline (release
// dates in the Go module cache, versions seen across the organisation)
// and ranks the upgrades that remove the most risk across projects.
// Everything here is a pure function of its inputs except the readers of
// the module cache and of configuration files.
package risk

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"ospo/internal/policy"
	"ospo/internal/vuln"
)

// Config holds the weights. The zero value is not useful; start from
// Default.
type Config struct {
	// Severity is the points each finding of a level adds.
	Severity map[vuln.Level]float64 `yaml:"severity" json:"severity"`
	// VulnerabilityCap caps the vulnerability part.
	VulnerabilityCap float64 `yaml:"vulnerabilityCap" json:"vulnerabilityCap"`
	// VulnerabilityUnknown is added when the component could not be
	// checked for vulnerabilities (Input.Unchecked) and none are known.
	VulnerabilityUnknown float64 `yaml:"vulnerabilityUnknown" json:"vulnerabilityUnknown"`
	// License is the points of a license verdict; "unknown" is used when
	// no policy decided the component and its license is unknown or
	// needs review, or when the verdict is not one of the policy's.
	License map[string]float64 `yaml:"license" json:"license"`
	// HealthPerPoint is the points per point the repository's health
	// score (0–10) lies below 10; HealthUnknown is added when there is
	// no score.
	HealthPerPoint float64 `yaml:"healthPerPoint" json:"healthPerPoint"`
	HealthUnknown  float64 `yaml:"healthUnknown" json:"healthUnknown"`
	// StalenessPerLibyear is the points per year the used release is
	// older than the newest; StalenessCap caps the part;
	// StalenessUnknown is added when the lag cannot be told.
	StalenessPerLibyear float64 `yaml:"stalenessPerLibyear" json:"stalenessPerLibyear"`
	StalenessCap        float64 `yaml:"stalenessCap" json:"stalenessCap"`
	StalenessUnknown    float64 `yaml:"stalenessUnknown" json:"stalenessUnknown"`
	// Criticality multiplies a project's sum (low, medium, high,
	// critical).
	Criticality map[string]float64 `yaml:"criticality" json:"criticality"`
}

// Default is the configuration used when none is given.
func Default() Config {
	return Config{
		Severity: map[vuln.Level]float64{
			vuln.Critical: 10, vuln.High: 5, vuln.Medium: 3, vuln.Low: 1, vuln.None: 0, vuln.Unknown: 5,
		},
		VulnerabilityCap:     40,
		VulnerabilityUnknown: 0,
		License:              map[string]float64{"deny": 30, "review": 15, "unknown": 15, "allow": 0},
		HealthPerPoint:       1.5,
		HealthUnknown:        0,
		StalenessPerLibyear:  3,
		StalenessCap:         15,
		StalenessUnknown:     0,
		Criticality:          map[string]float64{"low": 0.5, "medium": 1, "high": 1.5, "critical": 2},
	}
}

// Staleness is how far a component lags the newest release known.
type Staleness struct {
	// Libyears is the time between the used release and the newest one,
	// in years; nil when either release date is unknown.
	Libyears *float64 `json:"libyears,omitempty"`
	// Behind counts the known releases newer than the used one; -1 when
	// unknown.
	Behind int `json:"behind"`
	// Newest is the newest version known, "" when none; NewestAt is when
	// it was released, nil when unknown. A newest release long ago says
	// the project has had no maintainer activity since.
	Newest   string     `json:"newest,omitempty"`
	NewestAt *time.Time `json:"newestAt,omitempty"`
	// Why says where the dates came from, or why they are unknown.
	Why string `json:"why"`
}

// Input is what is known of one component.
type Input struct {
	// Findings are the component's vulnerabilities the policy does not
	// ignore.
	Findings []vuln.Finding
	// Unchecked says why the component could not be (fully) checked for
	// vulnerabilities (vuln.Result.Unchecked); "" when it was.
	Unchecked string
	// Verdict is the policy's decision, "" when none was made.
	Verdict policy.Verdict
	// NeedsReview and License describe the concluded license.
	NeedsReview bool
	License     string
	// Health is the repo-check score (0–10) of the component's source
	// repository, nil when unknown.
	Health    *float64
	Staleness Staleness
}

// Part is one factor of a score.
type Part struct {
	Factor  string  `json:"factor"`
	Points  float64 `json:"points"`
	Unknown bool    `json:"unknown,omitempty"`
	Why     string  `json:"why"`
}

// Score is a component's risk with its parts.
type Score struct {
	Total float64 `json:"total"`
	Parts []Part  `json:"parts"`
}

// The factors, in the order Parts lists them.
const (
	FactorVulnerabilities = "vulnerabilities"
	FactorLicense         = "license"
	FactorHealth          = "health"
	FactorStaleness       = "staleness"
)

// Component scores one component.
func (c Config) Component(in Input) Score {
	parts := []Part{c.vulnPart(in.Findings, in.Unchecked), c.licensePart(in), c.healthPart(in.Health), c.stalenessPart(in.Staleness)}
	var total float64
	for _, p := range parts {
		total += p.Points
	}
	return Score{Total: round(total), Parts: parts}
}

// CountLevels counts findings by level. A finding listed twice (same
// ID) counts once, and a level ospo does not know counts as unknown, so
// that an unreadable rating is never taken as harmless.
func CountLevels(fs []vuln.Finding) map[vuln.Level]int {
	counts := make(map[vuln.Level]int, len(vuln.Levels))
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if f.ID != "" {
			if seen[f.ID] {
				continue
			}
			seen[f.ID] = true
		}
		counts[levelOf(f)]++
	}
	return counts
}

// levelOf is a finding's level, unknown when it is not one of vuln.Levels.
func levelOf(f vuln.Finding) vuln.Level {
	if slices.Contains(vuln.Levels, f.Severity.Level) {
		return f.Severity.Level
	}
	return vuln.Unknown
}

// describeLevels writes counts as "2 critical, 1 high", most severe first.
func describeLevels(counts map[vuln.Level]int) string {
	var desc []string
	for _, l := range vuln.Levels {
		if n := counts[l]; n > 0 {
			desc = append(desc, fmt.Sprintf("%d %s", n, l))
		}
	}
	return strings.Join(desc, ", ")
}

func (c Config) vulnPart(fs []vuln.Finding, unchecked string) Part {
	if len(fs) == 0 {
		if unchecked != "" {
			return Part{Factor: FactorVulnerabilities, Points: c.VulnerabilityUnknown, Unknown: true, Why: "not checked: " + unchecked}
		}
		return Part{Factor: FactorVulnerabilities, Why: "no known vulnerabilities"}
	}
	counts := CountLevels(fs)
	var pts float64
	for l, n := range counts {
		pts += float64(n) * c.Severity[l]
	}
	why := describeLevels(counts)
	if pts > c.VulnerabilityCap {
		why += fmt.Sprintf(" (%s points, capped at %s)", num(pts), num(c.VulnerabilityCap))
		pts = c.VulnerabilityCap
	}
	if unchecked != "" {
		why += "; not fully checked: " + unchecked
	}
	return Part{Factor: FactorVulnerabilities, Points: round(pts), Why: why}
}

func (c Config) licensePart(in Input) Part {
	key := string(in.Verdict)
	why := ""
	switch {
	case key != "" && !in.Verdict.Valid():
		key, why = "unknown", fmt.Sprintf("policy verdict %q is not allow, review or deny", in.Verdict)
	case key == "" && (in.License == "" || in.License == "NOASSERTION"):
		key, why = "unknown", "no policy decision and no license is known"
	case key == "" && in.NeedsReview:
		key, why = "unknown", "no policy decision and license "+in.License+" needs review"
	case key == "":
		key, why = "allow", "no policy decision; license "+in.License+" is known"
	default:
		why = "policy verdict " + key + " for " + orNone(in.License)
	}
	return Part{Factor: FactorLicense, Points: c.License[key], Unknown: key == "unknown", Why: why}
}

func (c Config) healthPart(h *float64) Part {
	if h == nil || math.IsNaN(*h) {
		return Part{Factor: FactorHealth, Points: c.HealthUnknown, Unknown: true, Why: "no repository health score"}
	}
	s := math.Max(0, math.Min(10, *h))
	return Part{Factor: FactorHealth, Points: round((10 - s) * c.HealthPerPoint), Why: fmt.Sprintf("repository health %.1f/10", s)}
}

func (c Config) stalenessPart(s Staleness) Part {
	if s.Libyears == nil || math.IsNaN(*s.Libyears) {
		return Part{Factor: FactorStaleness, Points: c.StalenessUnknown, Unknown: true, Why: orNone(s.Why)}
	}
	years := math.Max(0, *s.Libyears)
	if years == 0 && s.Behind <= 0 {
		return Part{Factor: FactorStaleness, Why: "up to date with " + orNone(s.Newest)}
	}
	pts := years * c.StalenessPerLibyear
	why := fmt.Sprintf("%.1f libyears behind %s", years, orNone(s.Newest))
	if s.Behind > 0 {
		why += " (" + plural(s.Behind, "newer release") + ")"
	}
	if pts > c.StalenessCap {
		why += fmt.Sprintf(" (%s points, capped at %s)", num(pts), num(c.StalenessCap))
		pts = c.StalenessCap
	}
	return Part{Factor: FactorStaleness, Points: round(pts), Why: why}
}

// Project is a project's risk: the sum of its components' scores times
// the criticality's multiplier (1 for an unknown criticality). The
// criticality is matched without regard to case or surrounding space.
func (c Config) Project(criticality string, components []Score) float64 {
	var sum float64
	for _, s := range components {
		sum += s.Total
	}
	m, ok := c.Criticality[strings.ToLower(strings.TrimSpace(criticality))]
	if !ok {
		m = 1
	}
	return round(sum * m)
}

// ProjectWithHealth is a project's risk counting its own repository's
// health too: the components' scores plus the health part of the
// project's repository (health, 0–10, nil when unknown), times the
// criticality's multiplier. It equals Project when the health is unknown
// and HealthUnknown is 0.
func (c Config) ProjectWithHealth(criticality string, components []Score, health *float64) float64 {
	own := Score{Total: c.healthPart(health).Points}
	return c.Project(criticality, append(components[:len(components):len(components)], own))
}

// Health is the health part for a repository score (0–10), or the
// unknown part when health is nil.
func (c Config) Health(health *float64) Part { return c.healthPart(health) }

// DependencyTrack is Dependency-Track's inherited risk score of the
// findings counted by level: 10·critical + 5·high + 3·medium + 1·low +
// 5·unassigned (unknown). "none" counts nothing.
func DependencyTrack(counts map[vuln.Level]int) float64 {
	return float64(10*counts[vuln.Critical] + 5*counts[vuln.High] + 3*counts[vuln.Medium] + counts[vuln.Low] + 5*counts[vuln.Unknown])
}

func round(f float64) float64 { return math.Round(f*10) / 10 }

// plural writes "1 project", "2 projects".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// num prints a number of points with one decimal at most ("12", "12.5").
func num(f float64) string { return strconv.FormatFloat(round(f), 'f', -1, 64) }

func orNone(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
