// Package portfolio is the organisation's inventory: registered projects
// (own repositories and supplied software), every scan of each with its
// components, license decisions, vulnerabilities and risk, and the
// questions the portal answers from them — where a component is used,
// which projects a vulnerability affects, what changed, where risk sits.
// Everything is kept with its history; who changed what, when and why is
// appended to the events log, which is never rewritten.
package portfolio

import (
	"time"

	"ospo/internal/risk"
	"ospo/internal/vuln"
)

// Criticalities a project can have, least to most critical.
var Criticalities = []string{"low", "medium", "high", "critical"}

// Kinds of software a project can be (as in scans and SBOMs).
var Kinds = []string{"own", "vendor", "legacy", "proprietary"}

// Project is a registered project with the summary of its newest scan.
type Project struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Owner        string    `json:"owner"`
	Distribution string    `json:"distribution"`
	Criticality  string    `json:"criticality"`
	Kind         string    `json:"kind"`
	Supplier     string    `json:"supplier,omitempty"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"createdAt"`
	// Latest is the newest scan, nil before the first.
	Latest *Scan `json:"latest,omitempty"`
}

// Scan is one scan of a project, as counted when it was stored.
type Scan struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"projectId"`
	ScannedAt time.Time `json:"scannedAt"`
	// Origin says how the result came: job, upload, cli or demo.
	Origin     string `json:"origin"`
	Actor      string `json:"actor"`
	Tool       string `json:"tool"`
	Components int    `json:"components"`
	Allowed    int    `json:"allowed"`
	Review     int    `json:"review"`
	Denied     int    `json:"denied"`
	NoLicense  int    `json:"noLicense"`
	// Vulns counts the findings the policy does not ignore, by level.
	Vulns VulnCounts `json:"vulnerabilities"`
	// Health is the repository health score (0–10), nil when none.
	Health *float64 `json:"health,omitempty"`
	// Risk is ospo's project score; DTRisk is Dependency-Track's.
	Risk     float64  `json:"risk"`
	DTRisk   float64  `json:"dependencyTrackRisk"`
	Problems []string `json:"problems,omitempty"`
}

// VulnCounts counts findings by severity level.
type VulnCounts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Unknown  int `json:"unknown"`
}

// Total is the number of findings counted.
func (v VulnCounts) Total() int { return v.Critical + v.High + v.Medium + v.Low + v.Unknown }

// Levels returns the counts keyed by level.
func (v VulnCounts) Levels() map[vuln.Level]int {
	return map[vuln.Level]int{vuln.Critical: v.Critical, vuln.High: v.High, vuln.Medium: v.Medium, vuln.Low: v.Low, vuln.Unknown: v.Unknown}
}

// ComponentRef names a package version.
type ComponentRef struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl"`
}

// ProjectRef names a project.
type ProjectRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Usage is a component as one project's newest scan has it: where it
// is used, with the dependency paths that bring it in.
type Usage struct {
	Project   ProjectRef   `json:"project"`
	Component ComponentRef `json:"component"`
	License   string       `json:"license"`
	// NeedsReview is set when the license could not be concluded surely.
	NeedsReview bool       `json:"needsReview"`
	Verdict     string     `json:"verdict"`
	Reason      string     `json:"reason,omitempty"`
	Scope       string     `json:"scope"`
	Direct      bool       `json:"direct"`
	Paths       [][]string `json:"paths"`
	Findings    int        `json:"findings"`
	Upgrade     string     `json:"upgrade,omitempty"`
	// NewestRelease is when the newest release known was published, nil
	// when unknown.
	NewestRelease *time.Time `json:"newestRelease,omitempty"`
	Risk          float64    `json:"risk"`
	// RiskParts explains Risk.
	RiskParts []risk.Part `json:"riskParts,omitempty"`
}

