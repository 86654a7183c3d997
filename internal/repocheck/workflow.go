package repocheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workflow is what the checks need of one GitHub Actions workflow file,
// with the line of everything they may point at.
type Workflow struct {
	Path string
	// On lists the events that trigger the workflow.
	On []string
	// Permissions is the top-level permissions block; nil when absent.
	Permissions *Permissions
	Jobs        []Job
}

// Permissions is a permissions block: either one value for all scopes
// (read-all, write-all, or an empty mapping) or a value per scope.
type Permissions struct {
	Line   int
	All    string // the scalar form's value, "" for the mapping form
	Scopes []Scope
}

// Scope is one "name: level" entry of a permissions mapping.
type Scope struct {
	Name, Value string
	Line        int
}

// Job is one job of a workflow.
type Job struct {
	ID, Name    string
	Line        int
	Permissions *Permissions
	// Uses is a reusable workflow the job calls ("" for a job of steps).
	Uses     string
	UsesLine int
	RunsOn   []string
	// MatrixOS are the values of strategy.matrix.os, which runs-on may
	// name through an expression.
	MatrixOS     []string
	DefaultShell string
	Steps        []Step
}

// Step is one step: it either uses an action or runs a script.
type Step struct {
	Line     int
	Name     string
	Uses     string
	UsesLine int
	With     map[string]Value
	Run      string
	// RunLine is the line of the script's first line in the file.
	RunLine int
	Shell   string
	If      string
}

// Value is a scalar with its line.
type Value struct {
	Value string
	Line  int
}

// maxWorkflowSize bounds a workflow read: real ones are a few kilobytes.
const maxWorkflowSize = 4 << 20

// errNoCommands marks a file that holds nothing but comments and blank
// lines; Scorecard does not count it as a workflow.
var errNoCommands = errors.New("no commands")

// isWorkflowPath reports whether a path is a GitHub workflow: a YAML file
// directly inside .github/workflows.
func isWorkflowPath(p string) bool {
	switch path.Ext(p) {
	case ".yml", ".yaml":
		return strings.EqualFold(path.Dir(p), ".github/workflows")
	}
	return false
}

// containsCommands reports whether text has a line that is neither blank
// nor a comment starting with marker.
func containsCommands(content []byte, marker string) bool {
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 64<<10), len(content)+1)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, marker) {
			return true
		}
	}
	return false
}

// ParseWorkflow reads a workflow. It fails on YAML that does not parse
// or whose top level is not a mapping; unknown or ill-typed keys below
// the top are ignored, as GitHub would reject them anyway and the checks
// only read the keys they know.
func ParseWorkflow(p string, content []byte) (*Workflow, error) {
	if len(content) > maxWorkflowSize {
		return nil, fmt.Errorf("workflow %s is larger than %d bytes", p, maxWorkflowSize)
	}
	if !containsCommands(content, "#") {
		return nil, errNoCommands
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("parse workflow %s: %w", p, err)
	}
	top := deref(&doc)
	if top != nil && top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = deref(top.Content[0])
	}
	if top == nil || top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse workflow %s: the top level is not a mapping", p)
	}
	w := &Workflow{Path: p}
	for k, v := range pairs(top) {
		switch k.Value {
		case "on", "true":
			// YAML 1.1 readers turn a bare on into true; accept both.
			w.On = events(v)
		case "permissions":
			w.Permissions = permissions(v)
		case "jobs":
			if v.Kind != yaml.MappingNode {
				continue
			}
			for jk, jv := range pairs(v) {
				w.Jobs = append(w.Jobs, job(jk, jv))
			}
		}
	}
	return w, nil
}

// maxAlias bounds how many aliases are followed in a row.
const maxAlias = 8

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAlias; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// pairs iterates a mapping's keys and values, aliases resolved; a merge
// key (<<) is skipped rather than expanded.
func pairs(m *yaml.Node) func(yield func(*yaml.Node, *yaml.Node) bool) {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := deref(m.Content[i]), deref(m.Content[i+1])
			if k == nil || v == nil || k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if !yield(k, v) {
				return
			}
		}
	}
}

