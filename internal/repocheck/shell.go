package repocheck

import (
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// This file reads shell scripts well enough to find what Scorecard's
// Pinned-Dependencies check looks for: downloads piped into or later run
// by an interpreter, and package-manager installs that are not pinned by
// hash. Scorecard parses scripts with a complete shell parser; this one
// splits a script into commands (quotes, escapes, line continuations,
// comments, here-documents, command and process substitutions, subshells)
// and renders each command's words the way Scorecard's analysis sees them:
// a word made of one plain, single-quoted or double-quoted literal is
// kept (quotes included), a word with an expansion is dropped, and "sudo"
// is dropped.

// shWord is one word of a command.
type shWord struct {
	// text is the word as Scorecard's analysis sees it, valid when simple.
	text string
	// inner is the content of a single-part quoted word, without quotes.
	inner  string
	quoted bool
	simple bool
	// procSubst is the body of a word that is a <( … ) substitution.
	procSubst     string
	procSubstLine int
}

// shRedirect is one redirection of a command.
type shRedirect struct {
	op     string
	target shWord
}

// shCommand is one simple command.
type shCommand struct {
	words  []shWord
	redirs []shRedirect
	line   int // 1-based, in the script
	text   string
}

// args are the command's words as Scorecard's analysis sees them.
func (c shCommand) args() []string {
	var out []string
	for _, w := range c.words {
		if !w.simple || (!w.quoted && strings.EqualFold(w.text, "sudo")) {
			continue
		}
		out = append(out, w.text)
	}
	return out
}

// shPipeline is commands joined by pipes.
type shPipeline struct {
	cmds []shCommand
}

// shNested is a script inside a script: a command or process
// substitution, or a subshell.
type shNested struct {
	src  string
	line int // line of the nested script's first line in the outer one
}

// shScript is a parsed script.
type shScript struct {
	pipelines []shPipeline
	nested    []shNested
}

// maxShellDepth bounds nested substitutions and -c scripts.
const maxShellDepth = 16

type shParser struct {
	src     string
	i       int
	line    int
	out     *shScript
	heredoc []heredocSpec
	// skipping is set inside a body that will be read again as a script
	// of its own: what it nests is recorded then, not now.
	skipping int
}

type heredocSpec struct {
	delim    string
	stripTab bool
}

// parseShell splits a script into pipelines of simple commands. It never
// fails: text it cannot make sense of yields fewer commands.
func parseShell(src string) *shScript {
	p := &shParser{src: src, line: 1, out: &shScript{}}
	p.script()
	return p.out
}

func (p *shParser) eof() bool { return p.i >= len(p.src) }

func (p *shParser) peek(off int) byte {
	if p.i+off < len(p.src) {
		return p.src[p.i+off]
	}
	return 0
}

// script reads pipelines until the end of the text.
func (p *shParser) script() {
	var pl shPipeline
	var cur shCommand
	start := -1
	flushCmd := func(end int) {
		if len(cur.words) > 0 || len(cur.redirs) > 0 {
			if start >= 0 && end > start {
				cur.text = strings.TrimSpace(p.src[start:min(end, len(p.src))])
			}
			if cmd, ok := cleanCommand(cur); ok {
				pl.cmds = append(pl.cmds, cmd)
			}
		}
		cur = shCommand{}
		start = -1
	}
	flushPipe := func(end int) {
		flushCmd(end)
		if len(pl.cmds) > 0 {
			p.out.pipelines = append(p.out.pipelines, pl)
		}
		pl = shPipeline{}
	}
	begin := func() {
		if start < 0 {
			start = p.i
			cur.line = p.line
		}
	}
	for !p.eof() {
		c := p.src[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case c == '\\' && p.peek(1) == '\n':
			p.i += 2
			p.line++
		case c == '#':
			// Between words a # starts a comment.
			for !p.eof() && p.src[p.i] != '\n' {
				p.i++
			}
		case c == '\n':
			flushPipe(p.i)
			p.i++
			p.line++
			p.skipHeredocs()
		case c == '&' && p.peek(1) == '>':
			// &> file: a redirection of both outputs.
			begin()
			p.i += 2
			if p.peek(0) == '>' {
				p.i++
			}
			for !p.eof() && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
				p.i++
			}
			cur.redirs = append(cur.redirs, shRedirect{op: "&>", target: p.word()})
		case c == ';' || c == '&' || c == ')':
			flushPipe(p.i)
			p.i++
			if c == '&' && p.peek(0) == '&' {
				p.i++
			}
		case c == '|':
			end := p.i
			p.i++
			if p.peek(0) == '|' {
				p.i++
				flushPipe(end)
			} else {
				if p.peek(0) == '&' {
					p.i++
				}
				flushCmd(end)
			}
		case c == '(':
			// A subshell (also after a reserved word: then ( … )), or the
			// () of a function definition.
			if p.peek(1) == '(' {
				// Arithmetic: nothing to run inside.
				p.i += 2
				p.skipBalanced('(', ')')
				continue
			}
			line := p.line
			p.i++
			body := p.balanced('(', ')')
			p.out.nested = append(p.out.nested, shNested{src: body, line: line})
		case c == '<' || c == '>' || (isDigit(c) && p.redirectAhead()):
			begin()
			if (c == '<' || c == '>') && p.peek(1) == '(' {
				// A process substitution is a word.
				cur.words = append(cur.words, p.word())
				continue
			}
			cur.redirs = append(cur.redirs, p.redirect())
		default:
			begin()
			cur.words = append(cur.words, p.word())
		}
	}
	flushPipe(p.i)
}

