package vuln

import (
	"testing"

	"ospo/internal/vuln/osv"
)

func TestSeverityOf(t *testing.T) {
	v3 := func(s string) osv.Severity { return osv.Severity{Type: "CVSS_V3", Score: s} }
	tests := []struct {
		name string
		rec  osv.Record
		want Severity
	}{
		{"CVSS 3.1, all high", osv.Record{Severity: []osv.Severity{v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")}},
			Severity{Critical, 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V3"}},
		{"CVSS 3.0", osv.Record{Severity: []osv.Severity{v3("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N")}},
			Severity{Medium, 5.4, "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", "CVSS_V3"}},
		{"CVSS 4.0 preferred over 3.1", osv.Record{Severity: []osv.Severity{
			v3("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"),
			{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}},
			Severity{Critical, 9.3, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS_V4"}},
		{"CVSS 2 on NVD's scale", osv.Record{Severity: []osv.Severity{{Type: "CVSS_V2", Score: "AV:N/AC:L/Au:N/C:P/I:P/A:P"}}},
			Severity{High, 7.5, "AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS_V2"}},
		{"the database's own rating", osv.Record{DatabaseSpecific: map[string]any{"severity": "MODERATE"}},
			Severity{Level: Medium, Source: "database: MODERATE"}},
		{"a broken vector falls back to the rating", osv.Record{Severity: []osv.Severity{v3("CVSS:3.1/AV:X")}, DatabaseSpecific: map[string]any{"severity": "LOW"}},
			Severity{Level: Low, Source: "database: LOW"}},
		{"affected entry's own severity wins", osv.Record{Severity: []osv.Severity{v3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")},
			Affected: []osv.Affected{{Severity: []osv.Severity{v3("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N")}}}},
			Severity{Low, 1.8, "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", "CVSS_V3"}},
		{"nothing to rate", osv.Record{}, Severity{Level: Unknown}},
	}
	for _, tt := range tests {
		if got := SeverityOf(&tt.rec, 0); got != tt.want {
			t.Errorf("%s: %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

func TestLevelRank(t *testing.T) {
	if !Unknown.AtLeast(Low) || Unknown.AtLeast(Medium) || !Critical.AtLeast(High) || Low.AtLeast(Medium) {
		t.Error("level order: critical > high > medium > unknown > low > none")
	}
}
