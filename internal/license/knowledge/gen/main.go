// Command gen writes licenses.json, the license knowledge that package
// knowledge embeds. It is run by hand (go generate in the knowledge
// directory) when the SPDX License List moves or a curated rule changes;
// its output is committed.
//
// Inputs, all local:
//   - the SPDX License List as vendored by the github.com/github/go-spdx/v2
//     module (cmd/licenses.json, cmd/exceptions.json, and the version
//     ranges of its spdxlicenses package), found through `go list -m`;
//   - sources/blueoak.json: the Blue Oak Council permissive list, trimmed
//     from the @blueoak/list package;
//   - sources/choosealicense.json: the conditions, permissions and
//     limitations of the choosealicense.com licenses, trimmed from the
//     @rexxars/choosealicense-list package;
//   - curated.go: the decisions kept by hand.
//
// sources/README.md says how the two trimmed files were made.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

type spdxLicense struct {
	ID         string `json:"licenseId"`
	Name       string `json:"name"`
	OSI        bool   `json:"isOsiApproved"`
	FSF        bool   `json:"isFsfLibre"`
	Deprecated bool   `json:"isDeprecatedLicenseId"`
}

type spdxException struct {
	ID         string `json:"licenseExceptionId"`
	Name       string `json:"name"`
	Deprecated bool   `json:"isDeprecatedLicenseId"`
}

type chooseEntry struct {
	ID          string   `json:"id"`
	Conditions  []string `json:"conditions"`
	Permissions []string `json:"permissions"`
	Limitations []string `json:"limitations"`
}

type blueOakRating struct {
	Rating string   `json:"rating"`
	IDs    []string `json:"ids"`
}

// info mirrors knowledge.Info; the generator does not import the package
// it generates for.
type info struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Category    string   `json:"category"`
	OSI         bool     `json:"osi,omitempty"`
	FSF         bool     `json:"fsf,omitempty"`
	Deprecated  bool     `json:"deprecated,omitempty"`
	ReplacedBy  string   `json:"replacedBy,omitempty"`
	Obligations []string `json:"obligations,omitempty"`
	Reach       string   `json:"reach,omitempty"`
	PatentGrant bool     `json:"patentGrant,omitempty"`
	GPL         string   `json:"gpl,omitempty"`
	OrLater     []string `json:"orLater,omitempty"`
	Basis       string   `json:"basis,omitempty"`
}

type exception struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Effect     string `json:"effect"`
	Deprecated bool   `json:"deprecated,omitempty"`
}

type output struct {
	SPDXVersion string      `json:"spdxListVersion"`
	Licenses    []info      `json:"licenses"`
	Exceptions  []exception `json:"exceptions"`
}

