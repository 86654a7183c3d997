package maven

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"ospo/internal/inventory"
)

// jarFile is one archive of the tree and what it holds.
type jarFile struct {
	path         string
	meta         *jarMeta
	sha1, sha256 string
	err          error
}

// jarProjects makes one project per directory holding archives. Archives
// inside a Maven repository layout (a POM of the same name beside them)
// or a Gradle cache are left out: they are read through their POMs.
func (x *extraction) jarProjects(ctx context.Context, paths []string) []*inventory.Project {
	var keep []string
	for _, p := range paths {
		if x.inCache(p) {
			continue
		}
		keep = append(keep, p)
	}
	files := make([]jarFile, len(keep))
	parallel(ctx, len(keep), func(i int) { files[i] = readJarFile(keep[i]) })
	if ctx.Err() != nil {
		return nil
	}
	byDir := map[string][]*jarFile{}
	for i := range files {
		f := &files[i]
		if f.err != nil {
			x.fail(f.path, f.err)
			continue
		}
		dir := filepath.Dir(f.path)
		byDir[dir] = append(byDir[dir], f)
	}
	var out []*inventory.Project
	for _, dir := range sortedKeys(byDir) {
		p := &inventory.Project{Ecosystem: ecosystem, Name: "jars", Path: x.show(dir), Source: "jar"}
		t := newTree(p)
		for _, f := range byDir[dir] {
			outer := x.archiveComponents(t, x.show(f.path), filepath.Base(f.path), f.meta, f.sha1, f.sha256)
			t.p.AddEdge(inventory.RootKey, outer.Key())
			for _, w := range f.meta.Warnings {
				p.Notes = append(p.Notes, x.show(f.path)+": "+w)
			}
			for _, n := range f.meta.Nested {
				loc := x.show(f.path) + "!/" + n.Entry
				if n.Meta == nil {
					p.Notes = append(p.Notes, fmt.Sprintf("%s: not read: %s", loc, n.ReadErr))
					continue
				}
				inner := x.archiveComponents(t, loc, filepath.Base(n.Entry), n.Meta, n.SHA1, n.SHA256)
				t.p.AddEdge(outer.Key(), inner.Key())
				for _, w := range n.Meta.Warnings {
					p.Notes = append(p.Notes, loc+": "+w)
				}
			}
		}
		sortComponents(p)
		p.ComputePaths()
		out = append(out, p)
	}
	return out
}

// inCache reports whether an archive belongs to a package cache rather
// than to the tree's own software.
func (x *extraction) inCache(p string) bool {
	real, err := filepath.EvalSymlinks(p)
	if err == nil && x.repo.contains(real) {
		return true
	}
	slash := filepath.ToSlash(p)
	if strings.Contains(slash, "/caches/modules-2/files-2.1/") {
		return true
	}
	stem := strings.TrimSuffix(p, filepath.Ext(p))
	_, err = os.Stat(stem + ".pom")
	return err == nil
}

// readJarFile hashes an archive and reads its metadata.
func readJarFile(p string) jarFile {
	jf := jarFile{path: p}
	f, err := os.Open(p)
	if err != nil {
		jf.err = err
		return jf
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		jf.err = err
		return jf
	}
	h1, h256 := sha1.New(), sha256.New()
	if _, err := io.Copy(io.MultiWriter(h1, h256), f); err != nil {
		jf.err = fmt.Errorf("read: %w", err)
		return jf
	}
	jf.sha1, jf.sha256 = hex.EncodeToString(h1.Sum(nil)), hex.EncodeToString(h256.Sum(nil))
	jf.meta, jf.err = readJar(f, fi.Size(), filepath.Base(p), true)
	return jf
}

