package practices

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// InsightsFiles are where an OpenSSF Security Insights manifest is looked
// for, in CLOMonitor's order. Names match with case.
var InsightsFiles = []string{"security-insights.yml", ".github/security-insights.yml", "SECURITY-INSIGHTS.yml"}

// ErrInvalidInsights is wrapped by every error of ParseInsights.
var ErrInvalidInsights = errors.New("invalid security insights manifest")

// Insights is what the checks need of a Security Insights manifest.
type Insights struct {
	Path string `json:"path"`
	// Version is header.schema-version; Major is 1 or 2, 0 when the
	// version could not be told.
	Version string `json:"version,omitempty"`
	Major   int    `json:"major,omitempty"`
	// DependenciesPolicy is the link to the dependency policy: v1
	// dependencies.env-dependencies-policy.policy-url, v2
	// repository.documentation.dependency-management-policy.
	DependenciesPolicy string `json:"dependenciesPolicy,omitempty"`
	// Err says why the manifest is not valid; both checks that read it
	// then fail, as CLOMonitor fails them.
	Err string `json:"error,omitempty"`
}

// ParseInsights reads a Security Insights manifest and checks the fields
// CLOMonitor requires of its version (the fields its manifest types
// cannot do without, and for version 2 the non-empty values it
// validates). The Insights returned carries the version whenever it
// could be read, also with an error.
func ParseInsights(data []byte) (Insights, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Insights{}, fmt.Errorf("%w: %v", ErrInvalidInsights, err)
	}
	v := &validator{}
	top := v.mapping(&doc, "")
	if top == nil {
		return Insights{}, v.err()
	}
	header := v.mapping(top.get("header"), "header")
	var in Insights
	if header != nil {
		in.Version = v.str(header.get("schema-version"), "header.schema-version")
	}
	switch {
	case strings.HasPrefix(in.Version, "1."):
		in.Major = 1
		v.reset()
		validateV1(v, top, &in)
	case strings.HasPrefix(in.Version, "2."):
		in.Major = 2
		v.reset()
		validateV2(v, top, &in)
	default:
		if len(v.errs) == 0 {
			v.fail("header.schema-version %q is neither 1.x nor 2.x", in.Version)
		}
	}
	if len(v.errs) > 0 {
		// An invalid manifest links to nothing CLOMonitor would use.
		in.DependenciesPolicy = ""
	}
	return in, v.err()
}

// validateV1 checks the fields CLOMonitor's version 1 types require.
func validateV1(v *validator, top *ymap, in *Insights) {
	if h := v.mapping(top.get("header"), "header"); h != nil {
		v.str(h.get("expiration-date"), "header.expiration-date")
		v.str(h.get("project-url"), "header.project-url")
	}
	if cp := v.mapping(top.get("contribution-policy"), "contribution-policy"); cp != nil {
		v.boolean(cp.get("accepts-automated-pull-requests"), "contribution-policy.accepts-automated-pull-requests")
		v.boolean(cp.get("accepts-pull-requests"), "contribution-policy.accepts-pull-requests")
	}
	for i, n := range v.seq(top.get("distribution-points"), "distribution-points") {
		v.str(n, fmt.Sprintf("distribution-points[%d]", i))
	}
	if pl := v.mapping(top.get("project-lifecycle"), "project-lifecycle"); pl != nil {
		v.boolean(pl.get("bug-fixes-only"), "project-lifecycle.bug-fixes-only")
		v.str(pl.get("status"), "project-lifecycle.status")
	}
	for i, n := range v.seq(top.get("security-contacts"), "security-contacts") {
		name := fmt.Sprintf("security-contacts[%d]", i)
		if c := v.mapping(n, name); c != nil {
			v.str(c.get("type"), name+".type")
			v.str(c.get("value"), name+".value")
		}
	}
	if vr := v.mapping(top.get("vulnerability-reporting"), "vulnerability-reporting"); vr != nil {
		v.boolean(vr.get("accepts-vulnerability-reports"), "vulnerability-reporting.accepts-vulnerability-reports")
	}
	if deps := v.optMapping(top.get("dependencies"), "dependencies"); deps != nil {
		if p := v.optMapping(deps.get("env-dependencies-policy"), "dependencies.env-dependencies-policy"); p != nil {
			in.DependenciesPolicy = v.optStr(p.get("policy-url"), "dependencies.env-dependencies-policy.policy-url")
		}
	}
}