// Finding is a vulnerability of a component in a project's newest scan.
type Finding struct {
	Project   ProjectRef   `json:"project"`
	Component ComponentRef `json:"component"`
	ID        string       `json:"id"`
	Aliases   []string     `json:"aliases,omitempty"`
	Severity  vuln.Level   `json:"severity"`
	Score     *float64     `json:"score,omitempty"`
	Summary   string       `json:"summary,omitempty"`
	Fixed     []string     `json:"fixed,omitempty"`
	// Ignored is the policy's reason for ignoring it, "" when it counts.
	Ignored string `json:"ignored,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Page is one page of a longer list, with the length of the whole list.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// ProjectFilter selects projects; empty fields select all.
type ProjectFilter struct {
	// Query matches a part of the name or owner.
	Query string
	Kind  string
	Owner string
	// Sort is "name" (default) or "risk" (highest first).
	Sort          string
	Limit, Offset int
}

// UsageQuery asks where components are used. Text is a package name
// ("lodash"), a name with a version or range ("lodash@4.17.20",
// "lodash@<4.17.21", "golang.org/x/net@>=0.1.0 <0.23.0"), or a package URL
// ("pkg:npm/lodash@4.17.20", versionless matching every version).
type UsageQuery struct {
	Text      string
	Ecosystem string
	// ProjectID limits the answer to one project when not zero.
	ProjectID     int64
	Limit, Offset int
}

// ComponentFilter selects components of the newest scans.
type ComponentFilter struct {
	ProjectID int64
	Ecosystem string
	// Query matches a part of the name.
	Query string
	// Verdict keeps components with this decision (allow, review, deny).
	Verdict string
	// NoLicense keeps components whose license is unknown (none or
	// NOASSERTION).
	NoLicense bool
	// Vulnerable keeps components with findings that count.
	Vulnerable bool
	// InactiveSince keeps components whose newest known release is older
	// than this (no maintainer activity since); zero keeps all. Components
	// whose release dates are unknown are not kept: ask for them with
	// ReleaseUnknown.
	InactiveSince time.Time
	// ReleaseUnknown keeps components whose newest release date is
	// unknown.
	ReleaseUnknown bool
	// Sort is "name" (default) or "risk".
	Sort          string
	Limit, Offset int
}

// FindingFilter selects findings of the newest scans.
type FindingFilter struct {
	ProjectID int64
	// VulnID matches the finding's id or any of its aliases.
	VulnID string
	// MinSeverity keeps findings at least this severe in vuln.Level's
	// rank, where unknown stands between medium and low ("" keeps all).
	MinSeverity vuln.Level
	// IncludeIgnored keeps findings the policy ignores.
	IncludeIgnored bool
	Limit, Offset  int
}

// Event is one entry of the append-only log.
type Event struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Detail  string    `json:"detail,omitempty"`
	Reason  string    `json:"reason,omitempty"`
}

// Change is a difference between a project's scans: a component added or
// removed, a verdict or license that changed, a new vulnerability.
type Change struct {
	Project   ProjectRef   `json:"project"`
	Component ComponentRef `json:"component"`
	// Kind is added, removed, verdict, license or vulnerability.
	Kind   string    `json:"kind"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
	At     time.Time `json:"at"`
}

// Delta is what a new scan brought that the OSPO is told about: newly
// denied components, new critical vulnerabilities, and a drop of the
// health score.
type Delta struct {
	Project     ProjectRef `json:"project"`
	NewDenied   []Usage    `json:"newDenied,omitempty"`
	NewCritical []Finding  `json:"newCritical,omitempty"`
	// HealthBefore and HealthAfter are set when the health score fell.
	HealthBefore *float64 `json:"healthBefore,omitempty"`
	HealthAfter  *float64 `json:"healthAfter,omitempty"`
}

// Empty tells whether the delta has nothing to report.
func (d Delta) Empty() bool {
	return len(d.NewDenied) == 0 && len(d.NewCritical) == 0 && d.HealthAfter == nil
}

// Dashboard is the organisation at a glance.
type Dashboard struct {
	Projects   int `json:"projects"`
	Scanned    int `json:"scanned"`
	Components int `json:"components"`
	// Licenses counts the newest scans' components by license category
	// (permissive, weak-copyleft, …, unknown).
	Licenses map[string]int `json:"licenses"`
	Verdicts map[string]int `json:"verdicts"`
	Vulns    VulnCounts     `json:"vulnerabilities"`
	// FindingsOverTime is, per day with scans, the findings of every
	// project's newest scan as of that day.
	FindingsOverTime []DayCounts `json:"findingsOverTime"`
	// RiskByProject ranks the projects by ospo's score.
	RiskByProject []ProjectRisk `json:"riskByProject"`
}

// DayCounts is the vulnerability count on one day.
type DayCounts struct {
	Day    time.Time  `json:"day"`
	Counts VulnCounts `json:"counts"`
}

// ProjectRisk is a project's scores.
type ProjectRisk struct {
	Project     ProjectRef `json:"project"`
	Criticality string     `json:"criticality"`
	Risk        float64    `json:"risk"`
	DTRisk      float64    `json:"dependencyTrackRisk"`
}