// archiveComponents adds the component of one archive, and of the
// libraries shaded into it, and returns the archive's. The archive is
// the pom.properties whose artifact names the file, or the only one; the
// others are libraries packed into it, which it depends on. Without a
// pom.properties of its own the manifest and the file name say what it
// is.
func (x *extraction) archiveComponents(t *tree, location, fileName string, meta *jarMeta, sha1, sha256 string) *inventory.Component {
	poms := sortedPOMs(meta.POMs)
	own := -1
	if len(poms) == 1 {
		own = 0
	} else {
		stem := strings.TrimSuffix(fileName, filepath.Ext(fileName))
		for i, e := range poms {
			if (stem == e.A || strings.HasPrefix(stem, e.A+"-")) && (own < 0 || len(e.A) > len(poms[own].A)) {
				own = i
			}
		}
	}
	var outer *inventory.Component
	if own >= 0 {
		outer = x.embeddedComponent(poms[own], location)
	} else {
		outer = manifestComponent(fileName, meta.Manifest, location)
	}
	if lic := meta.Manifest["bundle-license"]; lic != "" && len(outer.DeclaredLicenses) == 0 {
		outer.DeclaredLicenses = bundleLicenses(lic)
	}
	outer.Supplier = or(outer.Supplier, or(meta.Manifest["bundle-vendor"], meta.Manifest["implementation-vendor"]))
	outer.Homepage = or(outer.Homepage, meta.Manifest["bundle-docurl"])
	outer.Installed = true
	for _, h := range []inventory.Hash{{Algorithm: "SHA-1", Value: sha1}, {Algorithm: "SHA-256", Value: sha256}} {
		if h.Value != "" {
			outer.Hashes = append(outer.Hashes, h)
		}
	}
	outer.Scope = inventory.ScopeProd
	outer = t.add(outer)
	for i, e := range poms {
		if i == own {
			continue
		}
		c := x.embeddedComponent(e, location)
		c.Installed = true
		c.Scope = inventory.ScopeProd
		c = t.add(c)
		if c.Key() != outer.Key() {
			t.p.AddEdge(outer.Key(), c.Key())
		}
	}
	return outer
}

// embeddedComponent is the component a pom.properties names, described
// by the pom.xml beside it and the parents of that POM found in the
// repositories.
func (x *extraction) embeddedComponent(e embeddedPOM, location string) *inventory.Component {
	c := x.component(e.G, e.A, e.V, nil, location)
	if e.POM != nil {
		// Parents come from the repositories only: the archive is not a
		// project tree.
		links, _ := x.b.chain(link{raw: e.POM, path: location, loc: &located{}})
		m := x.b.effective(links, 0)
		describe(c, m)
	}
	return c
}

var trailingVersion = regexp.MustCompile(`-(\d[\w.+~-]*)$`)

// manifestComponent names an archive without pom.properties. The name is
// the manifest's Implementation-Title or Bundle-Name when it is one word
// (an artifact name, not a sentence), else the file name without its
// version; the OSGi symbolic name is not used, as fragments share their
// host's. The version is Bundle-Version, Implementation-Version or the
// one in the file name; the group is Implementation-Vendor-Id when
// stated.
func manifestComponent(fileName string, mf map[string]string, location string) *inventory.Component {
	stem := strings.TrimSuffix(fileName, filepath.Ext(fileName))
	fileVersion := ""
	if m := trailingVersion.FindStringSubmatch(stem); m != nil {
		fileVersion = m[1]
	}
	version := or(mf["bundle-version"], or(mf["implementation-version"], fileVersion))
	name := ""
	for _, k := range []string{"implementation-title", "bundle-name"} {
		if v := mf[k]; v != "" && !strings.ContainsAny(v, " \t") {
			name = v
			break
		}
	}
	if name == "" {
		name = strings.TrimSuffix(stem, "-"+fileVersion)
	}
	group := mf["implementation-vendor-id"]
	if strings.ContainsAny(group, " \t") {
		group = ""
	}
	fullName := name
	if group != "" {
		fullName = group + ":" + name
	}
	if !concreteVersion(version) {
		version = ""
	}
	return &inventory.Component{
		Ecosystem: ecosystem,
		Name:      fullName,
		Version:   version,
		PURL:      purl(group, name, version),
		Locations: []string{location},
	}
}

// parallel calls fn(i) for i in [0, n) on up to GOMAXPROCS goroutines,
// stopping once ctx is done.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := min(max(1, runtime.GOMAXPROCS(0)), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
