package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"
	"go.yaml.in/yaml/v3"

	"ospo/internal/license/knowledge"
	"ospo/internal/yamlpos"
)

// FileName is the name of the policy file Find looks for.
const FileName = ".ospo.yaml"

// MaxSize bounds the policy file; a real one is a few kilobytes.
const MaxSize = 1 << 20

// ErrInvalid is wrapped by every error about the content of a policy file.
var ErrInvalid = errors.New("invalid policy")

// FieldError is one problem in a policy file, with where it is.
type FieldError struct {
	Path    string // the policy file
	Line    int    // 1-based, 0 when not known
	Field   string // licenses.allow[2], exceptions[0].expires, ...
	Problem string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Unwrap makes every FieldError an ErrInvalid for errors.Is.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Find looks for .ospo.yaml (or .ospo.yml) in dir and then in each of its
// parents, so that a policy at the top of a repository or of a directory
// of repositories applies below it.
func Find(dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		for _, name := range []string{FileName, ".ospo.yml"} {
			p := filepath.Join(abs, name)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p, true
			}
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", false
		}
		abs = parent
	}
}

// Load reads and checks the policy file at path.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse reads a policy from data; path names it in errors. Unknown fields
// are errors, as are ids that are not SPDX, bad verdicts, categories,
// dates and version ranges; every problem is reported, each with its
// line.
func Parse(data []byte, path string) (*Policy, error) {
	if len(data) > MaxSize {
		return nil, &FieldError{Path: path, Problem: fmt.Sprintf("larger than %d bytes", MaxSize)}
	}
	p := &Policy{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &FieldError{Path: path, Line: extra.Line, Problem: "more than one YAML document; a policy is one"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err)
	}
	lines := yamlpos.Lines(&root)
	p.Path = path
	for i := range p.Exceptions {
		p.Exceptions[i].Line = lines[fmt.Sprintf("exceptions[%d]", i)]
	}
	for i := range p.Vulnerabilities.Ignore {
		p.Vulnerabilities.Ignore[i].Line = lines[fmt.Sprintf("vulnerabilities.ignore[%d]", i)]
	}
	if errs := validate(p, lines); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError restates the YAML library's errors as "file:line: problem".
func yamlError(path string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var errs []error
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		fe := &FieldError{Path: path, Problem: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			fe.Line, _ = strconv.Atoi(sm[1])
			fe.Problem = sm[2]
		}
		fe.Problem = strings.ReplaceAll(fe.Problem, "policy.", "")
		errs = append(errs, fe)
	}
	return errors.Join(errs...)
}

// validate checks what the YAML types cannot.
func validate(p *Policy, lines map[string]int) []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		// A missing key has no line: point at what holds it.
		line := lines[field]
		for at := field; line == 0 && strings.LastIndexAny(at, ".[") > 0; {
			at = at[:strings.LastIndexAny(at, ".[")]
			line = lines[at]
		}
		errs = append(errs, &FieldError{Path: p.Path, Line: line, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	if d := p.Project.Distribution; d != "" && !d.Valid() {
		bad("project.distribution", "%q is not a distribution model (want %s)", d, modelNames())
	}
	if l := p.Project.License; l != "" {
		if err := checkExpression(l); err != nil {
			bad("project.license", "%v", err)
		}
	}
	seen := map[string]string{} // rule key → field of its first, exact entry
	for _, list := range []struct {
		name    string
		entries []string
	}{{"allow", p.Licenses.Allow}, {"review", p.Licenses.Review}, {"deny", p.Licenses.Deny}} {
		for i, s := range list.entries {
			field := fmt.Sprintf("licenses.%s[%d]", list.name, i)
			e, err := parseEntry(s)
			if err != nil {
				bad(field, "%v", err)
				continue
			}
			if e.category == knowledge.Unknown && list.name == "allow" {
				bad(field, "unknown licenses cannot be allowed; give the package an exception instead")
			}
			k := e.key()
			if first, ok := seen[k]; ok {
				bad(field, "%s is already listed at %s", strings.TrimSpace(s), first)
				continue
			}
			seen[k] = field
		}
	}
	for c, v := range p.Categories {
		field := "categories." + string(c)
		if !c.Valid() {
			bad(field, "%q is not a category (want %s)", c, categoryNames())
			continue
		}
		if !v.Valid() {
			bad(field, "%q is not a verdict (want allow, review or deny)", v)
			continue
		}
		if c == knowledge.Unknown && v == Allow {
			bad(field, "unknown licenses cannot be allowed; give the package an exception instead")
		}
		if f, ok := seen["CATEGORY:"+string(c)]; ok {
			bad(field, "category %s is also listed at %s", c, f)
		}
	}
	for i, e := range p.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if strings.TrimSpace(e.Package) == "" {
			bad(field+".package", "missing: name the package (a name or a package URL)")
		} else if strings.HasPrefix(e.Package, "pkg:") {
			if _, err := packageurl.FromString(e.Package); err != nil {
				bad(field+".package", "%q is not a package URL: %v", e.Package, err)
			}
		}
		if _, err := parseRange(e.Versions); err != nil {
			bad(field+".versions", "%v", err)
		}
		if !e.Decision.Valid() {
			bad(field+".decision", "%q is not a verdict (want allow, review or deny)", e.Decision)
		}
		if strings.TrimSpace(e.Reason) == "" {
			bad(field+".reason", "missing: every exception says why")
		}
		if e.Expires != "" {
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				bad(field+".expires", "%q is not a date (want YYYY-MM-DD)", e.Expires)
			}
		}
	}
	for i, s := range p.Contribute.Licenses {
		if _, err := parseEntry(s); err != nil {
			bad(fmt.Sprintf("contribute.licenses[%d]", i), "%v", err)
		}
	}
	if v := p.Contribute.DCO; v != "" && !v.Valid() {
		bad("contribute.dco", "%q is not a verdict (want allow, review or deny)", v)
	}
	validateVulns(p, bad)
	sortErrors(errs)
	return errs
}

// sortErrors puts problems in file order; map iteration made them random.
func sortErrors(errs []error) {
	line := func(e error) int {
		var fe *FieldError
		if errors.As(e, &fe) {
			return fe.Line
		}
		return 0
	}
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && line(errs[j]) < line(errs[j-1]); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// checkExpression accepts an SPDX expression whose ids are all SPDX ids or
// LicenseRefs.
func checkExpression(s string) error {
	e, err := parseExpr(s)
	if err != nil {
		return fmt.Errorf("%q is %w", s, err)
	}
	for _, t := range e.leaves() {
		if !t.known && !isRef(t.id) {
			return fmt.Errorf("%q is not an SPDX license id", t.id)
		}
	}
	return nil
}

func isRef(id string) bool {
	return hasPrefixFold(id, "LicenseRef-") || hasPrefixFold(id, "DocumentRef-")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func modelNames() string {
	var names []string
	for _, m := range knowledge.Models() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

func categoryNames() string {
	var names []string
	for _, c := range knowledge.Categories() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}
