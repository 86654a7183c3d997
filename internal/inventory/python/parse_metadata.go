package python

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// metadata is what ospo reads of a distribution's core metadata (the
// METADATA of a dist-info directory, the PKG-INFO of an egg-info).
type metadata struct {
	Name, Version     string
	License           string // as written; continuation lines joined by "\n"
	LicenseExpression string // PEP 639
	Classifiers       []string
	LicenseFiles      []string // PEP 639 License-File entries
	HomePage          string
	ProjectURLs       []projectURL
	Author            string
	AuthorEmail       string
	Maintainer        string
	MaintainerEmail   string
	RequiresDist      []string
}

type projectURL struct{ Label, URL string }

var errNoMetadataName = errors.New("no Name field")

// parseMetadata reads the RFC 822 style header block of a core metadata
// file. The body after the first empty line is the long description and is
// not read; metadata 1.x puts the description in a folded header, which is
// skipped like any other. At most limit bytes of headers are read.
func parseMetadata(r io.Reader, limit int64) (*metadata, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, limit+1), 4<<10)
	m := &metadata{}
	var field string
	var value strings.Builder
	flush := func() {
		if field != "" {
			m.set(field, value.String())
		}
		field = ""
		value.Reset()
	}
	var read int64
	first := true
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// An overlong line: keep reading it piecewise.
			rest := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				rest = append(rest, line...)
				if int64(len(rest)) > limit {
					break
				}
			}
			line = rest
		}
		read += int64(len(line))
		if read > limit {
			return nil, fmt.Errorf("metadata headers exceed %d bytes", limit)
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		text := strings.TrimRight(string(line), "\r\n")
		if first {
			text = strings.TrimPrefix(text, "\ufeff")
			first = false
		}
		if text == "" {
			break
		}
		if c := text; len(c) > 0 && (c[0] == ' ' || c[0] == '\t') {
			if field != "" {
				value.WriteByte('\n')
				value.WriteString(dedent(c))
			}
		} else {
			name, val, ok := strings.Cut(text, ":")
			if !ok || !validFieldName(name) {
				// Not a header: the headers ended without the blank line.
				break
			}
			flush()
			field = name
			value.WriteString(strings.TrimSpace(val))
		}
		if err == io.EOF {
			break
		}
	}
	flush()
	m.Name = strings.TrimSpace(m.Name)
	m.Version = strings.TrimSpace(m.Version)
	if m.Name == "" {
		return m, errNoMetadataName
	}
	return m, nil
}

// validFieldName accepts the header names core metadata uses: letters,
// digits and "-".
func validFieldName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' && s[i] != '_' {
			return false
		}
	}
	return true
}

// dedent removes the indentation tools put before continuation lines:
// eight spaces, or seven and a "|" in older setuptools.
func dedent(s string) string {
	if strings.HasPrefix(s, "       |") {
		return s[8:]
	}
	n := 0
	for n < len(s) && n < 8 && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return s[n:]
}

func (m *metadata) set(field, v string) {
	switch strings.ToLower(field) {
	case "name":
		m.Name = v
	case "version":
		m.Version = v
	case "license":
		m.License = strings.TrimRight(v, " \t\n")
	case "license-expression":
		m.LicenseExpression = strings.TrimSpace(v)
	case "classifier":
		m.Classifiers = append(m.Classifiers, strings.TrimSpace(v))
	case "license-file":
		m.LicenseFiles = append(m.LicenseFiles, strings.TrimSpace(v))
	case "home-page":
		m.HomePage = known(v)
	case "project-url":
		label, u, ok := strings.Cut(v, ",")
		if ok {
			m.ProjectURLs = append(m.ProjectURLs, projectURL{strings.TrimSpace(label), strings.TrimSpace(u)})
		}
	case "author":
		m.Author = known(v)
	case "author-email":
		m.AuthorEmail = known(v)
	case "maintainer":
		m.Maintainer = known(v)
	case "maintainer-email":
		m.MaintainerEmail = known(v)
	case "requires-dist":
		m.RequiresDist = append(m.RequiresDist, strings.TrimSpace(v))
	}
}

// known drops the placeholder old setuptools writes for an absent value.
func known(v string) string {
	v = strings.TrimSpace(v)
	if isPlaceholder(v) {
		return ""
	}
	return v
}

func isPlaceholder(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "unknown", "none", "n/a", "null":
		return true
	}
	return false
}

