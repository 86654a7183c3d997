package sbom

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"ospo/internal/inventory"
	"ospo/internal/vuln"
)

// Bill is what an SBOM describes: the projects scanned, with their
// dependency graphs, and every component once with its concluded license.
// Encoding and decoding go through it, so a round trip keeps components,
// licenses and graph.
type Bill struct {
	// Name is the subject: the scanned directory or the supplied SBOM's
	// main component.
	Name, Version string
	// Kind and Supplier describe whose software the subject is.
	Kind, Supplier string
	// Projects hold the graphs (Edges by component key, RootKey for the
	// project itself); their Components are not read.
	Projects []*inventory.Project
	// Components carry the data, once per key.
	Components []*inventory.Component
	// Tool names the program that made the SBOM; Created is when.
	Tool, ToolVersion string
	Created           time.Time
	// Authors are who made the SBOM (people or organisations), beyond the
	// tool.
	Authors []string
	// Vulns are the known vulnerabilities of Components (in their order),
	// and Ignored the policy's judgements (component key → finding id →
	// reason); CycloneDX documents carry them as vulnerabilities, the
	// ignored ones with a not-affected analysis (VEX). Nil leaves them out.
	Vulns   *vuln.Report
	Ignored map[string]map[string]string
}

// Property names ospo writes into CycloneDX documents so a round trip keeps
// what the standard has no field for. They are namespaced as the CycloneDX
// property taxonomy asks.
const (
	propKind            = "ospo:kind"
	propScope           = "ospo:scope"
	propEcosystem       = "ospo:ecosystem"
	propLicenseSource   = "ospo:license:source"
	propLicenseDeclared = "ospo:license:declared"
	propLicenseDetected = "ospo:license:detected"
	propLicenseReview   = "ospo:license:review"
	propLocation        = "ospo:location"
	propHashH1          = "ospo:hash:h1"
	propProject         = "ospo:project"
	propProjectSource   = "ospo:project:source"
)

// rootRef is the bom-ref of the subject in CycloneDX documents and the
// basis of its SPDX id.
const rootRef = "root"

// refs assigns every component and project a unique, stable reference.
type refs struct {
	comp    map[string]string // component key → ref
	project []string          // by project index
}

func newRefs(b *Bill) *refs {
	r := &refs{comp: make(map[string]string, len(b.Components))}
	used := map[string]bool{rootRef: true}
	unique := func(s string) string {
		if !used[s] {
			used[s] = true
			return s
		}
		for i := 2; ; i++ {
			x := fmt.Sprintf("%s#%d", s, i)
			if !used[x] {
				used[x] = true
				return x
			}
		}
	}
	for _, c := range b.Components {
		ref := c.PURL
		if ref == "" {
			ref = c.Key()
		}
		r.comp[c.Key()] = unique(ref)
	}
	for _, p := range b.Projects {
		r.project = append(r.project, unique("project:"+p.Path))
	}
	return r
}

// single reports whether the bill's subject is its only project, so the
// project is the SBOM's main component rather than a child of it.
func (b *Bill) single() bool { return len(b.Projects) == 1 }

// graph returns, for every reference, the references it depends on: the
// subject depends on the projects (or is the one project), each project on
// its direct dependencies. Edges to components not in the bill (filtered
// out) are dropped.
func (b *Bill) graph(r *refs) map[string][]string {
	out := map[string][]string{}
	add := func(from, to string) {
		for _, x := range out[from] {
			if x == to {
				return
			}
		}
		out[from] = append(out[from], to)
	}
	for i, p := range b.Projects {
		pref := r.project[i]
		if b.single() {
			pref = rootRef
		} else {
			add(rootRef, pref)
		}
		for from, tos := range p.Edges {
			fref := pref
			if from != inventory.RootKey {
				var ok bool
				if fref, ok = r.comp[from]; !ok {
					continue
				}
			}
			for _, to := range tos {
				if tref, ok := r.comp[to]; ok {
					add(fref, tref)
				}
			}
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// hexHash returns a hash value as lowercase hex, converting the base64 that
// npm and NuGet write; false when the value is neither or its length does
// not fit the algorithm.
func hexHash(alg, value string) (string, bool) {
	want := map[string]int{"MD5": 16, "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64}[alg]
	if want == 0 {
		return "", false
	}
	if b, err := hex.DecodeString(value); err == nil && len(b) == want {
		return strings.ToLower(value), true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(value); err == nil && len(b) == want {
			return hex.EncodeToString(b), true
		}
	}
	return "", false
}

// normAlg maps the algorithm names ecosystems use to CycloneDX's.
func normAlg(alg string) string {
	switch strings.ToUpper(strings.ReplaceAll(alg, "_", "-")) {
	case "MD5":
		return "MD5"
	case "SHA1", "SHA-1":
		return "SHA-1"
	case "SHA256", "SHA-256":
		return "SHA-256"
	case "SHA384", "SHA-384":
		return "SHA-384"
	case "SHA512", "SHA-512":
		return "SHA-512"
	}
	return alg
}

// docID is a stable identifier of the bill's content, used for the
// CycloneDX serial number and the SPDX namespace so that the same scan
// gives the same document.
func (b *Bill) docID() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", b.Name, b.Version, b.Created.UTC().Format(time.RFC3339))
	for _, c := range b.Components {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Key(), c.License.Expression)
	}
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50 // version 5 style: name-based
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// ecosystemOfPURLType maps a package URL type to ospo's ecosystem name.
func ecosystemOfPURLType(t string) string {
	switch t {
	case "golang":
		return "go"
	case "":
		return "generic"
	}
	return t
}

// Write writes the bill in format f.
func Write(w io.Writer, f Format, b *Bill) error {
	switch f {
	case CycloneDXJSON:
		return WriteCycloneDX(w, b, false)
	case CycloneDXXML:
		return WriteCycloneDX(w, b, true)
	case SPDXJSON:
		return WriteSPDX(w, b, false)
	case SPDXTag:
		return WriteSPDX(w, b, true)
	}
	return fmt.Errorf("unknown SBOM format %q", f)
}