// validateV2 checks the fields CLOMonitor's version 2 validation asks
// for: a header with its dates and URL, and a project or a repository
// with their required parts filled in.
func validateV2(v *validator, top *ymap, in *Insights) {
	if h := v.mapping(top.get("header"), "header"); h != nil {
		v.nonEmpty(h.get("last-reviewed"), "header.last-reviewed")
		v.nonEmpty(h.get("last-updated"), "header.last-updated")
		v.nonEmpty(h.get("url"), "header.url")
	}
	project := v.optMapping(top.get("project"), "project")
	repo := v.optMapping(top.get("repository"), "repository")
	if project == nil && repo == nil && len(v.errs) == 0 {
		v.fail("neither project nor repository is described")
	}
	if project != nil {
		v.nonEmpty(project.get("name"), "project.name")
		admins := v.seq(project.get("administrators"), "project.administrators")
		if admins != nil && len(admins) == 0 {
			v.fail("project.administrators is empty")
		}
		for i, n := range admins {
			v.contact(n, fmt.Sprintf("project.administrators[%d]", i))
		}
		repos := v.seq(project.get("repositories"), "project.repositories")
		if repos != nil && len(repos) == 0 {
			v.fail("project.repositories is empty")
		}
		for i, n := range repos {
			name := fmt.Sprintf("project.repositories[%d]", i)
			if r := v.mapping(n, name); r != nil {
				v.nonEmpty(r.get("comment"), name+".comment")
				v.nonEmpty(r.get("name"), name+".name")
				v.nonEmpty(r.get("url"), name+".url")
			}
		}
		if vr := v.mapping(project.get("vulnerability-reporting"), "project.vulnerability-reporting"); vr != nil {
			v.boolean(vr.get("bug-bounty-available"), "project.vulnerability-reporting.bug-bounty-available")
			v.boolean(vr.get("reports-accepted"), "project.vulnerability-reporting.reports-accepted")
		}
	}
	if repo != nil {
		v.boolean(repo.get("accepts-automated-change-request"), "repository.accepts-automated-change-request")
		v.boolean(repo.get("accepts-change-request"), "repository.accepts-change-request")
		team := v.seq(repo.get("core-team"), "repository.core-team")
		if team != nil && len(team) == 0 {
			v.fail("repository.core-team is empty")
		}
		for i, n := range team {
			v.contact(n, fmt.Sprintf("repository.core-team[%d]", i))
		}
		if l := v.mapping(repo.get("license"), "repository.license"); l != nil {
			v.nonEmpty(l.get("expression"), "repository.license.expression")
			v.nonEmpty(l.get("url"), "repository.license.url")
		}
		if s := v.mapping(repo.get("security"), "repository.security"); s != nil {
			if a := v.mapping(s.get("assessments"), "repository.security.assessments"); a != nil {
				if self := v.mapping(a.get("self"), "repository.security.assessments.self"); self != nil {
					v.nonEmpty(self.get("comment"), "repository.security.assessments.self.comment")
				}
			}
		}
		v.nonEmpty(repo.get("status"), "repository.status")
		v.nonEmpty(repo.get("url"), "repository.url")
		if d := v.optMapping(repo.get("documentation"), "repository.documentation"); d != nil {
			if n := d.get("dependency-management-policy"); n != nil && !isNull(n) {
				in.DependenciesPolicy = v.nonEmpty(n, "repository.documentation.dependency-management-policy")
			}
		}
	}
}

// ymap is a YAML mapping's values by key.
type ymap struct{ m map[string]*yaml.Node }

func (m *ymap) get(key string) *yaml.Node { return m.m[key] }

// validator walks the YAML tree along the fields a schema names and
// records what is missing or of the wrong kind. It never recurses on its
// own, so aliases cannot make it work harder than the document is long.
type validator struct{ errs []string }

func (v *validator) fail(format string, args ...any) {
	if len(v.errs) < 10 {
		v.errs = append(v.errs, fmt.Sprintf(format, args...))
	}
}

func (v *validator) reset() { v.errs = nil }

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrInvalidInsights, strings.Join(v.errs, "; "))
}

// resolve follows a document node to its content and an alias to what
// it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 8; i++ {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func (v *validator) mapping(n *yaml.Node, name string) *ymap {
	if isNull(n) {
		if name == "" {
			v.fail("the document is empty")
		} else {
			v.fail("%s is missing", name)
		}
		return nil
	}
	return v.optMapping(n, name)
}

func (v *validator) optMapping(n *yaml.Node, name string) *ymap {
	if isNull(n) {
		return nil
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		if name == "" {
			v.fail("the document is not a mapping")
		} else {
			v.fail("%s is not a mapping", name)
		}
		return nil
	}
	m := &ymap{m: make(map[string]*yaml.Node, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k != nil && k.Kind == yaml.ScalarNode {
			if _, dup := m.m[k.Value]; !dup {
				m.m[k.Value] = n.Content[i+1]
			}
		}
	}
	return m
}

// seq returns a sequence's items; nil (and a failure) when it is missing
// or not a sequence, an empty non-nil slice when it is empty.
func (v *validator) seq(n *yaml.Node, name string) []*yaml.Node {
	if isNull(n) {
		v.fail("%s is missing", name)
		return nil
	}
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		v.fail("%s is not a list", name)
		return nil
	}
	return append([]*yaml.Node{}, n.Content...)
}

// str reads a required string. Any scalar but null reads as text, as a
// YAML library reading into a string field takes it; a date written
// without quotes is text too.
func (v *validator) str(n *yaml.Node, name string) string {
	if isNull(n) {
		v.fail("%s is missing", name)
		return ""
	}
	return v.optStr(n, name)
}

func (v *validator) optStr(n *yaml.Node, name string) string {
	if isNull(n) {
		return ""
	}
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		v.fail("%s is not text", name)
		return ""
	}
	return n.Value
}

func (v *validator) nonEmpty(n *yaml.Node, name string) string {
	s := v.str(n, name)
	if s == "" && !isNull(n) {
		v.fail("%s is empty", name)
	}
	return s
}

func (v *validator) boolean(n *yaml.Node, name string) {
	if isNull(n) {
		v.fail("%s is missing", name)
		return
	}
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		v.fail("%s is not true or false", name)
	}
}

// contact is a version 2 person: a non-empty name and a primary flag.
func (v *validator) contact(n *yaml.Node, name string) {
	if c := v.mapping(n, name); c != nil {
		v.nonEmpty(c.get("name"), name+".name")
		v.boolean(c.get("primary"), name+".primary")
	}
}
