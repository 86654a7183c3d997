package repocheck

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"
)

// dockerInstr is one Dockerfile instruction.
type dockerInstr struct {
	Cmd       string // upper case: FROM, RUN …
	Args      []string
	StartLine int
	EndLine   int
	Original  string
}

var (
	escapeDirectiveRE = regexp.MustCompile(`(?i)^#\s*escape\s*=\s*(\S)\s*$`)
	dockerHeredocRE   = regexp.MustCompile(`<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)
)

// parseDockerfile splits a Dockerfile into instructions, joining
// continuation lines and dropping comments. Flags (--platform=…,
// --mount=…) are left out of the arguments, as Docker's parser keeps them
// apart. The arguments of RUN are its script (or the words of its JSON
// form); those of other instructions are whitespace-separated words.
func parseDockerfile(content string) []dockerInstr {
	lines := strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n")
	escape := byte('\\')
	var out []dockerInstr
	directives := true
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if directives {
			if m := escapeDirectiveRE.FindStringSubmatch(trimmed); m != nil {
				escape = m[1][0]
				continue
			}
			if !strings.HasPrefix(trimmed, "#") || trimmed == "" {
				directives = false
			}
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		start := i
		var b strings.Builder
		for {
			t := strings.TrimRight(lines[i], " \t")
			if strings.HasSuffix(t, string(escape)) && i+1 < len(lines) {
				b.WriteString(t[:len(t)-1])
				b.WriteByte(' ')
				i++
				// Comment lines inside a continued instruction are dropped.
				for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
					i++
				}
				if i >= len(lines) {
					break
				}
				continue
			}
			b.WriteString(t)
			break
		}
		full := strings.TrimSpace(b.String())
		cmd, rest, _ := strings.Cut(full, " ")
		in := dockerInstr{Cmd: strings.ToUpper(cmd), StartLine: start + 1, EndLine: min(i, len(lines)-1) + 1, Original: full}
		rest = strings.TrimSpace(rest)
		words := strings.Fields(rest)
		for len(words) > 0 && strings.HasPrefix(words[0], "--") {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, words[0]))
			words = words[1:]
		}
		if in.Cmd == "RUN" {
			if m := dockerHeredocRE.FindStringSubmatch(rest); m != nil {
				// RUN <<EOF … EOF: the here-document is the script.
				var body []string
				for i+1 < len(lines) {
					i++
					if strings.TrimSpace(lines[i]) == m[1] {
						break
					}
					body = append(body, lines[i])
				}
				in.EndLine = i + 1
				in.Args = []string{strings.Join(body, "\n")}
			} else if strings.HasPrefix(rest, "[") {
				var arr []string
				if json.Unmarshal([]byte(rest), &arr) == nil {
					in.Args = []string{strings.Join(arr, " ")}
				} else {
					in.Args = []string{rest}
				}
			} else if rest != "" {
				in.Args = []string{rest}
			}
		} else {
			in.Args = words
		}
		out = append(out, in)
	}
	return out
}

// isDockerfilePath applies Scorecard's name test (any path whose name
// holds "dockerfile") minus the source files it excludes.
func isDockerfilePath(p string) bool {
	if !strings.Contains(strings.ToLower(path.Base(p)), "dockerfile") {
		return false
	}
	for _, ext := range []string{".go", ".c", ".cpp", ".rs", ".js", ".py", ".pyc", ".java"} {
		if strings.HasSuffix(p, ext) {
			return false
		}
	}
	return true
}

// isTemplatePath reports whether a file name marks a template, whose
// images are filled in later.
func isTemplatePath(p string) bool {
	parts := strings.FieldsFunc(path.Base(p), func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	for _, part := range parts {
		switch strings.ToLower(part) {
		case "template", "tmpl", "tpl":
			return true
		}
	}
	return false
}

var imageDigestRE = regexp.MustCompile(`.*@sha256:([a-f\d]{64}|\${.*})`)

// dockerDependencies finds the images a Dockerfile builds from and the
// downloads its RUN instructions make.
func dockerDependencies(p, content string) (deps []dependency, problems []string) {
	instrs := parseDockerfile(content)
	sh := newShellAnalysis(p)
	pinnedStages := map[string]bool{}
	template := isTemplatePath(p)
	for _, in := range instrs {
		switch in.Cmd {
		case "RUN":
			if len(in.Args) > 0 {
				// The instruction's lines are one script line to the
				// reader; report the instruction's first line.
				script := in.Args[0]
				before := len(sh.deps)
				sh.analyze(script, in.StartLine)
				for i := before; i < len(sh.deps); i++ {
					sh.deps[i].Line = in.StartLine
				}
			}
		case "FROM":
			if template {
				continue
			}
			args := in.Args
			switch {
			case len(args) > 0 && strings.EqualFold(args[0], "scratch"):
			case len(args) == 3 && strings.EqualFold(args[1], "as"):
				name, as := args[0], strings.ToLower(args[2])
				if pinnedStages[strings.ToLower(name)] || imageDigestRE.MatchString(name) {
					pinnedStages[as] = true
				}
				deps = append(deps, dependency{Type: depContainerImage, Pinned: pinnedStages[as], Path: p,
					Line: in.StartLine, Snippet: in.Original, Name: name})
			case len(args) == 1:
				name := args[0]
				pinned := pinnedStages[strings.ToLower(name)] || imageDigestRE.MatchString(name)
				deps = append(deps, dependency{Type: depContainerImage, Pinned: pinned, Path: p,
					Line: in.StartLine, Snippet: in.Original, Name: name})
			default:
				problems = append(problems, "cannot read the FROM instruction at line "+itoa(in.StartLine))
			}
		}
	}
	return append(deps, sh.deps...), problems
}