// items iterates a sequence's elements, aliases resolved.
func items(s *yaml.Node) []*yaml.Node {
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(s.Content))
	for _, n := range s.Content {
		if n = deref(n); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// scalar is a node's value when it is a scalar, else "".
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func events(v *yaml.Node) []string {
	switch v.Kind {
	case yaml.ScalarNode:
		return []string{v.Value}
	case yaml.SequenceNode:
		var out []string
		for _, e := range items(v) {
			if s := scalar(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case yaml.MappingNode:
		var out []string
		for k := range pairs(v) {
			out = append(out, k.Value)
		}
		return out
	}
	return nil
}

func permissions(v *yaml.Node) *Permissions {
	p := &Permissions{Line: v.Line}
	switch v.Kind {
	case yaml.ScalarNode:
		p.All = v.Value
	case yaml.MappingNode:
		for k, sv := range pairs(v) {
			p.Scopes = append(p.Scopes, Scope{Name: k.Value, Value: scalar(sv), Line: sv.Line})
		}
	}
	return p
}

func job(k, v *yaml.Node) Job {
	j := Job{ID: k.Value, Line: k.Line}
	for jk, jv := range pairs(v) {
		switch jk.Value {
		case "name":
			j.Name = scalar(jv)
		case "permissions":
			j.Permissions = permissions(jv)
		case "uses":
			j.Uses, j.UsesLine = scalar(jv), jv.Line
		case "runs-on":
			if s := scalar(jv); s != "" {
				j.RunsOn = []string{s}
			}
			for _, e := range items(jv) {
				j.RunsOn = append(j.RunsOn, scalar(e))
			}
		case "strategy":
			for sk, sv := range pairs(jv) {
				if sk.Value != "matrix" {
					continue
				}
				for mk, mv := range pairs(sv) {
					if mk.Value == "os" {
						for _, e := range items(mv) {
							j.MatrixOS = append(j.MatrixOS, scalar(e))
						}
					}
				}
			}
		case "defaults":
			for dk, dv := range pairs(jv) {
				if dk.Value != "run" {
					continue
				}
				for rk, rv := range pairs(dv) {
					if rk.Value == "shell" {
						j.DefaultShell = scalar(rv)
					}
				}
			}
		case "steps":
			for _, s := range items(jv) {
				if s.Kind == yaml.MappingNode {
					j.Steps = append(j.Steps, step(s))
				}
			}
		}
	}
	return j
}

func step(v *yaml.Node) Step {
	s := Step{Line: v.Line}
	for k, sv := range pairs(v) {
		switch k.Value {
		case "name":
			s.Name = scalar(sv)
		case "uses":
			s.Uses, s.UsesLine = scalar(sv), sv.Line
		case "run":
			s.Run = scalar(sv)
			s.RunLine = sv.Line
			if sv.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				// A block scalar starts on the line after its indicator.
				s.RunLine++
			}
		case "shell":
			s.Shell = scalar(sv)
		case "if":
			s.If = scalar(sv)
		case "with":
			s.With = map[string]Value{}
			for wk, wv := range pairs(sv) {
				s.With[wk.Value] = Value{Value: scalar(wv), Line: wv.Line}
			}
		}
	}
	return s
}

// triggeredBy reports whether the workflow runs on the event.
func (w *Workflow) triggeredBy(event string) bool {
	for _, e := range w.On {
		if e == event {
			return true
		}
	}
	return false
}

// actionName is a uses value without its ref.
func actionName(uses string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(uses, "actions://"), "@")
	return name
}

// usesAction reports whether a step uses the named action at any ref.
func (s Step) usesAction(name string) bool {
	return strings.HasPrefix(s.Uses, name+"@")
}

// alwaysWindows reports whether the job only ever runs on Windows, where
// run steps default to PowerShell.
func (j Job) alwaysWindows() bool {
	oses := j.RunsOn
	if len(oses) == 1 && strings.Contains(oses[0], "matrix.os") {
		oses = j.MatrixOS
	}
	if len(oses) == 0 {
		return false
	}
	for _, o := range oses {
		if !strings.HasPrefix(strings.ToLower(o), "windows") {
			return false
		}
	}
	return true
}

// shellOf is the shell a run step runs in: its own, the job's default, or
// the runner's (bash, or pwsh on Windows).
func (j Job) shellOf(s Step) string {
	switch {
	case s.Shell != "":
		return s.Shell
	case j.DefaultShell != "":
		return j.DefaultShell
	case stepOnWindows(s.If), j.alwaysWindows():
		return "pwsh"
	}
	return "bash"
}

// stepOnWindows recognises the common ways a step is limited to Windows.
func stepOnWindows(cond string) bool {
	c := strings.ToLower(strings.Join(strings.Fields(cond), ""))
	return strings.Contains(c, "runner.os=='windows'") || strings.Contains(c, `runner.os=="windows"`) ||
		strings.Contains(c, "startswith(runner.os,'windows')") || strings.Contains(c, "matrix.os=='windows-")
}
