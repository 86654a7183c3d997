package repocheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	R "ospo/internal/repocheck/result"
)

// Scorecard's JSON v2 result format (scorecard --format=json), written
// and read. Field order follows the format's description: date, repo,
// scorecard, score, checks, metadata.

type jsonDocumentation struct {
	Short string `json:"short"`
	URL   string `json:"url"`
}

type jsonCheck struct {
	Details       []string          `json:"details"`
	Score         int               `json:"score"`
	Reason        string            `json:"reason"`
	Name          string            `json:"name"`
	Documentation jsonDocumentation `json:"documentation"`
	Annotations   []string          `json:"annotations,omitempty"`
}

type jsonRepo struct {
	Name   string `json:"name"`
	Commit string `json:"commit"`
}

type jsonScorecard struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// jsonScore prints with one decimal, as Scorecard prints the aggregate.
type jsonScore float64

func (s jsonScore) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(s), 'f', 1, 64)), nil
}

type jsonResult struct {
	Date      string        `json:"date"`
	Repo      jsonRepo      `json:"repo"`
	Scorecard jsonScorecard `json:"scorecard"`
	Score     jsonScore     `json:"score"`
	Checks    []jsonCheck   `json:"checks"`
	Metadata  []string      `json:"metadata"`
}

// WriteScorecardJSON writes a result in Scorecard's JSON v2 format.
// Details are null unless showDetails (and null for a check without
// any, as Scorecard writes them); they are the findings as Scorecard prints
// them ("Warn: message: path:line"), without the ones Scorecard only shows
// at debug level.
func WriteScorecardJSON(w io.Writer, r *R.Repo, showDetails bool) error {
	out := jsonResult{
		Date:      r.Date.Format(time.RFC3339),
		Repo:      jsonRepo{Name: r.Name, Commit: r.Commit},
		Scorecard: jsonScorecard{Version: r.Tool, Commit: "unknown"},
		Score:     jsonScore(roundScore(r.Score)),
		Checks:    []jsonCheck{},
		Metadata:  []string{},
	}
	if out.Scorecard.Version == "" {
		out.Scorecard.Version = ToolName
	}
	for _, c := range r.Checks {
		jc := jsonCheck{
			Score:         int(c.Score),
			Reason:        c.Reason,
			Name:          c.Name,
			Documentation: jsonDocumentation{Short: shortOf(c.Name), URL: c.DocURL},
		}
		if c.Score < 0 {
			jc.Score = R.Inconclusive
		}
		if jc.Documentation.URL == "" {
			jc.Documentation.URL = docURL(c.Name)
		}
		if c.Exempt != "" {
			jc.Annotations = []string{c.Exempt}
		}
		if showDetails {
			for _, f := range c.Findings {
				if line, ok := detailLine(f); ok {
					jc.Details = append(jc.Details, line)
				}
			}
		}
		out.Checks = append(out.Checks, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write scorecard json: %w", err)
	}
	return nil
}

// roundScore keeps one decimal, so that what is printed is what is read.
func roundScore(s float64) float64 {
	if s < 0 {
		return R.Inconclusive
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(s, 'f', 1, 64), 64)
	return v
}

// detailLine renders a finding as a Scorecard detail line.
func detailLine(f R.Finding) (string, bool) {
	var level string
	switch f.Outcome {
	case R.False:
		level = "Warn"
	case R.True, R.Error:
		level = "Info"
	default:
		return "", false
	}
	var b strings.Builder
	b.WriteString(level + ": " + f.Message)
	if f.Path != "" {
		b.WriteString(": " + f.Path)
		if f.Line > 0 {
			b.WriteString(":" + strconv.Itoa(f.Line))
		}
	}
	return b.String(), true
}

func shortOf(name string) string {
	for _, d := range checkDefs() {
		if d.name == name {
			return d.short
		}
	}
	return ""
}

// scorecardRisks are the risk classes of every Scorecard check, for
// results read from Scorecard itself.
var scorecardRisks = map[string]string{
	"Binary-Artifacts": RiskHigh, "Branch-Protection": RiskHigh, "CI-Tests": RiskLow,
	"CII-Best-Practices": RiskLow, "Code-Review": RiskHigh, "Contributors": RiskLow,
	"Dangerous-Workflow": RiskCritical, "Dependency-Update-Tool": RiskHigh, "Fuzzing": RiskMedium,
	"License": RiskLow, "Maintained": RiskHigh, "Packaging": RiskMedium, "Pinned-Dependencies": RiskMedium,
	"SAST": RiskMedium, "SBOM": RiskMedium, "Security-Policy": RiskMedium, "Signed-Releases": RiskHigh,
	"Token-Permissions": RiskHigh, "Vulnerabilities": RiskHigh, "Webhooks": RiskCritical,
}

// ErrNotScorecard marks input that is JSON but not a Scorecard result.
var ErrNotScorecard = errors.New("not a Scorecard JSON v2 result")

// maxScorecardJSON bounds a result read: real ones are tens of kilobytes.
const maxScorecardJSON = 64 << 20

type jsonIn struct {
	Date      string          `json:"date"`
	Repo      *jsonRepo       `json:"repo"`
	Scorecard *jsonScorecard  `json:"scorecard"`
	Score     *float64        `json:"score"`
	Checks    []jsonCheckIn   `json:"checks"`
	Metadata  json.RawMessage `json:"metadata"`
}

type jsonCheckIn struct {
	Details       []string          `json:"details"`
	Score         *float64          `json:"score"`
	Reason        string            `json:"reason"`
	Name          string            `json:"name"`
	Documentation jsonDocumentation `json:"documentation"`
}

// ReadScorecardJSON reads a result Scorecard wrote with --format=json.
// Dates in the older date-only form are accepted. Detail lines become
// findings: Warn lines False, Info lines True, Debug lines NotApplicable,
// with the path and line when the line names them.
func ReadScorecardJSON(r io.Reader) (*R.Repo, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxScorecardJSON+1))
	if err != nil {
		return nil, fmt.Errorf("read scorecard json: %w", err)
	}
	if len(data) > maxScorecardJSON {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrNotScorecard, maxScorecardJSON)
	}
	var in jsonIn
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotScorecard, err)
	}
	if in.Repo == nil || in.Checks == nil {
		return nil, fmt.Errorf("%w: no repo or checks", ErrNotScorecard)
	}
	date, err := parseScorecardDate(in.Date)
	if err != nil {
		return nil, fmt.Errorf("%w: date %q: %v", ErrNotScorecard, in.Date, err)
	}
	repo := &R.Repo{Name: in.Repo.Name, Commit: in.Repo.Commit, Date: date, Source: "scorecard", Checks: []R.Check{}}
	if in.Scorecard != nil {
		repo.Tool = in.Scorecard.Version
	}
	for _, jc := range in.Checks {
		if jc.Name == "" {
			return nil, fmt.Errorf("%w: a check without a name", ErrNotScorecard)
		}
		c := R.Check{Name: jc.Name, Reason: jc.Reason, Risk: scorecardRisks[jc.Name], Exact: true,
			DocURL: jc.Documentation.URL, Score: R.Inconclusive}
		if jc.Score != nil && *jc.Score >= 0 {
			c.Score = min(*jc.Score, maxScore)
		}
		for _, d := range jc.Details {
			c.Findings = append(c.Findings, parseDetail(d))
		}
		repo.Checks = append(repo.Checks, c)
	}
	if in.Score != nil {
		repo.Score = *in.Score
		if repo.Score < 0 {
			repo.Score = R.Inconclusive
		}
	} else {
		repo.Score = AggregateScore(repo.Checks)
	}
	return repo, nil
}

func parseScorecardDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Parse(time.RFC3339, s)
}

var detailLocationRE = regexp.MustCompile(`^(\S+?):(\d+)(?:-\d+)?$`)

// parseDetail reads "Level: message[: path[:line[-end]]][: remediation]".
func parseDetail(s string) R.Finding {
	level, rest, ok := strings.Cut(s, ": ")
	f := R.Finding{Outcome: R.NotApplicable, Message: s}
	if !ok {
		return f
	}
	switch level {
	case "Warn":
		f.Outcome = R.False
	case "Info":
		f.Outcome = R.True
	case "Debug":
		f.Outcome = R.NotApplicable
	default:
		return f
	}
	f.Message = rest
	parts := strings.Split(rest, ": ")
	for i := len(parts) - 1; i >= 1; i-- {
		m := detailLocationRE.FindStringSubmatch(parts[i])
		if m == nil {
			continue
		}
		line, err := strconv.Atoi(m[2])
		if err != nil {
			break
		}
		f.Path, f.Line = m[1], line
		f.Message = strings.Join(parts[:i], ": ")
		if i+1 < len(parts) {
			f.Remediation = strings.Join(parts[i+1:], ": ")
		}
		break
	}
	return f
}
