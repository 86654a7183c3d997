package nuget

import (
	"fmt"
	"strings"
)

// nuspec is the metadata of a package, as its .nuspec states it.
type nuspec struct {
	ID, Version string
	Authors     string
	Owners      string
	// LicenseType is "expression" or "file" when the package has a
	// <license> element; License is its text (an SPDX expression, or a
	// path inside the package).
	LicenseType, License string
	// LicenseURL is the deprecated <licenseUrl>.
	LicenseURL    string
	ProjectURL    string
	RepositoryURL string
	Development   bool
}

// parseNuspec reads a .nuspec manifest.
func parseNuspec(data []byte) (*nuspec, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(root.Name, "package") {
		return nil, fmt.Errorf("root element <%s>, not <package>: not a nuspec", root.Name)
	}
	md := root.child("metadata")
	if md == nil {
		return nil, fmt.Errorf("no <metadata> element")
	}
	text := func(name string) string {
		if c := md.child(name); c != nil {
			return strings.TrimSpace(c.Text)
		}
		return ""
	}
	ns := &nuspec{
		ID:          text("id"),
		Version:     text("version"),
		Authors:     text("authors"),
		Owners:      text("owners"),
		LicenseURL:  text("licenseUrl"),
		ProjectURL:  text("projectUrl"),
		Development: strings.EqualFold(text("developmentDependency"), "true"),
	}
	if l := md.child("license"); l != nil {
		t, _ := l.attr("type")
		ns.LicenseType = strings.ToLower(strings.TrimSpace(t))
		ns.License = strings.TrimSpace(l.Text)
	}
	if r := md.child("repository"); r != nil {
		u, _ := r.attr("url")
		ns.RepositoryURL = strings.TrimSpace(u)
	}
	return ns, nil
}
