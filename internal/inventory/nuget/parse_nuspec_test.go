package nuget

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseNuspec(t *testing.T) {
	tests := []struct {
		file string
		want nuspec
	}{
		{"nuget-cache/newtonsoft.json/13.0.1/newtonsoft.json.nuspec", nuspec{
			ID: "Newtonsoft.Json", Version: "13.0.1", Authors: "James Newton-King",
			LicenseType: "expression", License: "MIT", LicenseURL: "https://licenses.nuget.org/MIT",
			ProjectURL: "https://www.newtonsoft.com/json", RepositoryURL: "https://github.com/JamesNK/Newtonsoft.Json",
		}},
		{"nuget-cache/microsoft.net.test.sdk/17.6.3/microsoft.net.test.sdk.nuspec", nuspec{
			ID: "Microsoft.NET.Test.Sdk", Version: "17.6.3", Authors: "Microsoft", Owners: "Microsoft",
			LicenseType: "file", License: "LICENSE_NET.txt", LicenseURL: "https://aka.ms/deprecateLicenseUrl",
			ProjectURL: "https://github.com/microsoft/vstest/", RepositoryURL: "https://github.com/microsoft/vstest",
		}},
		{"nuget-cache/configureawaitchecker.analyzer/5.0.0.1/configureawaitchecker.analyzer.nuspec", nuspec{
			ID: "ConfigureAwaitChecker.Analyzer", Version: "5.0.0.1", Authors: "Jiří Činčura",
			LicenseType: "expression", License: "MIT", LicenseURL: "https://licenses.nuget.org/MIT",
			ProjectURL: "https://github.com/cincuranet/ConfigureAwaitChecker", Development: true,
		}},
		{"nuget-cache/richardszalay.mockhttp/6.0.0/richardszalay.mockhttp.nuspec", nuspec{
			ID: "RichardSzalay.MockHttp", Version: "6.0.0", Authors: "Richard Szalay", Owners: "Richard Szalay",
			LicenseURL: "https://github.com/richardszalay/mockhttp/blob/master/LICENSE", ProjectURL: "https://github.com/richardszalay/mockhttp",
		}},
		{"nuspec/dotliquid.2.3.197.nuspec", nuspec{
			ID: "DotLiquid", Version: "2.3.197", Authors: "Tim Jones, Alessandro Petrelli", Owners: "Tim Jones",
			LicenseType: "expression", License: "Apache-2.0 OR MS-PL", LicenseURL: "https://licenses.nuget.org/Apache-2.0%20OR%20MS-PL",
			ProjectURL: "https://www.dotliquid.org/", RepositoryURL: "https://github.com/dotliquid/dotliquid.git",
		}},
		{"nuspec/microsoft.codecoverage.16.3.0.nuspec", nuspec{
			ID: "Microsoft.CodeCoverage", Version: "16.3.0", Authors: "Microsoft", Owners: "Microsoft",
			LicenseURL: "http://www.microsoft.com/web/webpi/eula/net_library_eula_enu.htm", ProjectURL: "https://github.com/microsoft/vstest/",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseNuspec(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseNuspecErrors(t *testing.T) {
	tests := []struct{ name, data, err string }{
		{"no metadata", `<package><files/></package>`, "no <metadata> element"},
		{"not a nuspec", `<Project/>`, "root element <Project>, not <package>: not a nuspec"},
		{"entity expansion", `<!DOCTYPE package [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><package><metadata><id>&b;</id></metadata></package>`, errDTD.Error()},
		{"parameter entity", `<!DOCTYPE package [<!ENTITY % ext SYSTEM "http://example.invalid/x.dtd"> %ext;]><package/>`, errDTD.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseNuspec([]byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
		})
	}
}

func FuzzParseNuspec(f *testing.F) {
	addSeeds(f, "testdata/nuget-cache/*/*/*.nuspec", "testdata/nuspec/*.nuspec")
	f.Fuzz(func(t *testing.T, data []byte) {
		ns, err := parseNuspec(data)
		if err != nil {
			return
		}
		if ns.LicenseType != strings.ToLower(ns.LicenseType) {
			t.Fatalf("license type %q not lower case", ns.LicenseType)
		}
		for _, s := range []string{ns.ID, ns.Version, ns.License, ns.LicenseURL, ns.ProjectURL, ns.RepositoryURL} {
			if s != strings.TrimSpace(s) {
				t.Fatalf("value %q not trimmed", s)
			}
		}
	})
}
