package monitor

import (
	"fmt"
	"strings"
	"time"
)

// The renderers share one view of a report: every value already turned
// into the text a reader sees, so Markdown and HTML say the same thing.
// Escaping is the renderer's job.

type reportView struct {
	Title    string
	RunID    int64
	Trigger  string
	Scope    string
	Started  string
	Total    int
	Changed  int
	Failed   int
	Rows     []rowView
	Details  []detailView
	Failures []failureView
}

type rowView struct {
	Name       string
	Commit     string
	CommitIsID bool
	Score      string
	Delta      string
	DeltaClass string // up, down, same, new
	Rating     string
	Changes    string
}

type detailView struct {
	Name        string
	Score       string // "5.0 → 7.5 (+2.5)"
	CommitFrom  string
	CommitTo    string
	Changes     []changeView
	Commits     []commitView
	CommitsMore bool
	CommitsNote string
}

type changeView struct {
	Name   string
	Before string
	After  string
	Class  string // up, down, same
	Reason string
}

type commitView struct {
	ID      string
	Subject string
}

type failureView struct {
	Name string
	Path string
	Err  string
}

// maxRowChanges bounds the "Changed checks" cell; the details list all.
const maxRowChanges = 5

func buildView(rep *RunReport) reportView {
	v := reportView{
		Title:   "Repository check report",
		RunID:   rep.RunID,
		Trigger: rep.Trigger,
		Scope:   rep.Scope,
		Started: rep.Started.UTC().Format(time.DateTime) + " UTC",
		Total:   len(rep.Repos),
	}
	for _, rr := range rep.Repos {
		if rr.Err != "" || rr.Result == nil {
			v.Failed++
			v.Failures = append(v.Failures, failureView{Name: rr.Name, Path: rr.Path, Err: rr.Err})
			continue
		}
		res := rr.Result
		row := rowView{
			Name:       rr.Name,
			Commit:     orDash(short(res.Commit)),
			CommitIsID: commitID.MatchString(res.Commit),
			Score:      fmtScore(res.Score),
			Rating:     res.Rating,
		}
		switch {
		case rr.Previous == nil:
			row.Delta, row.DeltaClass = "new", "new"
		case !rr.HasDelta:
			row.Delta, row.DeltaClass = "?", "same"
		default:
			row.Delta, row.DeltaClass = fmtDelta(rr.Delta), deltaClass(rr.Delta)
		}
		var cells []string
		for i, c := range rr.Changes {
			if i == maxRowChanges {
				cells = append(cells, fmt.Sprintf("+%d more", len(rr.Changes)-maxRowChanges))
				break
			}
			cells = append(cells, fmt.Sprintf("%s %s → %s", c.Name, fmtCheck(c.Before, c.BeforeExempt, c.Kind == Added), fmtCheck(c.After, c.AfterExempt, c.Kind == Removed)))
		}
		row.Changes = strings.Join(cells, ", ")
		v.Rows = append(v.Rows, row)
		if !rr.Changed() {
			continue
		}
		v.Changed++
		d := detailView{
			Name:        rr.Name,
			Score:       fmt.Sprintf("%s → %s", fmtScore(rr.Previous.Score), fmtScore(res.Score)),
			CommitsMore: rr.CommitsMore,
			CommitsNote: rr.CommitsNote,
		}
		if rr.HasDelta {
			d.Score += " (" + fmtDelta(rr.Delta) + ")"
		}
		if rr.Previous.Rating != res.Rating {
			d.Score += fmt.Sprintf(", rating %s → %s", orDash(rr.Previous.Rating), orDash(res.Rating))
		}
		if rr.Previous.Commit != res.Commit {
			d.CommitFrom, d.CommitTo = short(rr.Previous.Commit), short(res.Commit)
		}
		for _, c := range rr.Changes {
			cv := changeView{
				Name:   c.Name,
				Before: fmtCheck(c.Before, c.BeforeExempt, c.Kind == Added),
				After:  fmtCheck(c.After, c.AfterExempt, c.Kind == Removed),
				Reason: c.Reason(),
				Class:  "same",
			}
			if c.Kind == Changed && conclusive(c.Before) && conclusive(c.After) {
				cv.Class = deltaClass(c.After - c.Before)
			}
			d.Changes = append(d.Changes, cv)
		}
		for _, l := range rr.Commits {
			id, subject, _ := strings.Cut(l, " ")
			d.Commits = append(d.Commits, commitView{ID: id, Subject: subject})
		}
		v.Details = append(v.Details, d)
	}
	return v
}

func fmtDelta(d float64) string {
	switch {
	case d > 0:
		return fmt.Sprintf("+%.1f", d)
	case d < 0:
		return fmt.Sprintf("%.1f", d)
	}
	return "0"
}

func deltaClass(d float64) string {
	switch {
	case d > 1e-9:
		return "up"
	case d < -1e-9:
		return "down"
	}
	return "same"
}

// fmtCheck shows a check's score: whole numbers without decimals (as
// Scorecard prints them), "?" when inconclusive, "exempt" when exempted,
// "—" when the check did not run on that side.
func fmtCheck(s float64, exempt string, absent bool) string {
	switch {
	case absent:
		return "—"
	case exempt != "":
		return "exempt"
	case !conclusive(s):
		return "?"
	case s == float64(int(s)):
		return fmt.Sprintf("%d", int(s))
	}
	return fmt.Sprintf("%.1f", s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
