package knowledge

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
)

//go:generate go run ./gen -out licenses.json

// Category is the kind of terms a license sets, from the point of view of
// someone who uses the licensed code in their own work.
type Category string

// The categories, from the least to the most demanding for a user, with
// non-commercial, proprietary and unknown standing apart.
const (
	PublicDomain    Category = "public-domain"
	Permissive      Category = "permissive"
	WeakCopyleft    Category = "weak-copyleft"
	StrongCopyleft  Category = "strong-copyleft"
	NetworkCopyleft Category = "network-copyleft"
	NonCommercial   Category = "non-commercial"
	// Proprietary covers proprietary, source-available and other licenses
	// that restrict use or modification (no-derivatives, field of use).
	Proprietary Category = "proprietary"
	Unknown     Category = "unknown"
)

// Categories lists every category in a stable order, for reports and for
// checking policy files.
func Categories() []Category {
	return []Category{PublicDomain, Permissive, WeakCopyleft, StrongCopyleft,
		NetworkCopyleft, NonCommercial, Proprietary, Unknown}
}

// Valid reports whether c is one of the categories.
func (c Category) Valid() bool {
	for _, k := range Categories() {
		if c == k {
			return true
		}
	}
	return false
}

// Obligation is something a license asks of whoever passes the code on.
type Obligation string

// The obligations, named after the conditions of choosealicense.com.
const (
	// Attribution: keep the copyright and license notice with the code
	// (and, for most licenses, with binaries).
	Attribution Obligation = "attribution"
	// StateChanges: mark modified files or say what was changed.
	StateChanges Obligation = "state-changes"
	// DiscloseSource: make the source available to those who receive the
	// code.
	DiscloseSource Obligation = "disclose-source"
	// SameLicense: modified versions (up to Info.Reach) keep the license.
	SameLicense Obligation = "same-license"
	// NetworkUseDisclose: users who interact with the code over a network
	// are owed its source.
	NetworkUseDisclose Obligation = "network-use-disclose"
)

// Reach is how far the same-license obligation extends.
type Reach string

// The reaches of copyleft.
const (
	// ReachFile: changed files keep the license (MPL, EPL, CDDL).
	ReachFile Reach = "file"
	// ReachLibrary: the library keeps the license; a work that only links
	// to it does not (LGPL).
	ReachLibrary Reach = "library"
	// ReachProgram: the whole combined program takes the license (GPL).
	ReachProgram Reach = "program"
)

// Info is what ospo knows of one license.
type Info struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Category    Category `json:"category"`
	OSIApproved bool     `json:"osi,omitempty"`
	FSFLibre    bool     `json:"fsf,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	// ReplacedBy is the SPDX expression that replaces a deprecated id
	// (GPL-2.0+ → GPL-2.0-or-later).
	ReplacedBy  string       `json:"replacedBy,omitempty"`
	Obligations []Obligation `json:"obligations,omitempty"`
	// Reach is set when Obligations has SameLicense.
	Reach Reach `json:"reach,omitempty"`
	// PatentGrant is set when the license grants the contributors'
	// patents explicitly.
	PatentGrant bool `json:"patentGrant,omitempty"`
	// GPL says which versions of the GNU GPL code under this license may
	// be combined into: "v2+v3", "v2", "v3", "no", or "" when not known.
	GPL string `json:"gpl,omitempty"`
	// OrLater lists the concrete ids a "+" or -or-later form of this
	// license may be used under, this version first.
	OrLater []string `json:"orLater,omitempty"`
	// Basis says how the category was decided: curated, a family rule,
	// Blue Oak, choosealicense, or none.
	Basis string `json:"basis,omitempty"`
}

// Has reports whether the license carries obligation o.
func (i Info) Has(o Obligation) bool {
	for _, x := range i.Obligations {
		if x == o {
			return true
		}
	}
	return false
}

// Effect is what a license exception (the part after WITH) changes.
type Effect string

// The effects of exceptions.
const (
	// EffectLinking: works that link to or use the code are not bound by
	// its copyleft (Classpath, GCC runtime, LLVM); a strong copyleft
	// becomes a weak one at library reach.
	EffectLinking Effect = "linking"
	// EffectOutput: what the program generates or the files it is
	// embedded in are not bound (Bison, Autoconf, font exceptions); a
	// strong copyleft becomes a weak one at file reach.
	EffectOutput Effect = "output"
	// EffectOther: an additional permission that does not lessen the
	// copyleft for a user (OpenSSL linking, patent grants).
	EffectOther Effect = "other"
)

// Exception is what ospo knows of one SPDX license exception.
type Exception struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Effect     Effect `json:"effect"`
	Deprecated bool   `json:"deprecated,omitempty"`
}

// ProprietaryRef is the LicenseRef the license package gives to components
// marked as proprietary (own code, vendor code).
const ProprietaryRef = "LicenseRef-ospo-proprietary"

// data is the embedded knowledge, generated by ./gen: one JSON object per
// line, each starting with its id.
//
//go:embed licenses.json
var data []byte

// table indexes the embedded file. Decoding all of it with encoding/json
// costs milliseconds at every start of the program, more than a whole
// policy evaluation; a scan needs a few dozen licenses. So the index only
// finds each line's id, and a line is decoded the first time its license
// is looked up.
type table struct {
	version    string
	licenses   [][]byte // one JSON object per license, sorted by id
	exceptions [][]byte
	byID       map[string]int // upper-cased id → index in licenses
	byExc      map[string]int
	infos      []atomic.Pointer[Info] // decoded licenses, filled on use
	excs       []atomic.Pointer[Exception]
}

const idPrefix = `{"id":"`

// load indexes the embedded table once; it is never changed afterwards
// except for the decoded entries, which are filled in idempotently.
var load = sync.OnceValue(func() *table { return index(data) })

func index(data []byte) *table {
	t := &table{byID: map[string]int{}, byExc: map[string]int{}}
	section := 0 // 1 licenses, 2 exceptions
	for rest := data; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		switch {
		case bytes.HasPrefix(line, []byte(`{"spdxListVersion":`)):
			var v struct {
				V string `json:"spdxListVersion"`
			}
			// The first line is not a whole object; close it in a copy
			// (appending to line would write into the embedded data).
			head := bytes.TrimSuffix(bytes.TrimSpace(line), []byte(","))
			_ = json.Unmarshal(append(append([]byte(nil), head...), '}'), &v)
			t.version = v.V
		case bytes.HasPrefix(line, []byte(`"licenses"`)):
			section = 1
		case bytes.HasPrefix(line, []byte(`"exceptions"`)):
			section = 2
		case bytes.HasPrefix(line, []byte(idPrefix)):
			id := line[len(idPrefix):]
			end := bytes.IndexByte(id, '"')
			if end < 0 {
				continue
			}
			key := strings.ToUpper(string(id[:end]))
			obj := bytes.TrimSuffix(line, []byte(","))
			if section == 2 {
				t.byExc[key] = len(t.exceptions)
				t.exceptions = append(t.exceptions, obj)
			} else {
				t.byID[key] = len(t.licenses)
				t.licenses = append(t.licenses, obj)
			}
		}
	}
	t.infos = make([]atomic.Pointer[Info], len(t.licenses))
	t.excs = make([]atomic.Pointer[Exception], len(t.exceptions))
	return t
}

