package knowledge

import (
	"strings"
	"testing"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
	"github.com/google/go-cmp/cmp"
)

// The categories of the ids users meet most, decided by hand from the
// license texts, not read back from the table.
func TestLookupCategory(t *testing.T) {
	tests := []struct {
		id   string
		want Category
	}{
		{"MIT", Permissive},
		{"mit", Permissive},
		{"Apache-2.0", Permissive},
		{"BSD-2-Clause", Permissive},
		{"BSD-3-Clause", Permissive},
		{"ISC", Permissive},
		{"0BSD", Permissive},
		{"Zlib", Permissive},
		{"BSL-1.0", Permissive},
		{"Python-2.0", Permissive},
		{"CC-BY-4.0", Permissive},
		{"CC-BY-3.0", Permissive},
		{"Artistic-2.0", Permissive},
		{"BlueOak-1.0.0", Permissive},
		{"Unicode-DFS-2016", Permissive},
		{"HPND-sell-variant", Permissive},
		{"X11-distribute-modifications-variant", Permissive},
		{"CC0-1.0", PublicDomain},
		{"Unlicense", PublicDomain},
		{"PDDL-1.0", PublicDomain},
		{"LGPL-2.1-only", WeakCopyleft},
		{"LGPL-3.0-or-later", WeakCopyleft},
		{"LGPL-2.1", WeakCopyleft},
		{"MPL-2.0", WeakCopyleft},
		{"EPL-2.0", WeakCopyleft},
		{"CDDL-1.1", WeakCopyleft},
		{"OFL-1.1", WeakCopyleft},
		{"GPL-2.0-only", StrongCopyleft},
		{"GPL-2.0-or-later", StrongCopyleft},
		{"GPL-2.0+", StrongCopyleft},
		{"GPL-3.0", StrongCopyleft},
		{"GPL-3.0-or-later", StrongCopyleft},
		{"EUPL-1.2", StrongCopyleft},
		{"CC-BY-SA-4.0", StrongCopyleft},
		{"GFDL-1.3-or-later", StrongCopyleft},
		{"AGPL-3.0-only", NetworkCopyleft},
		{"AGPL-3.0", NetworkCopyleft},
		{"SSPL-1.0", NetworkCopyleft},
		{"CC-BY-NC-4.0", NonCommercial},
		{"CC-BY-NC-SA-3.0", NonCommercial},
		{"PolyForm-Noncommercial-1.0.0", NonCommercial},
		{"BUSL-1.1", Proprietary},
		{"Elastic-2.0", Proprietary},
		{"CC-BY-ND-4.0", Proprietary},
		{"LicenseRef-ospo-proprietary", Proprietary},
		{"LicenseRef-foo", Unknown},
		{"NOASSERTION", Unknown},
		{"Not-A-License", Unknown},
		{"GPL-2.0-with-classpath-exception", WeakCopyleft},
		{"Apache-2.0+", Permissive},
		{"BSD-4-Clause", Permissive},
		{"BSD-2-Clause-Patent", Permissive},
		{"PostgreSQL", Permissive},
		{"NCSA", Permissive},
		{"UPL-1.0", Permissive},
		{"MS-PL", Permissive},
		{"Artistic-1.0-Perl", Permissive},
		{"OpenSSL", Permissive},
		{"Unicode-3.0", Permissive},
		{"ICU", Permissive},
		{"WTFPL", Permissive},
		{"MIT-0", Permissive},
		{"PSF-2.0", Permissive},
		{"HPND", Permissive},
		{"X11", Permissive},
		{"Ruby", Permissive},
		{"PHP-3.01", Permissive},
		{"CECILL-B", Permissive},
		{"MulanPSL-2.0", Permissive},
		{"CC-PDDC", PublicDomain},
		{"blessing", PublicDomain},
		{"MS-RL", WeakCopyleft},
		{"EPL-1.0", WeakCopyleft},
		{"CDDL-1.0", WeakCopyleft},
		{"CPL-1.0", WeakCopyleft},
		{"LGPL-2.0-or-later", WeakCopyleft},
		{"OFL-1.1-RFN", WeakCopyleft},
		{"CECILL-C", WeakCopyleft},
		{"Vim", WeakCopyleft},
		{"ODbL-1.0", WeakCopyleft},
		{"OSL-3.0", StrongCopyleft},
		{"Sleepycat", StrongCopyleft},
		{"GFDL-1.2-only", StrongCopyleft},
		{"CC-BY-SA-3.0", StrongCopyleft},
		{"EUPL-1.1", StrongCopyleft},
		{"CECILL-2.1", StrongCopyleft},
		{"AGPL-1.0-or-later", NetworkCopyleft},
		{"CPAL-1.0", NetworkCopyleft},
		{"RPL-1.5", NetworkCopyleft},
		{"CC-BY-NC-ND-4.0", NonCommercial},
		{"NCGL-UK-2.0", NonCommercial},
		{"PolyForm-Small-Business-1.0.0", Proprietary},
		{"JSON", Proprietary},
		{"Hippocratic-2.1", Proprietary},
		{"SSPL-1.0 ", NetworkCopyleft},
	}
	for _, tt := range tests {
		got, _ := Lookup(tt.id)
		if got.Category != tt.want {
			t.Errorf("Lookup(%q).Category = %q, want %q (basis %s)", tt.id, got.Category, tt.want, got.Basis)
		}
	}
}