// cleanCommand drops what a shell parser would not count as a simple
// command's arguments: leading reserved words and variable assignments.
// Loops and case statements have no command of their own here.
func cleanCommand(c shCommand) (shCommand, bool) {
	for len(c.words) > 0 {
		w := c.words[0]
		if !w.simple || w.quoted {
			break
		}
		switch w.text {
		case "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "fi", "done", "esac":
			c.words = c.words[1:]
			continue
		case "for", "case", "select", "function", "in":
			return c, false
		}
		if isAssignment(w.text) {
			c.words = c.words[1:]
			continue
		}
		break
	}
	return c, len(c.words) > 0
}

var assignmentRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\+?=`)

func isAssignment(s string) bool { return assignmentRE.MatchString(s) }

func isShSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool   { return c >= '0' && c <= '9' }

// isWordEnd reports whether c ends an unquoted word.
func isWordEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ';', '&', '|', '<', '>', '(', ')':
		return true
	}
	return false
}

// redirectAhead reports whether digits at the cursor are a file
// descriptor before a redirection (2>file).
func (p *shParser) redirectAhead() bool {
	j := p.i
	for j < len(p.src) && isDigit(p.src[j]) {
		j++
	}
	return j < len(p.src) && (p.src[j] == '<' || p.src[j] == '>') && (j+1 >= len(p.src) || p.src[j+1] != '(')
}

// redirect reads a redirection operator and its target.
func (p *shParser) redirect() shRedirect {
	for !p.eof() && isDigit(p.src[p.i]) {
		p.i++
	}
	start := p.i
	for !p.eof() && strings.IndexByte("<>&-|", p.src[p.i]) >= 0 && p.i-start < 3 {
		p.i++
	}
	op := p.src[start:p.i]
	for !p.eof() && (p.src[p.i] == ' ' || p.src[p.i] == '\t') {
		p.i++
	}
	if op == "<<" || op == "<<-" {
		w := p.word()
		delim := w.text
		if w.quoted {
			delim = w.inner
		}
		delim = strings.ReplaceAll(delim, `\`, "")
		p.heredoc = append(p.heredoc, heredocSpec{delim: delim, stripTab: op == "<<-"})
		return shRedirect{op: op, target: w}
	}
	if p.eof() || isWordEnd(p.src[p.i]) {
		return shRedirect{op: op}
	}
	return shRedirect{op: op, target: p.word()}
}

// skipHeredocs skips the bodies of the here-documents opened on the line
// just ended.
func (p *shParser) skipHeredocs() {
	for _, h := range p.heredoc {
		for !p.eof() {
			end := strings.IndexByte(p.src[p.i:], '\n')
			var line string
			if end < 0 {
				line, p.i = p.src[p.i:], len(p.src)
			} else {
				line, p.i = p.src[p.i:p.i+end], p.i+end+1
				p.line++
			}
			if h.stripTab {
				line = strings.TrimLeft(line, "\t")
			}
			if strings.TrimRight(line, "\r") == h.delim {
				break
			}
		}
	}
	p.heredoc = nil
}

// balanced reads up to the close that matches an already consumed open,
// minding quotes, and returns what lies between.
func (p *shParser) balanced(open, close byte) string {
	p.skipping++
	defer func() { p.skipping-- }()
	start := p.i
	depth := 1
	for !p.eof() {
		c := p.src[p.i]
		switch c {
		case '\\':
			p.i++
		case '\'':
			if j := strings.IndexByte(p.src[p.i+1:], '\''); j >= 0 {
				p.line += strings.Count(p.src[p.i:p.i+1+j], "\n")
				p.i += j + 1
			}
		case '"':
			p.i++
			p.doubleQuoted()
			continue
		case '\n':
			p.line++
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				body := p.src[start:p.i]
				p.i++
				return body
			}
		}
		p.i++
	}
	return p.src[start:]
}

func (p *shParser) skipBalanced(open, close byte) { p.balanced(open, close) }

// doubleQuoted moves past a double-quoted string whose opening quote was
// consumed; it reports the literal content and whether it had no
// expansion.
func (p *shParser) doubleQuoted() (string, bool) {
	var b strings.Builder
	lit := true
	for !p.eof() {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), lit
		case c == '\\' && p.i+1 < len(p.src):
			b.WriteByte(c)
			b.WriteByte(p.src[p.i+1])
			if p.src[p.i+1] == '\n' {
				p.line++
			}
			p.i += 2
		case c == '$' || c == '`':
			lit = false
			p.expansion()
		default:
			if c == '\n' {
				p.line++
			}
			b.WriteByte(c)
			p.i++
		}
	}
	return b.String(), lit
}

