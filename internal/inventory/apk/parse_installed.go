package apk

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The apk database (lib/apk/db/installed) is a list of records separated
// by blank lines, each line one letter, a colon and a value. The package
// fields come first; the files of the package follow (F: directories, R:
// files, a:/M: modes, Z: checksums) and are not read here.

// apkPackage is one record of the database.
type apkPackage struct {
	Name, Version, Arch string
	License             string // L:, as written
	URL                 string // U:
	Maintainer          string // m:
	Origin              string // o: the source package (aport)
	Checksum            string // C: as written
	// Depends are the names in D:, without version constraints;
	// conflicts ("!name") are left out.
	Depends []string
	// Provides are the names in p:, without versions.
	Provides []string
	// Priority is the provider priority (k:), the higher the preferred.
	Priority int
	// InstallIf is set when the package came in through an install_if
	// rule (i:) rather than because something depends on it.
	InstallIf bool
	Line      int // line of the record's first field
}

// Bounds of one database: an image with thousands of packages and their
// file lists is tens of megabytes.
const (
	maxInstalled = 256 << 20
	maxLine      = 4 << 20
)

var errTooLarge = errors.New("file too large")

// parseInstalled reads the records of an installed database, calling fn
// for each package. Records without a name or version and lines that are
// not fields are returned as messages; only a read error or a database
// over limit bytes ends the reading.
func parseInstalled(r io.Reader, limit int64, fn func(*apkPackage)) (problems []string, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		line    int
		cur     *apkPackage
		seen    = map[byte]bool{}
		pending []byte
	)
	flush := func() {
		if cur == nil {
			return
		}
		switch {
		case cur.Name == "":
			problems = append(problems, fmt.Sprintf("record at line %d has no package name (P:)", cur.Line))
		case cur.Version == "":
			problems = append(problems, fmt.Sprintf("package %s (line %d) has no version (V:)", cur.Name, cur.Line))
		default:
			fn(cur)
		}
		cur = nil
		clear(seen)
	}
	for {
		pending = pending[:0]
		long := false
		var rerr error
		for {
			chunk, err := br.ReadSlice('\n')
			limit -= int64(len(chunk))
			if limit < 0 {
				flush()
				return problems, errTooLarge
			}
			if len(pending)+len(chunk) <= maxLine {
				pending = append(pending, chunk...)
			} else {
				long = true
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			rerr = err
			break
		}
		if rerr != nil && rerr != io.EOF {
			flush()
			return problems, rerr
		}
		if rerr == io.EOF && len(pending) == 0 && !long {
			flush()
			return problems, nil
		}
		line++
		b := bytes.TrimSuffix(pending, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		switch {
		case long:
			problems = append(problems, fmt.Sprintf("line %d is longer than %d bytes", line, maxLine))
		case len(bytes.TrimSpace(b)) == 0:
			flush()
		case len(b) < 2 || b[1] != ':':
			problems = append(problems, fmt.Sprintf("line %d is not a field (%q)", line, clip(string(b), 40)))
		default:
			if cur == nil {
				cur = &apkPackage{Line: line}
			}
			key := b[0]
			if seen[key] {
				continue // a file-level field, or a repeat: the first one counts
			}
			seen[key] = true
			setField(cur, key, string(bytes.TrimSpace(b[2:])))
		}
		if rerr == io.EOF {
			flush()
			return problems, nil
		}
	}
}

// setField records one package field of a record.
func setField(p *apkPackage, key byte, v string) {
	switch key {
	case 'P':
		p.Name = v
	case 'V':
		p.Version = v
	case 'A':
		p.Arch = v
	case 'L':
		p.License = v
	case 'U':
		p.URL = v
	case 'm':
		p.Maintainer = v
	case 'o':
		p.Origin = v
	case 'C':
		p.Checksum = v
	case 'D':
		for _, d := range strings.Fields(v) {
			if strings.HasPrefix(d, "!") {
				continue // a conflict
			}
			if n := depName(d); n != "" {
				p.Depends = append(p.Depends, n)
			}
		}
	case 'p':
		for _, d := range strings.Fields(v) {
			if n, _, _ := strings.Cut(d, "="); n != "" {
				p.Provides = append(p.Provides, n)
			}
		}
	case 'k':
		p.Priority, _ = strconv.Atoi(v)
	case 'i':
		p.InstallIf = v != ""
	}
}

// depName is the name a dependency names: "musl>=1.2.3_git20230424",
// "libcurl=8.9.0-r0", "so:libz.so.1", "foo@edge" (a pinned repository, in
// the world file).
func depName(d string) string {
	if i := strings.IndexAny(d, "<>=~"); i >= 0 {
		d = d[:i]
	}
	if i := strings.IndexByte(d, '@'); i >= 0 {
		d = d[:i]
	}
	return d
}

// checksum decodes an apk package checksum: "Q1" and the base64 of a
// SHA-1 digest, or, in the oldest databases, the hex of an MD5 digest. It
// returns the algorithm and the hex digest, or "" for anything else.
func checksum(c string) (alg, hexSum string) {
	if b64, ok := strings.CutPrefix(c, "Q1"); ok {
		sum, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(sum) != 20 {
			return "", ""
		}
		return "SHA-1", hex.EncodeToString(sum)
	}
	if sum, err := hex.DecodeString(c); err == nil && len(sum) == 16 {
		return "MD5", strings.ToLower(c)
	}
	return "", ""
}

// clip shortens s for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