// license decodes the i-th license, once. A line that does not decode
// (only a broken build could make one) reads as Unknown, the safe side.
func (t *table) license(i int) Info {
	if p := t.infos[i].Load(); p != nil {
		return *p
	}
	var in Info
	if err := json.Unmarshal(t.licenses[i], &in); err != nil || in.Category == "" {
		in.Category = Unknown
	}
	t.infos[i].Store(&in)
	return in
}

func (t *table) exception(i int) Exception {
	if p := t.excs[i].Load(); p != nil {
		return *p
	}
	var e Exception
	if err := json.Unmarshal(t.exceptions[i], &e); err != nil || e.Effect == "" {
		e.Effect = EffectOther
	}
	t.excs[i].Store(&e)
	return e
}

// SPDXListVersion is the version of the SPDX License List the table was
// generated from.
func SPDXListVersion() string { return load().version }

// Lookup returns what is known of a license id, matched without regard to
// case as SPDX asks. A trailing "+" is read as -or-later. Ids that are not
// SPDX license ids (LicenseRef-*, misspellings, NOASSERTION) give an Info
// of category Unknown and false, except ProprietaryRef, which is known.
// The slices of the Info are shared: treat them as read-only.
func Lookup(id string) (Info, bool) {
	id = strings.TrimSpace(id)
	if strings.EqualFold(id, ProprietaryRef) {
		return Info{
			ID:       ProprietaryRef,
			Name:     "Proprietary (marked by ospo)",
			Category: Proprietary,
			Basis:    "curated",
		}, true
	}
	t := load()
	if i, ok := t.byID[strings.ToUpper(id)]; ok {
		return t.license(i), true
	}
	if base, ok := strings.CutSuffix(id, "+"); ok {
		if i, ok := t.byID[strings.ToUpper(base+"-or-later")]; ok {
			return t.license(i), true
		}
		if i, ok := t.byID[strings.ToUpper(base)]; ok {
			return t.license(i), true
		}
	}
	return Info{ID: id, Category: Unknown}, false
}

// LookupException returns what is known of an SPDX exception id, matched
// without regard to case.
func LookupException(id string) (Exception, bool) {
	t := load()
	if i, ok := t.byExc[strings.ToUpper(strings.TrimSpace(id))]; ok {
		return t.exception(i), true
	}
	return Exception{ID: id, Effect: EffectOther}, false
}

// Licenses returns every license in the table, sorted by id.
func Licenses() []Info {
	t := load()
	out := make([]Info, len(t.licenses))
	for i := range out {
		out[i] = t.license(i)
	}
	return out
}

// Exceptions returns every exception in the table, sorted by id.
func Exceptions() []Exception {
	t := load()
	out := make([]Exception, len(t.exceptions))
	for i := range out {
		out[i] = t.exception(i)
	}
	return out
}

// With returns the license info of "license WITH exception": a linking or
// output exception turns a strong copyleft into a weak one (the exception
// keeps the license on the code itself but frees the works that use it).
// A network copyleft keeps its network clause and is not lessened.
func With(license, exception string) Info {
	info, _ := Lookup(license)
	if exception == "" {
		return info
	}
	exc, _ := LookupException(exception)
	info.ID = info.ID + " WITH " + exc.ID
	if info.Category != StrongCopyleft {
		return info
	}
	switch exc.Effect {
	case EffectLinking:
		info.Category = WeakCopyleft
		info.Reach = ReachLibrary
	case EffectOutput:
		info.Category = WeakCopyleft
		info.Reach = ReachFile
	default:
		return info
	}
	// The exception lets independent works use the code on their own
	// terms, so a GPL work of either version may use it too.
	info.GPL = "v2+v3"
	info.OrLater = nil
	return info
}