func TestLookupFields(t *testing.T) {
	tests := []struct {
		id   string
		ok   bool
		want Info
	}{
		{"apache-2.0", true, Info{ID: "Apache-2.0", Category: Permissive, OSIApproved: true, FSFLibre: true,
			Obligations: []Obligation{Attribution, StateChanges}, PatentGrant: true, GPL: "v3", OrLater: []string{"Apache-2.0"}}},
		{"GPL-2.0+", true, Info{ID: "GPL-2.0+", Category: StrongCopyleft, OSIApproved: true, FSFLibre: true,
			Deprecated: true, ReplacedBy: "GPL-2.0-or-later",
			Obligations: []Obligation{Attribution, StateChanges, DiscloseSource, SameLicense}, Reach: ReachProgram,
			GPL: "v2+v3", OrLater: []string{"GPL-2.0-only", "GPL-3.0-only"}}},
		{"LGPL-2.1-only", true, Info{ID: "LGPL-2.1-only", Category: WeakCopyleft, OSIApproved: true, FSFLibre: true,
			Obligations: []Obligation{Attribution, StateChanges, DiscloseSource, SameLicense}, Reach: ReachLibrary,
			GPL: "v2+v3", OrLater: []string{"LGPL-2.1-only", "LGPL-3.0-only"}}},
		{"MPL-2.0", true, Info{ID: "MPL-2.0", Category: WeakCopyleft, OSIApproved: true, FSFLibre: true,
			Obligations: []Obligation{Attribution, DiscloseSource, SameLicense}, Reach: ReachFile, PatentGrant: true,
			GPL: "v2+v3", OrLater: []string{"MPL-2.0"}}},
		{"AGPL-3.0-or-later", true, Info{ID: "AGPL-3.0-or-later", Category: NetworkCopyleft, OSIApproved: true, FSFLibre: true,
			Obligations: []Obligation{Attribution, StateChanges, DiscloseSource, SameLicense, NetworkUseDisclose},
			Reach:       ReachProgram, PatentGrant: true, GPL: "v3", OrLater: []string{"AGPL-3.0-only"}}},
		{"0BSD", true, Info{ID: "0BSD", Category: Permissive, OSIApproved: true, GPL: "v2+v3"}},
		{"LicenseRef-x", false, Info{ID: "LicenseRef-x", Category: Unknown}},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.id)
		if ok != tt.ok {
			t.Errorf("Lookup(%q) ok = %v, want %v", tt.id, ok, tt.ok)
		}
		got.Name, got.Basis = "", ""
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestWith(t *testing.T) {
	tests := []struct {
		license, exception string
		want               Category
		reach              Reach
	}{
		{"GPL-2.0-only", "Classpath-exception-2.0", WeakCopyleft, ReachLibrary},
		{"GPL-3.0-or-later", "GCC-exception-3.1", WeakCopyleft, ReachLibrary},
		{"GPL-2.0-or-later", "Bison-exception-2.2", WeakCopyleft, ReachFile},
		{"Apache-2.0", "LLVM-exception", Permissive, ""},
		{"GPL-2.0-only", "openvpn-openssl-exception", StrongCopyleft, ReachProgram},
		{"GPL-2.0-only", "Made-Up-exception", StrongCopyleft, ReachProgram},
		{"AGPL-3.0-only", "Classpath-exception-2.0", NetworkCopyleft, ReachProgram},
		{"LGPL-2.1-only", "", WeakCopyleft, ReachLibrary},
	}
	for _, tt := range tests {
		got := With(tt.license, tt.exception)
		if got.Category != tt.want || got.Reach != tt.reach {
			t.Errorf("With(%q, %q) = %s/%s, want %s/%s", tt.license, tt.exception, got.Category, got.Reach, tt.want, tt.reach)
		}
	}
}

// The table must cover the whole SPDX list go-spdx validates against, so
// that no valid id is silently unknown.
func TestTableCoversSPDX(t *testing.T) {
	for _, id := range append(spdxlicenses.GetLicenses(), spdxlicenses.GetDeprecated()...) {
		if _, ok := Lookup(id); !ok {
			t.Errorf("license %s is missing from licenses.json", id)
		}
	}
	for _, id := range spdxlicenses.GetExceptions() {
		if _, ok := LookupException(id); !ok {
			t.Errorf("exception %s is missing from licenses.json", id)
		}
	}
	if got, want := SPDXListVersion(), spdxlicenses.LicenseListVersion(); got != want {
		t.Errorf("licenses.json is from SPDX list %s, go-spdx has %s: run go generate", got, want)
	}
}

// Invariants every row keeps, whatever the rules that made it.
func TestTableInvariants(t *testing.T) {
	unknown := 0
	for _, l := range Licenses() {
		if !l.Category.Valid() {
			t.Errorf("%s: category %q", l.ID, l.Category)
		}
		if l.Category == Unknown {
			unknown++
		}
		if l.Has(SameLicense) != (l.Reach != "") {
			t.Errorf("%s: same-license %v but reach %q", l.ID, l.Has(SameLicense), l.Reach)
		}
		switch l.Category {
		case StrongCopyleft, NetworkCopyleft, WeakCopyleft:
			if !l.Has(SameLicense) && !strings.HasPrefix(l.ID, "CC-") && !strings.HasPrefix(l.ID, "LPPL") {
				t.Errorf("%s: copyleft without same-license", l.ID)
			}
		case PublicDomain:
			if len(l.Obligations) != 0 {
				t.Errorf("%s: public domain with obligations %v", l.ID, l.Obligations)
			}
		}
		if l.Category == NetworkCopyleft && !l.Has(NetworkUseDisclose) {
			t.Errorf("%s: network copyleft without network-use-disclose", l.ID)
		}
		if l.Deprecated && l.ReplacedBy == "" {
			t.Errorf("%s: deprecated without replacement", l.ID)
		}
		if l.ReplacedBy != "" {
			for _, f := range strings.Fields(l.ReplacedBy) {
				if f == "AND" || f == "OR" || f == "WITH" {
					continue
				}
				_, okL := Lookup(f)
				_, okE := LookupException(f)
				if !okL && !okE {
					t.Errorf("%s: replacement %q names unknown %s", l.ID, l.ReplacedBy, f)
				}
			}
		}
		for _, v := range l.OrLater {
			if _, ok := Lookup(v); !ok {
				t.Errorf("%s: or-later version %s unknown", l.ID, v)
			}
		}
		switch l.GPL {
		case "", "v2", "v3", "v2+v3", "no":
		default:
			t.Errorf("%s: gpl %q", l.ID, l.GPL)
		}
	}
	// The unknown ones are the few nobody could decide; a jump means a rule
	// broke.
	if unknown > 25 {
		t.Errorf("%d licenses are unknown, want at most 25", unknown)
	}
	for _, e := range Exceptions() {
		switch e.Effect {
		case EffectLinking, EffectOutput, EffectOther:
		default:
			t.Errorf("exception %s: effect %q", e.ID, e.Effect)
		}
	}
}

func TestLookupException(t *testing.T) {
	tests := []struct {
		id   string
		want Effect
		ok   bool
	}{
		{"Classpath-exception-2.0", EffectLinking, true},
		{"classpath-exception-2.0", EffectLinking, true},
		{"LLVM-exception", EffectLinking, true},
		{"Bison-exception-2.2", EffectOutput, true},
		{"openvpn-openssl-exception", EffectOther, true},
		{"Nope-exception", EffectOther, false},
	}
	for _, tt := range tests {
		got, ok := LookupException(tt.id)
		if got.Effect != tt.want || ok != tt.ok {
			t.Errorf("LookupException(%q) = %s, %v; want %s, %v", tt.id, got.Effect, ok, tt.want, tt.ok)
		}
	}
}

func TestCategoryAndModelValid(t *testing.T) {
	if Category("copyleft").Valid() || !StrongCopyleft.Valid() {
		t.Error("Category.Valid is wrong")
	}
	if DistributionModel("cloud").Valid() || !SaaS.Valid() {
		t.Error("DistributionModel.Valid is wrong")
	}
}

// Indexing must leave the embedded data as it found it: a second index
// sees the same table.
func TestIndexRepeatable(t *testing.T) {
	a, b := index(data), index(data)
	if len(a.licenses) < 700 || len(a.licenses) != len(b.licenses) || len(a.exceptions) != len(b.exceptions) || a.version != b.version || a.version == "" {
		t.Errorf("index(data) twice: %d/%d licenses, %d/%d exceptions, versions %q/%q",
			len(a.licenses), len(b.licenses), len(a.exceptions), len(b.exceptions), a.version, b.version)
	}
}

// Lookups from many goroutines (a server evaluating scans in parallel)
// decode each line once and agree.
func TestLookupConcurrent(t *testing.T) {
	ids := []string{"MIT", "GPL-2.0-or-later", "Apache-2.0", "LGPL-2.1-only", "AGPL-3.0-only"}
	done := make(chan Info, 8*len(ids))
	for g := 0; g < 8; g++ {
		go func() {
			for _, id := range ids {
				info, _ := Lookup(id)
				done <- info
			}
		}()
	}
	for i := 0; i < 8*len(ids); i++ {
		if info := <-done; info.Category == Unknown || info.Name == "" {
			t.Errorf("concurrent Lookup gave %+v", info)
		}
	}
}
