package maven

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Bounds on reading a Java archive. Nothing is extracted to disk; only
// the metadata entries and the jars nested one level deep are read, each
// through a limit whatever size the archive declares.
const (
	maxJarEntries = 200000
	maxMetaSize   = 2 << 20  // pom.properties, pom.xml, MANIFEST.MF
	maxNestedSize = 64 << 20 // one jar inside a war, an ear or a Spring Boot jar
	maxNested     = 2000
)

// ErrNotArchive marks a file that is not a zip archive.
var ErrNotArchive = errors.New("not a Java archive (zip)")

// jarMeta is what a Java archive says about itself.
type jarMeta struct {
	// POMs are the META-INF/maven/<group>/<artifact>/pom.properties
	// entries, by entry path: the archive's own and, in a shaded jar,
	// those of the libraries packed into it.
	POMs []embeddedPOM
	// Manifest holds the main section of META-INF/MANIFEST.MF, keys
	// lower-cased.
	Manifest map[string]string
	// Nested are the jars inside WEB-INF/lib, BOOT-INF/lib or an ear's
	// lib/ (and an ear's modules), read one level deep.
	Nested []nestedJar
	// Warnings are entries that were skipped.
	Warnings []string
}

// embeddedPOM is one pom.properties and the pom.xml beside it.
type embeddedPOM struct {
	G, A, V string
	Entry   string  // the pom.properties entry
	POM     *rawPOM // nil when absent or unreadable
}

// nestedJar is a jar inside an archive.
type nestedJar struct {
	Entry        string
	Meta         *jarMeta // nil when it could not be read
	SHA1, SHA256 string
	ReadErr      string
}

// readJar reads the metadata of a zip archive named name. The jars inside
// it are read too, one level deep, when nested is set; an ear's modules
// at its top level count as such jars.
func readJar(r io.ReaderAt, size int64, name string, nested bool) (*jarMeta, error) {
	ear := strings.HasSuffix(strings.ToLower(name), ".ear")
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) {
			return nil, ErrNotArchive
		}
		return nil, err
	}
	if len(zr.File) > maxJarEntries {
		return nil, fmt.Errorf("%d entries: more than the %d read", len(zr.File), maxJarEntries)
	}
	meta := &jarMeta{}
	props := map[string]*zip.File{}
	poms := map[string]*zip.File{}
	for _, f := range zr.File {
		entry := f.Name
		switch {
		case strings.EqualFold(entry, "META-INF/MANIFEST.MF"):
			if data, ok := meta.entry(f); ok {
				meta.Manifest = parseManifest(data)
			}
		case strings.HasPrefix(entry, "META-INF/maven/") && (strings.HasSuffix(entry, "/pom.properties") || strings.HasSuffix(entry, "/pom.xml")):
			// Only META-INF/maven/<group>/<artifact>/<file>.
			if strings.Count(entry, "/") != 4 {
				continue
			}
			dir := path.Dir(entry)
			if strings.HasSuffix(entry, ".properties") {
				props[dir] = f
			} else {
				poms[dir] = f
			}
		case nested && isNestedJar(entry, ear):
			if len(meta.Nested) >= maxNested {
				meta.Warnings = append(meta.Warnings, fmt.Sprintf("more than %d nested jars: the rest were not read", maxNested))
				nested = false
				continue
			}
			meta.Nested = append(meta.Nested, readNested(f))
		}
	}
	for _, dir := range sortedKeys(props) {
		data, ok := meta.entry(props[dir])
		if !ok {
			continue
		}
		kv := parseProperties(data)
		e := embeddedPOM{G: kv["groupId"], A: kv["artifactId"], V: kv["version"], Entry: props[dir].Name}
		if e.G == "" || e.A == "" {
			// The directory names them when the file does not.
			parts := strings.Split(dir, "/")
			e.G, e.A = or(e.G, parts[2]), or(e.A, parts[3])
		}
		if pf, ok := poms[dir]; ok {
			if data, ok := meta.entry(pf); ok {
				if pom, err := parsePOMBytes(data); err == nil {
					e.POM = pom
				} else {
					meta.Warnings = append(meta.Warnings, fmt.Sprintf("%s: %v", pf.Name, err))
				}
			}
		}
		meta.POMs = append(meta.POMs, e)
	}
	return meta, nil
}

// isNestedJar reports whether an entry is a library jar packed inside a
// web, enterprise or Spring Boot archive.
func isNestedJar(name string, ear bool) bool {
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".jar") && !strings.HasSuffix(lower, ".war") {
		return false
	}
	dir := path.Dir(name)
	return dir == "WEB-INF/lib" || dir == "BOOT-INF/lib" || dir == "lib" || (ear && dir == ".")
}

// entry reads a metadata entry through the size limit.
func (m *jarMeta) entry(f *zip.File) ([]byte, bool) {
	data, err := readEntry(f, maxMetaSize)
	if err != nil {
		m.Warnings = append(m.Warnings, fmt.Sprintf("%s: %v", f.Name, err))
		return nil, false
	}
	return data, true
}

// readEntry reads one entry, refusing those that declare or turn out to
// hold more than limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("declares %d bytes, over the %d read", f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("holds more than the %d bytes read", limit)
	}
	return data, nil
}

// readNested reads a jar inside an archive into memory and its metadata.
func readNested(f *zip.File) nestedJar {
	n := nestedJar{Entry: f.Name}
	data, err := readEntry(f, maxNestedSize)
	if err != nil {
		n.ReadErr = err.Error()
		return n
	}
	s1, s256 := sha1.Sum(data), sha256.Sum256(data)
	n.SHA1, n.SHA256 = hex.EncodeToString(s1[:]), hex.EncodeToString(s256[:])
	meta, err := readJar(bytes.NewReader(data), int64(len(data)), f.Name, false)
	if err != nil {
		n.ReadErr = err.Error()
		return n
	}
	n.Meta = meta
	return n
}

// parseManifest reads the main section of a jar manifest: "Name: value"
// lines, a line starting with one space continuing the one before.
func parseManifest(data []byte) map[string]string {
	out := map[string]string{}
	var key string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxMetaSize)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break // the main section ends at the first blank line
		}
		if strings.HasPrefix(line, " ") {
			if key != "" {
				out[key] += line[1:]
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			key = ""
			continue
		}
		key = strings.ToLower(strings.TrimSpace(k))
		out[key] = strings.TrimPrefix(v, " ")
	}
	for k, v := range out {
		out[k] = strings.TrimSpace(v)
	}
	return out
}

// parseProperties reads the key=value lines of a Java properties file,
// enough for pom.properties.
func parseProperties(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 {
			continue
		}
		out[strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return out
}

// bundleLicenses splits an OSGi Bundle-License header: a comma-separated
// list of licenses, each a name or address with ";attribute=value"
// parts; quoted strings may hold commas.
func bundleLicenses(h string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		s := cur.String()
		cur.Reset()
		q := false
		for i, r := range s {
			if r == '"' {
				q = !q
			} else if r == ';' && !q {
				s = s[:i]
				break
			}
		}
		s = strings.Trim(strings.TrimSpace(s), "\"")
		if s != "" && s != "<<EXTERNAL>>" {
			out = append(out, s)
		}
	}
	for _, r := range h {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// sortedPOMs returns the embedded POMs in entry order.
func sortedPOMs(ps []embeddedPOM) []embeddedPOM {
	out := append([]embeddedPOM(nil), ps...)
	sort.Slice(out, func(i, j int) bool { return out[i].Entry < out[j].Entry })
	return out
}