// declaredLicenses chooses what a distribution states about its license,
// from the most precise source present: the PEP 639 License-Expression;
// else a short License value; else the license classifiers; else a long
// License text, left for the normaliser and the license files to judge.
// Values are kept as written (classifiers are mapped to SPDX ids).
func (m *metadata) declaredLicenses() []string {
	if m.LicenseExpression != "" {
		return []string{m.LicenseExpression}
	}
	lic := strings.TrimSpace(m.License)
	if isPlaceholder(lic) {
		lic = ""
	}
	cls := licenseClassifiers(m.Classifiers)
	if lic != "" && isShortLicense(lic) && (len(cls) == 0 || !uninformative(lic)) {
		return []string{lic}
	}
	if len(cls) > 0 {
		return cls
	}
	if lic != "" {
		return []string{lic}
	}
	return nil
}

// isShortLicense reports whether a License value reads as a license name
// or expression rather than a license text or an explanation.
func isShortLicense(s string) bool {
	return !strings.ContainsAny(s, "\n\r") && len(s) <= 128
}

// vagueLicenses are License values that name no license.
var vagueLicenses = map[string]bool{
	"dual license": true, "dual licensed": true, "dual": true, "other": true,
	"custom": true, "free": true, "open source": true, "osi approved": true,
}

// uninformative reports whether a License value names no license: it only
// points at a file ("LICENSE.txt", "see LICENSE") or says too little
// ("Dual License"). A classifier then says more.
func uninformative(s string) bool {
	low := strings.ToLower(strings.TrimSpace(s))
	if vagueLicenses[low] || strings.HasPrefix(low, "see ") {
		return true
	}
	if strings.ContainsAny(low, " \t") {
		return false
	}
	return strings.HasPrefix(low, "license") || strings.HasPrefix(low, "licence") || strings.HasPrefix(low, "copying")
}

// supplier names who publishes the distribution: its author, else its
// maintainer; a name is preferred to an address.
func (m *metadata) supplier() string {
	for _, pair := range [][2]string{{m.Author, m.AuthorEmail}, {m.Maintainer, m.MaintainerEmail}} {
		if pair[0] != "" {
			return pair[0]
		}
		if pair[1] != "" {
			return personFromEmail(pair[1])
		}
	}
	return ""
}

// personFromEmail reads the first person of an RFC 822 address list:
// "Jane Doe <jane@example.org>, ..." gives "Jane Doe", a bare address
// gives the address.
func personFromEmail(s string) string {
	// The first address ends at a comma outside quotes and angle brackets.
	first := s
	quoted, angled := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			angled = true
		case c == '>' && !quoted:
			angled = false
		case c == ',' && !quoted && !angled:
			first = s[:i]
			i = len(s)
		}
	}
	first = strings.TrimSpace(first)
	if i := strings.IndexByte(first, '<'); i > 0 {
		name := strings.Trim(strings.TrimSpace(first[:i]), `"`)
		if name != "" {
			return name
		}
	}
	return strings.Trim(first, "<>")
}

// urlLabel normalises a Project-URL label as PEP 753 does: lower case,
// without punctuation or spaces.
func urlLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if isAlnum(c) {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (m *metadata) homepage() string {
	if m.HomePage != "" {
		return m.HomePage
	}
	for _, u := range m.ProjectURLs {
		switch urlLabel(u.Label) {
		case "homepage", "home":
			return u.URL
		}
	}
	return ""
}

// funding lists the Project-URL links that ask for money.
func (m *metadata) funding() []string {
	var out []string
	for _, u := range m.ProjectURLs {
		switch urlLabel(u.Label) {
		case "funding", "sponsor", "sponsors", "donate", "donation", "donations", "fund":
			out = appendUnique(out, u.URL)
		}
	}
	return out
}

func (m *metadata) repository() string {
	for _, u := range m.ProjectURLs {
		switch urlLabel(u.Label) {
		case "source", "sourcecode", "repository", "repo", "code", "github", "gitlab", "git":
			return u.URL
		}
	}
	return ""
}

// parseRequiresTxt turns the requires.txt of an egg-info into requirement
// strings with markers: a "[extra]" section adds extra == "extra", a
// "[:marker]" section adds the marker.
func parseRequiresTxt(data []byte) []string {
	var out []string
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		extra, marker, _ := strings.Cut(section, ":")
		var conds []string
		if extra = strings.TrimSpace(extra); extra != "" {
			conds = append(conds, `extra == "`+extra+`"`)
		}
		if marker = strings.TrimSpace(marker); marker != "" {
			conds = append(conds, "("+marker+")")
		}
		if len(conds) > 0 {
			line += " ; " + strings.Join(conds, " and ")
		}
		out = append(out, line)
	}
	return out
}