func main() {
	out := flag.String("out", "licenses.json", "file to write")
	sources := flag.String("sources", "gen/sources", "directory of the trimmed source lists")
	spdxDir := flag.String("spdx", "", "go-spdx module directory (default: from go list -m)")
	flag.Parse()
	if err := run(*out, *sources, *spdxDir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, sources, spdxDir string) error {
	if spdxDir == "" {
		b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/github/go-spdx/v2").Output()
		if err != nil {
			return fmt.Errorf("find go-spdx: %w", err)
		}
		spdxDir = strings.TrimSpace(string(b))
	}
	var lic struct {
		Version  string        `json:"licenseListVersion"`
		Licenses []spdxLicense `json:"licenses"`
	}
	if err := readJSON(filepath.Join(spdxDir, "cmd", "licenses.json"), &lic); err != nil {
		return err
	}
	var exc struct {
		Exceptions []spdxException `json:"exceptions"`
	}
	if err := readJSON(filepath.Join(spdxDir, "cmd", "exceptions.json"), &exc); err != nil {
		return err
	}
	var choose []chooseEntry
	if err := readJSON(filepath.Join(sources, "choosealicense.json"), &choose); err != nil {
		return err
	}
	var blueOak []blueOakRating
	if err := readJSON(filepath.Join(sources, "blueoak.json"), &blueOak); err != nil {
		return err
	}

	known := map[string]bool{}
	for _, l := range lic.Licenses {
		known[l.ID] = true
	}
	cats, err := curatedCategories(known)
	if err != nil {
		return err
	}
	reaches := invert(reach)
	gpls := invert(gpl)
	for id := range gpls {
		if !known[id] {
			return fmt.Errorf("curated gpl names %s, not an SPDX id", id)
		}
	}
	patents := set(patentGrant)
	quiet := set(noAttribution)
	changes := set(stateChanges)
	network := set(networkClause)
	oak := map[string]string{}
	for _, r := range blueOak {
		for _, id := range r.IDs {
			oak[id] = r.Rating
		}
	}
	chosen := map[string]chooseEntry{}
	for _, c := range choose {
		for _, id := range chooseIDs(c.ID) {
			chosen[id] = c
		}
	}
	orLater := laterVersions()

	res := output{SPDXVersion: lic.Version}
	for _, l := range lic.Licenses {
		in := info{ID: l.ID, Name: l.Name, OSI: l.OSI, FSF: l.FSF, Deprecated: l.Deprecated}
		if l.Deprecated {
			in.ReplacedBy = replacedBy[l.ID]
			if in.ReplacedBy == "" {
				return fmt.Errorf("deprecated %s has no replacement in curated.go", l.ID)
			}
		}
		decide := func(id string) (string, string) {
			switch {
			case cats[id] != "":
				return cats[id], "curated"
			case family(id) != "":
				return family(id), "family"
			case oak[id] != "":
				return "permissive", "blueoak:" + strings.ToLower(oak[id])
			}
			return "unknown", "none"
		}
		in.Category, in.Basis = decide(l.ID)
		if in.Category == "unknown" && l.Deprecated {
			if c, _ := decide(firstID(in.ReplacedBy)); c != "unknown" {
				in.Category, in.Basis = c, "replacement"
			}
		}
		in.Obligations, in.Reach = obligations(in.Category, reaches[l.ID])
		if c, ok := chosen[l.ID]; ok {
			in.Obligations, in.Reach = chooseObligations(c, in.Reach)
			for _, p := range c.Permissions {
				if p == "patent-use" {
					in.PatentGrant = true
				}
			}
		}
		if quiet[l.ID] {
			in.Obligations = remove(in.Obligations, "attribution")
		}
		if changes[l.ID] {
			in.Obligations = add(in.Obligations, "state-changes")
		}
		if network[l.ID] {
			in.Obligations = add(in.Obligations, "network-use-disclose")
		}
		if patents[l.ID] {
			in.PatentGrant = true
		}
		in.GPL = gpls[l.ID]
		if in.GPL == "" && (in.Category == "permissive" || in.Category == "public-domain") {
			in.GPL = "v2+v3"
		}
		in.OrLater = orLater[l.ID]
		in.Obligations = ordered(in.Obligations)
		res.Licenses = append(res.Licenses, in)
	}
	effects := invert(exceptionEffect)
	for _, e := range exc.Exceptions {
		eff := effects[e.ID]
		if eff == "" {
			eff = "other"
		}
		res.Exceptions = append(res.Exceptions, exception{ID: e.ID, Name: e.Name, Effect: eff, Deprecated: e.Deprecated})
		delete(effects, e.ID)
	}
	for id := range effects {
		return fmt.Errorf("curated exception %s is not an SPDX exception", id)
	}
	sort.Slice(res.Licenses, func(i, j int) bool { return res.Licenses[i].ID < res.Licenses[j].ID })
	sort.Slice(res.Exceptions, func(i, j int) bool { return res.Exceptions[i].ID < res.Exceptions[j].ID })

	// One license per line keeps diffs of a regenerated file readable, and
	// package knowledge relies on it: it indexes the lines by the id each
	// starts with ({"id":"...) and decodes a line only when it is used.
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"spdxListVersion\": %q,\n\"licenses\": [\n", res.SPDXVersion)
	for i, l := range res.Licenses {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		buf.Write(b)
		if i < len(res.Licenses)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("],\n\"exceptions\": [\n")
	for i, e := range res.Exceptions {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(b)
		if i < len(res.Exceptions)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	if !json.Valid(buf.Bytes()) {
		return fmt.Errorf("generated JSON does not parse")
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// firstID is the first license id of an expression.
func firstID(expr string) string {
	if f := strings.Fields(expr); len(f) > 0 {
		return f[0]
	}
	return ""
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

// curatedCategories inverts the curated lists, refusing an id named twice
// or one the SPDX list does not have: a typo must not go unnoticed.
func curatedCategories(known map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	for cat, ids := range curated {
		for _, id := range strings.Fields(ids) {
			if !known[id] {
				return nil, fmt.Errorf("curated %s names %s, not an SPDX id", cat, id)
			}
			if have := out[id]; have != "" {
				return nil, fmt.Errorf("curated names %s twice (%s, %s)", id, have, cat)
			}
			out[id] = cat
		}
	}
	return out, nil
}

func invert(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, ids := range m {
		for _, id := range strings.Fields(ids) {
			out[id] = k
		}
	}
	return out
}

func set(ids string) map[string]bool {
	out := map[string]bool{}
	for _, id := range strings.Fields(ids) {
		out[id] = true
	}
	return out
}

// family decides the ids that follow a well-known naming pattern. Order
// matters: the narrower prefixes come first.
func family(id string) string {
	rules := []struct{ prefix, cat string }{
		{"CC-BY-NC", "non-commercial"},
		{"CC-BY-ND", "proprietary"},
		{"CC-BY-SA", "strong-copyleft"},
		{"CC-BY-", "permissive"},
		{"AGPL-", "network-copyleft"},
		{"LGPL", "weak-copyleft"},
		{"GPL-", "strong-copyleft"},
		{"GFDL-", "strong-copyleft"},
		{"MPL-", "weak-copyleft"},
		{"EPL-", "weak-copyleft"},
		{"CDDL-", "weak-copyleft"},
		{"EUPL-", "strong-copyleft"},
		{"OFL-", "weak-copyleft"},
		{"PolyForm-", "proprietary"},
		{"Hippocratic-", "proprietary"},
		{"HPND", "permissive"},
		{"MIT-", "permissive"},
		{"X11-", "permissive"},
		{"BSD-", "permissive"},
		{"OLDAP-", "permissive"},
		{"Spencer-", "permissive"},
		{"SGI-B-", "permissive"},
		{"W3C", "permissive"},
		{"Unicode-", "permissive"},
		{"FSFUL", "permissive"},
		{"FSFAP", "permissive"},
		{"Linux-man-pages", "permissive"},
		{"Sun-PPP", "permissive"},
		{"SSH-", "permissive"},
		{"TU-Berlin-", "permissive"},
		{"Mackerras-", "permissive"},
		{"Brian-Gladman-", "permissive"},
		{"CMU-Mach", "permissive"},
		{"Boehm-GC", "permissive"},
		{"Adobe-", "permissive"},
		{"DocBook-", "permissive"},
		{"HP-19", "permissive"},
		{"libpng", "permissive"},
	}
	for _, r := range rules {
		if strings.HasPrefix(id, r.prefix) {
			return r.cat
		}
	}
	return ""
}

// obligations are the defaults of a category; curated lists and
// choosealicense refine them.
func obligations(cat, r string) ([]string, string) {
	switch cat {
	case "permissive":
		return []string{"attribution"}, ""
	case "weak-copyleft":
		if r == "" {
			r = "file"
		}
		return []string{"attribution", "disclose-source", "same-license"}, r
	case "strong-copyleft":
		if r == "" {
			r = "program"
		}
		return []string{"attribution", "state-changes", "disclose-source", "same-license"}, r
	case "network-copyleft":
		return []string{"attribution", "state-changes", "disclose-source", "same-license", "network-use-disclose"}, "program"
	case "non-commercial":
		return []string{"attribution"}, ""
	}
	return nil, ""
}

// chooseIDs maps a choosealicense id to the SPDX ids it stands for: the
// site names the GNU licenses by their old ids.
func chooseIDs(id string) []string {
	switch id {
	case "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0":
		return []string{id, id + "+", id + "-only", id + "-or-later"}
	}
	return []string{id}
}

// chooseObligations replaces the category defaults by the conditions the
// site lists, keeping the curated reach where the site is vaguer.
func chooseObligations(c chooseEntry, r string) ([]string, string) {
	var out []string
	for _, cond := range c.Conditions {
		switch cond {
		case "include-copyright", "include-copyright--source":
			out = add(out, "attribution")
		case "document-changes":
			out = add(out, "state-changes")
		case "disclose-source":
			out = add(out, "disclose-source")
		case "network-use-disclose":
			out = add(out, "network-use-disclose")
		case "same-license":
			out = add(out, "same-license")
			if r == "" {
				r = "program"
			}
		case "same-license--file":
			out = add(out, "same-license")
			r = "file"
		case "same-license--library":
			out = add(out, "same-license")
			r = "library"
		}
	}
	if !contains(out, "same-license") {
		r = ""
	}
	return out, r
}

func add(list []string, v string) []string {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func remove(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ordered sorts obligations in the order a reader meets them.
func ordered(list []string) []string {
	order := map[string]int{"attribution": 0, "state-changes": 1, "disclose-source": 2, "same-license": 3, "network-use-disclose": 4}
	sort.SliceStable(list, func(i, j int) bool { return order[list[i]] < order[list[j]] })
	return list
}

// laterVersions gives, for every id in a version range of the SPDX list,
// the concrete ids a "+" or -or-later form may be used under: its own
// version and every later one. The -or-later ids get the list of their
// base.
func laterVersions() map[string][]string {
	out := map[string][]string{}
	for _, fam := range spdxlicenses.LicenseRanges() {
		concrete := make([]string, len(fam))
		for i, group := range fam {
			concrete[i] = preferred(group)
		}
		for i, group := range fam {
			later := append([]string(nil), concrete[i:]...)
			for _, id := range group {
				if len(out[id]) == 0 || len(later) > len(out[id]) {
					out[id] = later
				}
				base := strings.TrimSuffix(id, "-only")
				out[base+"-or-later"] = later
				out[base+"+"] = later
			}
		}
	}
	return out
}

// preferred picks the id to name a version by: the -only form where there
// is one, else the plain id.
func preferred(group []string) string {
	for _, id := range group {
		if strings.HasSuffix(id, "-only") {
			return id
		}
	}
	return group[0]
}
