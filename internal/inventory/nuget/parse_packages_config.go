package nuget

import (
	"fmt"
	"strings"
)

// configPackage is one package of a packages.config, the file projects
// used before PackageReference. It lists every package installed, direct
// or not, at one exact version.
type configPackage struct {
	ID, Version string
	// TargetFramework is the framework the package was installed for.
	TargetFramework string
	// Development marks packages (analyzers, build tools) that are not
	// passed on to the project's consumers.
	Development bool
}

// parsePackagesConfig reads a packages.config. Entries without an id are
// left out.
func parsePackagesConfig(data []byte) ([]configPackage, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(root.Name, "packages") {
		return nil, fmt.Errorf("root element <%s>, not <packages>: not a packages.config", root.Name)
	}
	var out []configPackage
	for _, n := range root.Children {
		if !strings.EqualFold(n.Name, "package") {
			continue
		}
		id, _ := n.attr("id")
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		version, _ := n.attr("version")
		tfm, _ := n.attr("targetFramework")
		dev, _ := n.attr("developmentDependency")
		out = append(out, configPackage{
			ID:              id,
			Version:         strings.TrimSpace(version),
			TargetFramework: strings.TrimSpace(tfm),
			Development:     strings.EqualFold(strings.TrimSpace(dev), "true"),
		})
	}
	return out, nil
}
