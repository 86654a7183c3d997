package python

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// metaSummary is what the extractor takes from a metadata file.
type metaSummary struct {
	Name, Version                  string
	Declared                       []string
	Supplier, Homepage, Repository string
	LicenseFiles                   []string
	Requires                       int
}

func summarizeMeta(m *metadata) metaSummary {
	return metaSummary{
		Name: m.Name, Version: m.Version, Declared: m.declaredLicenses(),
		Supplier: m.supplier(), Homepage: m.homepage(), Repository: m.repository(),
		LicenseFiles: m.LicenseFiles, Requires: len(m.RequiresDist),
	}
}

func TestParseMetadataFixtures(t *testing.T) {
	venv := "venv-project/.venv/lib/python3.11/site-packages/"
	tests := []struct {
		file string
		want metaSummary
	}{
		{
			// Metadata 2.1 from a wheel: a short License and a classifier.
			file: "debian/dist-packages/PyYAML-6.0.dist-info/METADATA",
			want: metaSummary{Name: "PyYAML", Version: "6.0", Declared: []string{"MIT"}, Supplier: "Kirill Simonov",
				Homepage: "https://pyyaml.org/", Repository: "https://github.com/yaml/pyyaml", LicenseFiles: []string{"LICENSE"}},
		},
		{
			// Metadata 1.1 with the description folded into the headers:
			// the headers after it are read too.
			file: "debian/dist-packages/pycairo-1.20.1.egg-info",
			want: metaSummary{Name: "pycairo", Version: "1.20.1", Declared: []string{"LGPL-2.1-only OR MPL-1.1"}, Supplier: "Christoph Reiter",
				Homepage: "https://pycairo.readthedocs.io"},
		},
		{
			// Metadata 1.0 written by distutils: UNKNOWN means absent.
			file: "debian/dist-packages/cupshelpers-1.0-py3.10.egg-info",
			want: metaSummary{Name: "cupshelpers", Version: "1.0", Supplier: "Tim Waugh"},
		},
		{
			// A License value spelled out in words stays as written.
			file: "debian/dist-packages/pyOpenSSL-23.0.0.egg-info/PKG-INFO",
			want: metaSummary{Name: "pyOpenSSL", Version: "23.0.0", Declared: []string{"Apache License, Version 2.0"}, Supplier: "The pyOpenSSL developers",
				Homepage: "https://pyopenssl.org/", Repository: "https://github.com/pyca/pyopenssl", LicenseFiles: []string{"LICENSE"}},
		},
		{
			// PEP 639: License-Expression wins; requirements with extras
			// are still listed here.
			file: "metadata/urllib3-2.7.0.METADATA",
			want: metaSummary{Name: "urllib3", Version: "2.7.0", Declared: []string{"MIT"}, Supplier: "Andrey Petrov",
				Repository: "https://github.com/urllib3/urllib3", LicenseFiles: []string{"LICENSE.txt"}, Requires: 5},
		},
		{
			// A License field holding a whole text: the classifier says
			// more.
			file: "metadata/libcst-1.0.1.METADATA",
			want: metaSummary{Name: "libcst", Version: "1.0.1", Declared: []string{"MIT"},
				Repository: "https://github.com/Instagram/LibCST", LicenseFiles: []string{"LICENSE"}, Requires: 24},
		},
		{
			// "Dual License" names no license: the classifiers do, the
			// family name "BSD" kept ambiguous.
			file: "metadata/python_dateutil-2.9.0.post0.METADATA",
			want: metaSummary{Name: "python-dateutil", Version: "2.9.0.post0", Declared: []string{"BSD", "Apache-2.0"}, Supplier: "Gustavo Niemeyer",
				Homepage: "https://github.com/dateutil/dateutil", Repository: "https://github.com/dateutil/dateutil", LicenseFiles: []string{"LICENSE"}, Requires: 1},
		},
		{
			// A short sentence is kept as written for the normaliser.
			file: "metadata/docutils-0.19.METADATA",
			want: metaSummary{Name: "docutils", Version: "0.19", Declared: []string{"public domain, Python, 2-Clause BSD, GPL 3 (see COPYING.txt)"}, Supplier: "David Goodger",
				Homepage: "https://docutils.sourceforge.io/"},
		},
		{
			// A quoted display name holding commas is one name.
			file: venv + "typing_extensions-4.15.0.dist-info/METADATA",
			want: metaSummary{Name: "typing_extensions", Version: "4.15.0", Declared: []string{"PSF-2.0"}, Supplier: "Guido van Rossum, Jukka Lehtosalo, Łukasz Langa, Michael Lee",
				Homepage: "https://github.com/python/typing_extensions", Repository: "https://github.com/python/typing_extensions", LicenseFiles: []string{"LICENSE"}},
		},
		{
			file: venv + "flask-3.1.3.dist-info/METADATA",
			want: metaSummary{Name: "Flask", Version: "3.1.3", Declared: []string{"BSD-3-Clause"}, Supplier: "Pallets",
				Repository: "https://github.com/pallets/flask/", LicenseFiles: []string{"LICENSE.txt"}, Requires: 9},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(filepath.Dir(tt.file))+"/"+filepath.Base(tt.file), func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			m, err := parseMetadata(f, maxMetadataSize)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarizeMeta(m)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMetadataCases(t *testing.T) {
	tests := []struct {
		name, in string
		want     metaSummary
		err      error
	}{
		{"crlf and bom", "\ufeffName: a\r\nVersion: 1\r\nLicense: MIT\r\n\r\nbody\r\n", metaSummary{Name: "a", Version: "1", Declared: []string{"MIT"}}, nil},
		{"no blank line at end", "Name: a\nVersion: 1", metaSummary{Name: "a", Version: "1"}, nil},
		{"body not read", "Name: a\nVersion: 1\n\nLicense: GPL\n", metaSummary{Name: "a", Version: "1"}, nil},
		{"headers end at a non-header", "Name: a\nVersion: 1\nthis is prose\nLicense: GPL\n", metaSummary{Name: "a", Version: "1"}, nil},
		{"continued license with classifier", "Name: a\nLicense: Copyright (c) 2020\n        Permission is granted\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n", metaSummary{Name: "a", Declared: []string{"ISC"}}, nil},
		{"continued license alone", "Name: a\nLicense: Copyright (c) 2020\n       |Permission is granted\n", metaSummary{Name: "a", Declared: []string{"Copyright (c) 2020\nPermission is granted"}}, nil},
		{"file reference gives way to classifiers", "Name: a\nLicense: LICENSE.txt\nClassifier: License :: OSI Approved :: MIT License\n", metaSummary{Name: "a", Declared: []string{"MIT"}}, nil},
		{"file reference alone is kept", "Name: a\nLicense: LICENSE.txt\n", metaSummary{Name: "a", Declared: []string{"LICENSE.txt"}}, nil},
		{"unknown classifier kept in words", "Name: a\nClassifier: License :: Other/Proprietary License\nClassifier: License :: OSI Approved\n", metaSummary{Name: "a", Declared: []string{"Other/Proprietary License"}}, nil},
		{"maintainer when no author", "Name: a\nMaintainer-email: Jane Roe <jane@example.org>, Joe <joe@example.org>\n", metaSummary{Name: "a", Supplier: "Jane Roe"}, nil},
		{"bare address", "Name: a\nAuthor-email: dev@example.org\n", metaSummary{Name: "a", Supplier: "dev@example.org"}, nil},
		{"homepage from project urls", "Name: a\nProject-URL: Home Page, https://a.example\nProject-URL: Source-Code, https://src.example\n", metaSummary{Name: "a", Homepage: "https://a.example", Repository: "https://src.example"}, nil},
		{"no name", "Version: 1\n", metaSummary{Version: "1"}, errNoMetadataName},
		{"empty", "", metaSummary{}, errNoMetadataName},
		{"not metadata", "{\"name\": \"a\"}\n", metaSummary{}, errNoMetadataName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseMetadata(strings.NewReader(tt.in), 1<<20)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, summarizeMeta(m)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMetadataBounded(t *testing.T) {
	in := "Name: a\nDescription: " + strings.Repeat("x", 100) + "\n"
	if _, err := parseMetadata(strings.NewReader(in), 64); err == nil || !strings.Contains(err.Error(), "exceed") {
		t.Errorf("err = %v, want headers too large", err)
	}
	long := "Name: a\nDescription: " + strings.Repeat("y", 100<<10) + "\nLicense: MIT\n"
	m, err := parseMetadata(strings.NewReader(long), 1<<20)
	if err != nil || m.License != "MIT" {
		t.Errorf("a header line longer than the read buffer: %v, license %q", err, m.License)
	}
}

func TestLicenseClassifiers(t *testing.T) {
	in := []string{
		"Development Status :: 5 - Production/Stable",
		"License :: OSI Approved :: Apache Software License",
		"License :: OSI Approved :: BSD License",
		"License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)",
		"License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
		"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
		"License :: OSI Approved :: Python Software Foundation License",
		"License :: OSI Approved :: Zope Public License",
		"License :: OSI Approved :: MIT License",
		"License :: OSI Approved :: MIT License",
		"License :: OSI Approved",
		"License :: DFSG approved",
		"License :: Public Domain",
	}
	want := []string{"Apache-2.0", "BSD", "GPL-2.0-or-later", "LGPL-3.0-or-later", "MPL-2.0", "PSF-2.0", "Zope Public License", "MIT", "Public Domain"}
	if diff := cmp.Diff(want, licenseClassifiers(in)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseRequiresTxt(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "debian", "dist-packages", "lazr.restfulclient-0.14.5.egg-info", "requires.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := parseRequiresTxt(data)
	want := []string{
		`httplib2 ; (python_version < "3")`,
		`Sphinx ; extra == "docs"`,
		`fixtures>=1.3.0 ; extra == "test"`,
		`lazr.authentication ; extra == "test"`,
		`lazr.restful>=0.11.0 ; extra == "test"`,
		`oauth ; extra == "test"`,
		`testtools ; extra == "test"`,
		`wsgi_intercept ; extra == "test"`,
		`zope.testrunner ; extra == "test"`,
		`mock ; extra == "test" and (python_version < "3")`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var edges []string
	for _, r := range got {
		if req, ok := parseRequirement(r); ok && !markerNamesExtra(req.Marker) {
			edges = append(edges, req.Name)
		}
	}
	if diff := cmp.Diff([]string{"httplib2"}, edges); diff != "" {
		t.Errorf("requirements that are edges (-want +got):\n%s", diff)
	}
}

// metadataSeeds adds every metadata file of testdata to a fuzz corpus.
func metadataSeeds(f *testing.F) {
	for _, glob := range []string{"testdata/*/*/*.dist-info/METADATA", "testdata/*/*/*.egg-info/PKG-INFO", "testdata/*/*/*.egg-info", "testdata/metadata/*", "testdata/*/.venv/lib/*/site-packages/*/METADATA"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzParseMetadata(f *testing.F) {
	metadataSeeds(f)
	f.Add([]byte("Name: a\n\tcontinued\n       |pipe\nLicense:\nClassifier: License ::\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMetadata(bytes.NewReader(data), 1<<20)
		if err != nil {
			if m != nil && m.Name != "" {
				t.Fatalf("error %v with a name %q", err, m.Name)
			}
			return
		}
		if m.Name == "" {
			t.Fatal("accepted metadata without a name")
		}
		for _, d := range m.declaredLicenses() {
			if strings.TrimSpace(d) == "" {
				t.Fatalf("empty declared license from %q", data)
			}
		}
		_ = m.supplier()
		for _, r := range m.RequiresDist {
			if req, ok := parseRequirement(r); ok && req.Name == "" {
				t.Fatalf("requirement %q without a name", r)
			}
		}
	})
}
