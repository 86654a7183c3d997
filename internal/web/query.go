package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ospo/internal/portfolio"
	"ospo/internal/vuln"
)

// Request query parsing. Every parser here reads untrusted input, so each
// bounds what it accepts and names the parameter in its error; the fuzz
// test runs them all on arbitrary query strings.

// maxParam bounds any one text parameter.
const maxParam = 500

// text is parameter key, trimmed, or an error when it is too long or
// not UTF-8.
func text(q url.Values, key string) (string, error) {
	v := strings.TrimSpace(q.Get(key))
	if len(v) > maxParam {
		return "", badRequest("%s: longer than %d bytes", key, maxParam)
	}
	if !utf8.ValidString(v) {
		return "", badRequest("%s: not UTF-8 text", key)
	}
	return v, nil
}

// oneOf is parameter key, which must be "" or one of allowed.
func oneOf(q url.Values, key string, allowed ...string) (string, error) {
	v, err := text(q, key)
	if err != nil || v == "" {
		return v, err
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", badRequest("%s %q: want one of %s", key, truncate(v, 40), strings.Join(allowed, ", "))
}

// number is a non-negative integer parameter, def when absent.
func number(q url.Values, key string, def int) (int, error) {
	v := strings.TrimSpace(q.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest("%s %q: want a whole number, 0 or more", key, truncate(v, 20))
	}
	return n, nil
}

// flag is a boolean parameter: absent, "", 0, false, off are false; 1,
// true, on are true.
func flag(q url.Values, key string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(q.Get(key))) {
	case "", "0", "false", "off", "no":
		return false, nil
	case "1", "true", "on", "yes":
		return true, nil
	}
	return false, badRequest("%s: want true or false", key)
}

// paging reads limit and offset. A download (CSV or JSON of a page)
// without a limit gets the longest page the portfolio returns.
func paging(q url.Values) (limit, offset int, err error) {
	def := 50
	if f := q.Get("format"); f == "csv" || f == "json" {
		def = portfolio.MaxLimit
	}
	if limit, err = number(q, "limit", def); err != nil {
		return 0, 0, err
	}
	if limit == 0 || limit > portfolio.MaxLimit {
		return 0, 0, badRequest("limit %d: want 1 to %d", limit, portfolio.MaxLimit)
	}
	if offset, err = number(q, "offset", 0); err != nil {
		return 0, 0, err
	}
	if offset > 1<<31 {
		return 0, 0, badRequest("offset %d: too large", offset)
	}
	return limit, offset, nil
}

// parseID reads a positive id from a path or parameter value.
func parseID(what, v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("%s %q: want a positive number", what, truncate(v, 40))
	}
	return id, nil
}

// parseSince reads a point in time: "" (def ago), an age ("7d", "12h",
// "30m"), a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
func parseSince(v string, now time.Time, def time.Duration) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return now.Add(-def), nil
	}
	if len(v) > 40 {
		return time.Time{}, badRequest("since: longer than 40 bytes")
	}
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 36600 {
			return time.Time{}, badRequest("since %q: want a number of days such as 7d", v)
		}
		return now.AddDate(0, 0, -days), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		if d < 0 {
			return time.Time{}, badRequest("since %q: a negative age", v)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, badRequest("since %q: want an age (7d, 12h), a date (YYYY-MM-DD) or an RFC 3339 time", v)
}

// parseLevel reads a least severity; "" keeps every finding.
func parseLevel(v string) (vuln.Level, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	l, ok := vuln.ParseLevel(v)
	if !ok || l == vuln.None {
		return "", badRequest("severity %q: want critical, high, medium, low or unknown", truncate(v, 20))
	}
	return l, nil
}

// projectFilter reads the project list's filters.
func projectFilter(q url.Values) (portfolio.ProjectFilter, error) {
	var f portfolio.ProjectFilter
	var err error
	if f.Query, err = text(q, "q"); err != nil {
		return f, err
	}
	if f.Kind, err = oneOf(q, "kind", portfolio.Kinds...); err != nil {
		return f, err
	}
	if f.Owner, err = text(q, "owner"); err != nil {
		return f, err
	}
	if f.Sort, err = oneOf(q, "sort", "name", "risk"); err != nil {
		return f, err
	}
	f.Limit, f.Offset, err = paging(q)
	return f, err
}

// componentFilter reads the component list's filters. inactive is a
// point in time as parseSince reads it ("730d": no release in two
// years); now is the clock it counts back from.
func componentFilter(q url.Values, now time.Time) (portfolio.ComponentFilter, error) {
	var f portfolio.ComponentFilter
	var err error
	if f.Ecosystem, err = text(q, "ecosystem"); err != nil {
		return f, err
	}
	if f.Query, err = text(q, "name"); err != nil {
		return f, err
	}
	if f.Verdict, err = oneOf(q, "verdict", "allow", "review", "deny"); err != nil {
		return f, err
	}
	if f.NoLicense, err = flag(q, "nolicense"); err != nil {
		return f, err
	}
	if f.Vulnerable, err = flag(q, "vulnerable"); err != nil {
		return f, err
	}
	if v := strings.TrimSpace(q.Get("inactive")); v != "" {
		if f.InactiveSince, err = parseSince(v, now, 0); err != nil {
			return f, badRequest("inactive: %v", strings.TrimPrefix(err.Error(), "since "))
		}
	}
	if f.ReleaseUnknown, err = flag(q, "releaseunknown"); err != nil {
		return f, err
	}
	if f.Sort, err = oneOf(q, "sort", "name", "risk"); err != nil {
		return f, err
	}
	f.Limit, f.Offset, err = paging(q)
	return f, err
}

// usageQuery reads a where-used question. The question itself is
// checked by the portfolio's own parser, so that a malformed one is a
// 400 that says what is wrong.
func usageQuery(q url.Values) (portfolio.UsageQuery, error) {
	var u portfolio.UsageQuery
	var err error
	if u.Text, err = text(q, "q"); err != nil {
		return u, err
	}
	if u.Ecosystem, err = text(q, "ecosystem"); err != nil {
		return u, err
	}
	if _, err := portfolio.ParseUsageQuery(u.Text); err != nil {
		return u, badRequest("q: %v", err)
	}
	u.Limit, u.Offset, err = paging(q)
	return u, err
}

// findingFilter reads the finding list's filters but the project, which
// needs a lookup by name.
func findingFilter(q url.Values) (portfolio.FindingFilter, error) {
	var f portfolio.FindingFilter
	var err error
	if f.MinSeverity, err = parseLevel(q.Get("severity")); err != nil {
		return f, err
	}
	if f.VulnID, err = text(q, "vuln"); err != nil {
		return f, err
	}
	if f.IncludeIgnored, err = flag(q, "ignored"); err != nil {
		return f, err
	}
	f.Limit, f.Offset, err = paging(q)
	return f, err
}
