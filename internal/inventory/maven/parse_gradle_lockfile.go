package maven

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"ospo/internal/inventory"
)

// maxLockfileSize bounds a Gradle lockfile read.
const maxLockfileSize = 64 << 20

// lockEntry is one locked module of a Gradle lockfile.
type lockEntry struct {
	Group, Artifact, Version string
	// Configs are the configurations that resolve to it.
	Configs []string
}

// parseGradleLockfile reads a lockfile of Gradle's dependency locking.
// Its lines are "group:artifact:version=conf1,conf2"; "empty=…" lists the
// configurations that resolve to nothing. The legacy per-configuration
// files (gradle/dependency-locks/<conf>.lockfile) have no "=" part: their
// configuration is legacyConf.
func parseGradleLockfile(r io.Reader, legacyConf string) ([]lockEntry, error) {
	return parseGradleLockfileLimit(r, legacyConf, maxLockfileSize)
}

func parseGradleLockfileLimit(r io.Reader, legacyConf string, limit int) ([]lockEntry, error) {
	sc := bufio.NewScanner(io.LimitReader(r, int64(limit)+1))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var out []lockEntry
	read := 0
	for n := 1; sc.Scan(); n++ {
		read += len(sc.Bytes()) + 1
		if read > limit+1 {
			return nil, fmt.Errorf("%w: over %d MiB", ErrTooLarge, max(1, limit>>20))
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		coords, confs, hasConfs := strings.Cut(line, "=")
		coords = strings.TrimSpace(coords)
		if coords == "empty" && hasConfs {
			continue
		}
		parts := strings.Split(coords, ":")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return nil, fmt.Errorf("line %d: %q is not group:artifact:version", n, truncate(line, 80))
		}
		e := lockEntry{Group: parts[0], Artifact: parts[1], Version: parts[2]}
		if hasConfs {
			for _, c := range strings.Split(confs, ",") {
				if c = strings.TrimSpace(c); c != "" {
					e.Configs = append(e.Configs, c)
				}
			}
		} else if legacyConf != "" {
			e.Configs = []string{legacyConf}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("a line is longer than 1 MiB: not a Gradle lockfile")
		}
		return nil, err
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// lockScope says what the configurations locking a module make of it.
// Configurations of tests are dev. Of the others, a runtime classpath
// ships the module (prod); a compile classpath alone means compileOnly,
// supplied at run time by someone else (optional, like Maven's
// provided); any other configuration belongs to a build tool (checkstyle,
// jacoco, annotation processors, the Kotlin compiler), which ships
// nothing (dev). A lockfile of the build script's own classpath is dev.
func lockScope(configs []string, buildscript bool) inventory.Scope {
	if buildscript {
		return inventory.ScopeDev
	}
	best := inventory.ScopeDev
	for _, c := range configs {
		lc := strings.ToLower(c)
		var s inventory.Scope
		switch {
		case strings.Contains(lc, "test"):
			s = inventory.ScopeDev
		case strings.HasSuffix(lc, "runtimeclasspath") || lc == "runtime" || lc == "compile" || lc == "default" || lc == "implementation" || lc == "api":
			s = inventory.ScopeProd
		case strings.HasSuffix(lc, "compileclasspath") || lc == "compileonly":
			s = inventory.ScopeOptional
		default:
			s = inventory.ScopeDev
		}
		if s.Rank() < best.Rank() {
			best = s
		}
	}
	return best
}

// gradleProject is one directory's lockfiles.
type gradleProject struct {
	dir   string   // the Gradle project directory
	files []string // its lockfiles
}

// gradleProjects makes one project per Gradle project directory: the
// directory of gradle.lockfile, or the one above gradle/dependency-locks.
func (x *extraction) gradleProjects(ctx context.Context, locks []string) []*inventory.Project {
	byDir := map[string]*gradleProject{}
	for _, f := range locks {
		dir := filepath.Dir(f)
		if filepath.Base(dir) == "dependency-locks" && filepath.Base(filepath.Dir(dir)) == "gradle" {
			dir = filepath.Dir(filepath.Dir(dir))
		}
		g := byDir[dir]
		if g == nil {
			g = &gradleProject{dir: dir}
			byDir[dir] = g
		}
		g.files = append(g.files, f)
	}
	var out []*inventory.Project
	for _, dir := range sortedKeys(byDir) {
		if ctx.Err() != nil {
			return nil
		}
		if p := x.gradleProject(byDir[dir]); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func (x *extraction) gradleProject(g *gradleProject) *inventory.Project {
	sort.Strings(g.files)
	p := &inventory.Project{Ecosystem: ecosystem, Name: gradleProjectName(g.dir), Source: "lockfile"}
	// The project is shown by its main lockfile, else its lock directory.
	p.Path = x.show(filepath.Join(g.dir, "gradle", "dependency-locks"))
	for _, f := range g.files {
		if filepath.Base(f) == "gradle.lockfile" {
			p.Path = x.show(f)
		}
	}
	t := newTree(p)
	read := 0
	for _, f := range g.files {
		base := filepath.Base(f)
		legacy := ""
		if filepath.Base(filepath.Dir(f)) == "dependency-locks" {
			legacy = strings.TrimSuffix(base, ".lockfile")
		}
		entries, err := readLockfile(f, legacy)
		if err != nil {
			x.fail(f, err)
			continue
		}
		read++
		buildscript := base == "buildscript-gradle.lockfile" || base == "settings-gradle.lockfile"
		for _, e := range entries {
			m := x.b.repoModel(coord{e.Group, e.Artifact, e.Version})
			c := x.component(e.Group, e.Artifact, e.Version, m, x.show(f))
			if m == nil {
				t.unresolved[c.Ref()] = true
			}
			c.Scope = lockScope(e.Configs, buildscript)
			t.add(c)
		}
	}
	if read == 0 {
		return nil
	}
	x.lockGraph(t)
	sortComponents(p)
	p.ComputePaths()
	return p
}

// readLockfile opens and parses one lockfile.
func readLockfile(path, legacyConf string) ([]lockEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := parseGradleLockfile(f, legacyConf)
	if err != nil {
		return nil, fmt.Errorf("parse Gradle lockfile: %w", err)
	}
	return entries, nil
}

// lockGraph links the locked modules by what their POMs in the local
// repository declare. A lockfile lists versions, not who needs whom: only
// when every module's POM is at hand are the modules that nothing else
// needs known to be the direct ones.
func (x *extraction) lockGraph(t *tree) {
	byGA := map[string]*inventory.Component{}
	for _, c := range t.p.Components {
		byGA[c.Name] = c
	}
	hasIncoming := map[string]bool{}
	for _, c := range t.p.Components {
		g, a, _ := strings.Cut(c.Name, ":")
		m := x.b.repoModel(coord{g, a, c.Version})
		if m == nil {
			continue
		}
		for _, d := range m.Deps {
			switch d.Scope {
			case "test", "provided", "system", "import":
				continue
			}
			if to, ok := byGA[d.ga()]; ok && to != c {
				t.p.AddEdge(c.Key(), to.Key())
				hasIncoming[to.Key()] = true
			}
		}
	}
	if len(t.unresolved) > 0 {
		t.p.Notes = append(t.p.Notes, fmt.Sprintf("a Gradle lockfile records versions, not who depends on whom, and %d of %d locked modules have no POM in a local Maven repository: no component is marked direct (%s)",
			len(t.unresolved), len(t.p.Components), listSome(sortedKeys(t.unresolved), 5)))
		return
	}
	for _, c := range t.p.Components {
		if !hasIncoming[c.Key()] {
			t.p.AddEdge(inventory.RootKey, c.Key())
		}
	}
	if len(t.p.Components) > 0 {
		t.p.Source = "lockfile+repository"
	}
}

var rootProjectName = regexp.MustCompile(`(?m)^\s*rootProject\.name\s*=\s*["']([^"'\n]+)["']`)

// gradleProjectName is rootProject.name from the settings script beside
// the lockfiles, else the directory's name.
func gradleProjectName(dir string) string {
	for _, n := range []string{"settings.gradle", "settings.gradle.kts"} {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if m := rootProjectName.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	return filepath.Base(dir)
}
