package vuln

import (
	"fmt"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"ospo/internal/vuln/osv"
)

// Level is a severity rating, from the CVSS qualitative scale.
type Level string

// The levels, from the most severe. Unknown is a finding of its own: the
// record gives nothing to rate.
const (
	Critical Level = "critical"
	High     Level = "high"
	Medium   Level = "medium"
	Low      Level = "low"
	None     Level = "none"
	Unknown  Level = "unknown"
)

// Levels lists the levels from the most severe to unknown.
var Levels = []Level{Critical, High, Medium, Low, None, Unknown}

// Rank orders levels: 0 is critical; unknown ranks between medium and
// low, so that an unrated vulnerability is never treated as harmless.
func (l Level) Rank() int {
	switch l {
	case Critical:
		return 0
	case High:
		return 1
	case Medium:
		return 2
	case Unknown:
		return 3
	case Low:
		return 4
	case None:
		return 5
	}
	return 3
}

// AtLeast reports whether l is as severe as m or more.
func (l Level) AtLeast(m Level) bool { return l.Rank() <= m.Rank() }

// ParseLevel reads a level as users and databases write it.
func ParseLevel(s string) (Level, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return Critical, true
	case "high", "important":
		return High, true
	case "medium", "moderate":
		return Medium, true
	case "low", "negligible":
		return Low, true
	case "none":
		return None, true
	case "unknown", "":
		return Unknown, true
	}
	return "", false
}

// Severity is how bad a vulnerability is and where that came from.
type Severity struct {
	Level Level `json:"level"`
	// Score is the CVSS base score (0–10) computed from Vector; 0 when
	// the level comes from a rating without a vector.
	Score float64 `json:"score,omitempty"`
	// Vector is the CVSS vector the score was computed from.
	Vector string `json:"vector,omitempty"`
	// Source says how the level was found: "CVSS_V4", "CVSS_V3",
	// "CVSS_V2", or the database's own rating ("database: HIGH").
	Source string `json:"source,omitempty"`
}

// SeverityOf rates a record for one of its affected entries: the newest
// CVSS version among the vectors (the affected entry's own, else the
// record's) gives the base score and its rating; without a vector, the
// database's own rating (GitHub and others put "severity" in
// database_specific, Ubuntu uses its priority type); otherwise unknown.
func SeverityOf(rec *osv.Record, affected int) Severity {
	sevs := rec.Severity
	if affected >= 0 && affected < len(rec.Affected) && len(rec.Affected[affected].Severity) > 0 {
		sevs = rec.Affected[affected].Severity
	}
	best := Severity{Level: Unknown}
	bestRank := -1
	for _, s := range sevs {
		rank := map[string]int{"CVSS_V4": 4, "CVSS_V3": 3, "CVSS_V2": 2, "Ubuntu": 1}[s.Type]
		if rank <= bestRank {
			continue
		}
		if got, err := score(s); err == nil {
			best, bestRank = got, rank
		}
	}
	if bestRank >= 0 {
		return best
	}
	for _, m := range []map[string]any{affectedDB(rec, affected), rec.DatabaseSpecific} {
		if v, ok := m["severity"].(string); ok {
			if l, ok := ParseLevel(v); ok && l != Unknown {
				return Severity{Level: l, Source: "database: " + v}
			}
		}
	}
	return best
}

func affectedDB(rec *osv.Record, i int) map[string]any {
	if i >= 0 && i < len(rec.Affected) {
		return rec.Affected[i].DatabaseSpecific
	}
	return nil
}

// score computes one severity entry. CVSS v3.0 and v3.1 vectors both come
// as CVSS_V3 and are told apart by their prefix.
func score(s osv.Severity) (Severity, error) {
	v := strings.TrimSpace(s.Score)
	switch s.Type {
	case "CVSS_V4":
		c, err := cvss40.ParseVector(v)
		if err != nil {
			return Severity{}, fmt.Errorf("CVSS v4 vector %q: %w", v, err)
		}
		sc := c.Score()
		r, err := cvss40.Rating(sc)
		return rated(sc, r, v, s.Type, err)
	case "CVSS_V3":
		if strings.HasPrefix(v, "CVSS:3.0/") {
			c, err := cvss30.ParseVector(v)
			if err != nil {
				return Severity{}, fmt.Errorf("CVSS v3.0 vector %q: %w", v, err)
			}
			sc := c.BaseScore()
			r, err := cvss30.Rating(sc)
			return rated(sc, r, v, s.Type, err)
		}
		c, err := cvss31.ParseVector(v)
		if err != nil {
			return Severity{}, fmt.Errorf("CVSS v3.1 vector %q: %w", v, err)
		}
		sc := c.BaseScore()
		r, err := cvss31.Rating(sc)
		return rated(sc, r, v, s.Type, err)
	case "CVSS_V2":
		c, err := cvss20.ParseVector(v)
		if err != nil {
			return Severity{}, fmt.Errorf("CVSS v2 vector %q: %w", v, err)
		}
		sc := c.BaseScore()
		// CVSS v2 has no qualitative scale of its own; NVD's is used:
		// low below 4, medium below 7, high from 7.
		l := Low
		switch {
		case sc >= 7:
			l = High
		case sc >= 4:
			l = Medium
		}
		return Severity{Level: l, Score: sc, Vector: v, Source: s.Type}, nil
	case "Ubuntu":
		if l, ok := ParseLevel(v); ok && l != Unknown {
			return Severity{Level: l, Source: "Ubuntu priority " + v}, nil
		}
		return Severity{}, fmt.Errorf("unknown Ubuntu priority %q", v)
	}
	return Severity{}, fmt.Errorf("unknown severity type %q", s.Type)
}

func rated(sc float64, rating, vector, typ string, err error) (Severity, error) {
	if err != nil {
		return Severity{}, err
	}
	l, ok := ParseLevel(rating)
	if !ok {
		return Severity{}, fmt.Errorf("unknown rating %q", rating)
	}
	return Severity{Level: l, Score: sc, Vector: vector, Source: typ}, nil
}