// expansion moves past a $ or ` expansion, recording the scripts of
// command substitutions.
func (p *shParser) expansion() {
	c := p.src[p.i]
	if c == '`' {
		line := p.line
		p.i++
		start := p.i
		for !p.eof() && p.src[p.i] != '`' {
			if p.src[p.i] == '\\' {
				p.i++
			} else if p.src[p.i] == '\n' {
				p.line++
			}
			p.i++
		}
		if p.skipping == 0 {
			p.out.nested = append(p.out.nested, shNested{src: p.src[start:min(p.i, len(p.src))], line: line})
		}
		p.i++
		return
	}
	p.i++ // $
	switch p.peek(0) {
	case '(':
		if p.peek(1) == '(' {
			p.i += 2
			p.skipBalanced('(', ')')
			return
		}
		line := p.line
		p.i++
		body := p.balanced('(', ')')
		if p.skipping == 0 {
			p.out.nested = append(p.out.nested, shNested{src: body, line: line})
		}
	case '{':
		p.i++
		p.skipBalanced('{', '}')
	default:
		for !p.eof() && (isNameByte(p.src[p.i]) || strings.IndexByte("@*#?$!-", p.src[p.i]) >= 0) {
			special := !isNameByte(p.src[p.i])
			p.i++
			if special {
				break
			}
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// word reads one word.
func (p *shParser) word() shWord {
	var w shWord
	var text, inner strings.Builder
	parts := 0
	inLit := false // inside an unquoted literal part
	expanded := false
	if (p.peek(0) == '<' || p.peek(0) == '>') && p.peek(1) == '(' {
		line := p.line
		p.i += 2
		w.procSubst = p.balanced('(', ')')
		w.procSubstLine = line
		return w
	}
	start := p.i
	for !p.eof() {
		c := p.src[p.i]
		if isWordEnd(c) {
			if p.i == start {
				// Never return without progress.
				p.i++
			}
			break
		}
		switch c {
		case '\'':
			parts++
			inLit = false
			p.i++
			end := strings.IndexByte(p.src[p.i:], '\'')
			if end < 0 {
				end = len(p.src) - p.i
			}
			s := p.src[p.i : p.i+end]
			p.line += strings.Count(s, "\n")
			p.i += end + 1
			text.WriteString("'" + s + "'")
			inner.WriteString(s)
			w.quoted = true
		case '"':
			parts++
			inLit = false
			p.i++
			s, lit := p.doubleQuoted()
			if !lit {
				expanded = true
			}
			text.WriteString(`"` + s + `"`)
			inner.WriteString(s)
			w.quoted = true
		case '$', '`':
			parts++
			inLit = false
			expanded = true
			p.expansion()
		case '\\':
			if !inLit {
				parts++
				inLit = true
			}
			if p.i+1 < len(p.src) && p.src[p.i+1] == '\n' {
				p.i += 2
				p.line++
				continue
			}
			text.WriteByte(c)
			if p.i+1 < len(p.src) {
				text.WriteByte(p.src[p.i+1])
				inner.WriteByte(p.src[p.i+1])
			}
			p.i += 2
		default:
			if !inLit {
				parts++
				inLit = true
			}
			text.WriteByte(c)
			inner.WriteByte(c)
			p.i++
		}
	}
	w.simple = parts == 1 && !expanded
	w.text = text.String()
	if w.quoted {
		w.inner = inner.String()
	} else {
		w.inner = w.text
	}
	return w
}

// Scorecard's vocabulary of downloaders and interpreters.
var (
	supportedShells    = []string{"sh", "bash", "mksh"}
	otherShells        = []string{"dash", "ksh"}
	shellNames         = append(slices.Clone(supportedShells), otherShells...)
	pythonInterpreters = []string{"python", "python3", "python2.7"}
	shellInterpreters  = append([]string{"exec", "su"}, shellNames...)
	otherInterpreters  = []string{"perl", "ruby", "php", "node", "nodejs", "java"}
	interpreters       = slices.Concat(otherInterpreters, shellInterpreters, shellNames, pythonInterpreters)
	downloadUtils      = []string{"curl", "wget", "gsutil"}
)

func isBinaryName(expected, name string) bool {
	return strings.EqualFold(path.Base(name), expected)
}

func isDownloadUtility(cmd []string) bool {
	if len(cmd) == 0 {
		return false
	}
	for _, b := range downloadUtils {
		if isBinaryName(b, cmd[0]) {
			return true
		}
	}
	return isBinaryName("aws", cmd[0]) && len(cmd) >= 3 &&
		strings.EqualFold(cmd[1], "s3api") && strings.EqualFold(cmd[2], "get-object")
}

func isInterpreter(cmd []string) bool {
	if len(cmd) == 0 {
		return false
	}
	for _, b := range interpreters {
		if isBinaryName(b, cmd[0]) {
			return true
		}
	}
	return false
}

func isPythonCommand(cmd []string) bool {
	for _, pi := range pythonInterpreters {
		if len(cmd) > 0 && isBinaryName(pi, cmd[0]) {
			return true
		}
	}
	return false
}

// isShellInterpreterOrCommand: not Python and not another language's
// interpreter, so a -c script is shell.
func isShellInterpreterOrCommand(cmd []string) bool {
	if len(cmd) == 0 || isPythonCommand(cmd) {
		return false
	}
	for _, b := range otherInterpreters {
		if isBinaryName(b, cmd[0]) {
			return false
		}
	}
	return true
}

// interpreterWithScript finds "interpreter … -c 'script'" and returns the
// interpreter and the script.
func interpreterWithScript(c shCommand) (string, string, bool) {
	args := c.args()
	interp := ""
	for _, b := range interpreters {
		isBin := false
		for _, a := range args {
			if isBinaryName(b, a) {
				isBin = true
			} else if isBin && strings.HasPrefix(a, "-") && strings.Contains(a, "c") {
				interp = b
				break
			}
		}
		if interp != "" {
			break
		}
	}
	if interp == "" {
		return "", "", false
	}
	for _, w := range c.words {
		if w.simple && w.quoted {
			return interp, w.inner, true
		}
	}
	return "", "", false
}

func isExecuteFile(cmd []string, fn string) bool {
	return len(cmd) > 0 && strings.EqualFold(filepath.Clean(cmd[0]), filepath.Clean(fn))
}

func isInterpreterWithFile(cmd []string, fn string) bool {
	if !isInterpreter(cmd) {
		return false
	}
	for _, a := range cmd[1:] {
		if strings.EqualFold(filepath.Clean(a), filepath.Clean(fn)) {
			return true
		}
	}
	return false
}

// downloadedFile names the file a download command writes, when it can
// be told: a > redirection, wget -O or the URL's name, gsutil's or aws's
// destination.
func downloadedFile(c shCommand) (string, bool) {
	cmd := c.args()
	if !isDownloadUtility(cmd) {
		return "", false
	}
	for _, r := range c.redirs {
		if r.op == ">" && r.target.simple && !r.target.quoted {
			return r.target.text, true
		}
	}
	switch {
	case isBinaryName("wget", cmd[0]):
		for i := 1; i < len(cmd)-1; i++ {
			if strings.EqualFold(cmd[i], "-O") {
				return cmd[i+1], true
			}
		}
		for _, a := range cmd[1:] {
			if strings.HasPrefix(a, "http") {
				if u, err := url.Parse(a); err == nil {
					return path.Base(u.Path), true
				}
				return "", false
			}
		}
	case isBinaryName("gsutil", cmd[0]):
		for i := 1; i < len(cmd)-1; i++ {
			if !strings.HasPrefix(cmd[i], "gs://") {
				continue
			}
			dst := cmd[i+1]
			if filepath.Clean(filepath.Dir(dst)) == filepath.Clean(dst) {
				if u, err := url.Parse(cmd[i]); err == nil {
					return filepath.Join(filepath.Dir(dst), path.Base(u.Path)), true
				}
				return "", false
			}
			return dst, true
		}
	case isBinaryName("aws", cmd[0]):
		src, dst := cmd[len(cmd)-2], cmd[len(cmd)-1]
		if filepath.Clean(filepath.Dir(dst)) == filepath.Clean(dst) {
			if u, err := url.Parse(src); err == nil {
				return filepath.Join(filepath.Dir(dst), path.Base(u.Path)), true
			}
			return "", false
		}
		return dst, true
	}
	return "", false
}

// Package managers. Each answer is (is an install, is unpinned).

var (
	goHashRE   = regexp.MustCompile(`^[A-Fa-f0-9]{40,}$`)
	goSemverRE = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?$`)
	goPkgRE    = regexp.MustCompile(`\w+\.\w+/\w+`)
)

func goInstall(cmd []string) (bool, bool) {
	if len(cmd) == 0 || !isBinaryName("go", cmd[0]) {
		return false, false
	}
	found := slices.ContainsFunc(cmd[1:], func(a string) bool { return a == "get" || a == "install" })
	return found, goUnpinned(cmd)
}

// goUnpinned is Scorecard's rule: a module path fetched at a branch or
// at no version is unpinned; a full semantic version (verified by the
// checksum database unless -insecure) or a commit hash is pinned, and a
// local package is pinned.
func goUnpinned(cmd []string) bool {
	if len(cmd) <= 2 {
		return false
	}
	found, insecure := false, false
	for i := 1; i < len(cmd)-1; i++ {
		if cmd[i] == "get" || cmd[i] == "install" {
			found = true
		}
		if !found {
			continue
		}
		for i < len(cmd)-1 && slices.Contains([]string{"-d", "-f", "-t", "-u", "-v", "-fix", "-insecure"}, cmd[i+1]) {
			if cmd[i+1] == "-insecure" {
				insecure = true
			}
			i++
		}
		if i+1 >= len(cmd) {
			return false
		}
		pkg := cmd[i+1]
		if !goPkgRE.MatchString(pkg) {
			return false
		}
		parts := strings.Split(pkg, "@")
		if len(parts) != 2 {
			continue
		}
		v := parts[1]
		if v == "none" || goHashRE.MatchString(v) || (!insecure && goSemverRE.MatchString(v)) {
			return false
		}
	}
	return found
}

func npmInstall(cmd []string) (bool, bool) {
	if len(cmd) == 0 || !isBinaryName("npm", cmd[0]) {
		return false, false
	}
	install, unpinned := false, false
	for _, a := range cmd[1:] {
		switch strings.ToLower(a) {
		case "install", "i", "install-test", "update":
			install, unpinned = true, true
		case "ci", "clean-install", "install-clean", "ic":
			// ci installs exactly what the lockfile pins, hashes checked.
			install = true
		}
	}
	return install, unpinned
}

var (
	pipRemoteSourceRE = regexp.MustCompile(`^(git|svn|hg|bzr).+$`)
	pipGitPinnedRE    = regexp.MustCompile(`^git(\+(https?|ssh|git))?\:\/\/.*(.git)?@[a-fA-F0-9]{40}(#egg=.*)?$`)
)

func pipCommand(cmd []string) []string {
	if len(cmd) == 0 {
		return nil
	}
	if isBinaryName("pip", cmd[0]) || isBinaryName("pip3", cmd[0]) {
		return cmd
	}
	if isPythonCommand(cmd) {
		for i := 1; i < len(cmd)-1; i++ {
			if strings.EqualFold(cmd[i], "-m") && strings.EqualFold(cmd[i+1], "pip") {
				return cmd[i+1:]
			}
		}
	}
	return nil
}

func pipInstall(cmd []string) (bool, bool) {
	pc := pipCommand(cmd)
	if pc == nil {
		return false, false
	}
	isInstall, noDeps, editable, pinnedEditable, hashes, extra, wheel := false, false, false, false, false, false, false
	for i := 1; i < len(pc); i++ {
		a := pc[i]
		if strings.EqualFold(a, "install") {
			isInstall = true
			continue
		}
		if !isInstall {
			break
		}
		switch {
		case strings.EqualFold(a, "--no-deps"):
			noDeps = true
		case a == "-e" || a == "--editable":
			editable = true
			if i+1 < len(pc) {
				i++
				src := pc[i]
				pinnedEditable = !pipRemoteSourceRE.MatchString(src) || pipGitPinnedRE.MatchString(src)
			}
		case strings.EqualFold(a, "--require-hashes"):
			hashes = true
		case strings.HasSuffix(a, ".whl"):
			wheel = true
		default:
			extra = true
		}
		if hashes {
			break
		}
	}
	if !isInstall {
		return false, false
	}
	switch {
	case editable:
		return true, !noDeps || !pinnedEditable
	case hashes:
		return true, false
	case extra:
		return true, true
	case wheel:
		return true, false
	}
	return true, true
}

func chocoInstall(cmd []string) (bool, bool) {
	if len(cmd) < 2 || !(isBinaryName("choco", cmd[0]) || isBinaryName("choco.exe", cmd[0])) ||
		!strings.EqualFold(cmd[1], "install") {
		return false, false
	}
	for _, a := range cmd[1:] {
		k, _, _ := strings.Cut(a, "=")
		if strings.EqualFold(k, "--requirechecksum") || strings.EqualFold(k, "--requirechecksums") ||
			strings.EqualFold(k, "--require-checksums") {
			return true, false
		}
	}
	return true, true
}

// Dependency types, named as Scorecard names them.
const (
	depAction          = "GitHubAction"
	depContainerImage  = "containerImage"
	depDownloadThenRun = "downloadThenRun"
	depGo              = "goCommand"
	depNpm             = "npmCommand"
	depPip             = "pipCommand"
	depChoco           = "chocoCommand"
)

// dependency is one use of something fetched from elsewhere.
type dependency struct {
	Type    string
	Pinned  bool
	Path    string
	Line    int
	Snippet string
	// Name is the action or image, when there is one.
	Name string
}

// shellAnalysis collects the dependencies of the scripts of one file (or
// one workflow job): files downloaded earlier taint later commands.
type shellAnalysis struct {
	path    string
	tainted map[string]bool
	deps    []dependency
	// budget bounds the bytes read, nested scripts included, so that no
	// script costs more than a few times its size.
	budget int
}

// shellBudget is the most script text one analysis reads.
const shellBudget = 16 << 20

func newShellAnalysis(p string) *shellAnalysis {
	return &shellAnalysis{path: p, tainted: map[string]bool{}, budget: shellBudget}
}

// analyze reads one script whose first line is line firstLine of the file.
func (a *shellAnalysis) analyze(src string, firstLine int) {
	a.analyzeDepth(src, firstLine, 0)
}

func (a *shellAnalysis) analyzeDepth(src string, firstLine, depth int) {
	if depth > maxShellDepth || len(src) > a.budget {
		return
	}
	a.budget -= len(src)
	s := parseShell(src)
	at := func(l int) int { return firstLine + l - 1 }
	for _, pl := range s.pipelines {
		for i, c := range pl.cmds {
			cmd := c.args()
			line := at(c.line)
			if interp, script, ok := interpreterWithScript(c); ok && isShellInterpreterOrCommand([]string{interp}) {
				a.analyzeDepth(script, line, depth+1)
			}
			// download | interpreter
			if i+1 < len(pl.cmds) && isDownloadUtility(cmd) && isInterpreter(pl.cmds[i+1].args()) {
				a.add(depDownloadThenRun, false, line, c.text+" | "+pl.cmds[i+1].text)
			}
			// running a file downloaded before
			for fn := range a.tainted {
				if isInterpreterWithFile(cmd, fn) || isExecuteFile(cmd, fn) {
					a.add(depDownloadThenRun, false, line, c.text)
					break
				}
			}
			// interpreter <(download)
			if isInterpreter(cmd) {
				for _, w := range c.words[1:] {
					if w.procSubst == "" {
						continue
					}
					inner := parseShell(w.procSubst)
					if len(inner.pipelines) > 0 && isDownloadUtility(inner.pipelines[0].cmds[0].args()) {
						a.add(depDownloadThenRun, false, line, c.text)
					}
				}
			}
			a.packageManager(cmd, line, c.text)
			if fn, ok := downloadedFile(c); ok {
				a.tainted[fn] = true
			}
			for _, w := range c.words {
				if w.procSubst != "" {
					a.analyzeDepth(w.procSubst, at(w.procSubstLine), depth+1)
				}
			}
		}
	}
	for _, n := range s.nested {
		a.analyzeDepth(n.src, at(n.line), depth+1)
	}
}

func (a *shellAnalysis) packageManager(cmd []string, line int, text string) {
	for _, pm := range []struct {
		typ   string
		match func([]string) (bool, bool)
	}{{depGo, goInstall}, {depPip, pipInstall}, {depNpm, npmInstall}, {depChoco, chocoInstall}} {
		if ok, unpinned := pm.match(cmd); ok {
			a.add(pm.typ, !unpinned, line, text)
			return
		}
	}
}

func (a *shellAnalysis) add(typ string, pinned bool, line int, snippet string) {
	a.deps = append(a.deps, dependency{Type: typ, Pinned: pinned, Path: a.path, Line: line, Snippet: snippet})
}

// isShellScript applies Scorecard's test: a shebang naming one of the
// shells decides; without one, the extension does.
func isShellScript(p string, firstLine string, shells []string) bool {
	hasExt := false
	for _, s := range shells {
		if strings.HasSuffix(p, "."+s) {
			hasExt = true
			break
		}
	}
	if !strings.HasPrefix(firstLine, "#!") {
		return hasExt
	}
	parts := strings.Split(strings.TrimSpace(firstLine[2:]), " ")
	for _, s := range shells {
		if len(parts) >= 1 && isBinaryName(s, parts[0]) {
			return true
		}
		if len(parts) >= 2 && isBinaryName("env", parts[0]) && isBinaryName(s, parts[1]) {
			return true
		}
	}
	return false
}

var githubExprRE = regexp.MustCompile(`{{[^{}]*}}`)

// redactExpressions replaces ${{ … }} so the shell reader sees a plain
// variable, as Scorecard does.
func redactExpressions(run string) string {
	return githubExprRE.ReplaceAllString(run, "GITHUB_REDACTED_VAR")
}
