package nuget

import (
	"fmt"
	"strings"
)

// projectFile is what this package reads of an MSBuild file: a project
// (*.csproj, *.fsproj, *.vbproj) or one of the files MSBuild imports into
// every project below it (Directory.Build.props, Directory.Packages.props).
// Conditions are not evaluated: every item is taken, as a lock file merges
// every target framework.
type projectFile struct {
	// Sdk is the Project element's Sdk attribute (Microsoft.NET.Sdk,
	// MSTest.Sdk/3.6.1).
	Sdk string
	// Properties are the PropertyGroup values by lower-case name; a later
	// definition replaces an earlier one, as in MSBuild.
	Properties map[string]string
	// References are the PackageReference items with Include, in order.
	References []packageRef
	// Updates are PackageReference items with Update, which change the
	// metadata of references included elsewhere.
	Updates []packageRef
	// Versions are central PackageVersion items (Directory.Packages.props).
	Versions []packageRef
	// Globals are GlobalPackageReference items: references every project
	// gets, never passed on to its consumers.
	Globals []packageRef
}

// packageRef is one package item.
type packageRef struct {
	Name            string
	Version         string // as written, properties not expanded
	VersionOverride string
	// PrivateAssets is the PrivateAssets metadata. "all" keeps the package
	// from flowing to the project's consumers: analyzers, build tools and
	// other development dependencies.
	PrivateAssets string
}

// development reports whether the reference is a development dependency.
func (r packageRef) development() bool {
	for _, a := range strings.Split(r.PrivateAssets, ";") {
		if strings.EqualFold(strings.TrimSpace(a), "all") {
			return true
		}
	}
	return false
}

// parseProjectFile reads an MSBuild project or props file.
func parseProjectFile(data []byte) (*projectFile, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(root.Name, "Project") {
		return nil, fmt.Errorf("root element <%s>, not <Project>: not an MSBuild file", root.Name)
	}
	pf := &projectFile{Properties: map[string]string{}}
	pf.Sdk, _ = root.attr("Sdk")
	pf.walk(root)
	return pf, nil
}

// walk reads the property and item groups of an element, descending into
// Choose/When/Otherwise, MSBuild's if-else.
func (pf *projectFile) walk(n *xmlNode) {
	for _, c := range n.Children {
		switch strings.ToLower(c.Name) {
		case "propertygroup":
			for _, p := range c.Children {
				pf.Properties[strings.ToLower(p.Name)] = strings.TrimSpace(p.Text)
			}
		case "itemgroup":
			pf.items(c)
		case "choose", "when", "otherwise":
			pf.walk(c)
		}
	}
}

// items reads the package items of an ItemGroup.
func (pf *projectFile) items(group *xmlNode) {
	for _, it := range group.Children {
		var list *[]packageRef
		switch strings.ToLower(it.Name) {
		case "packagereference":
			list = &pf.References
		case "packageversion":
			list = &pf.Versions
		case "globalpackagereference":
			list = &pf.Globals
		default:
			continue
		}
		ref := packageRef{
			Version:         it.value("Version"),
			VersionOverride: it.value("VersionOverride"),
			PrivateAssets:   it.value("PrivateAssets"),
		}
		if include, ok := it.attr("Include"); ok {
			for _, name := range splitItems(include) {
				ref.Name = name
				*list = append(*list, ref)
			}
			continue
		}
		if update, ok := it.attr("Update"); ok && list == &pf.References {
			for _, name := range splitItems(update) {
				ref.Name = name
				pf.Updates = append(pf.Updates, ref)
			}
			continue
		}
		if remove, ok := it.attr("Remove"); ok {
			for _, name := range splitItems(remove) {
				*list = removeRef(*list, name)
			}
		}
	}
}

// splitItems splits an Include list: MSBuild separates items with ";".
func splitItems(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func removeRef(list []packageRef, name string) []packageRef {
	out := list[:0]
	for _, r := range list {
		if !strings.EqualFold(r.Name, name) {
			out = append(out, r)
		}
	}
	return out
}

// Bounds of property expansion: properties that refer to each other in a
// cycle, or expand to ever longer text, stop there.
const (
	maxExpansions  = 16
	maxExpandedLen = 4096
)

// expand replaces $(Name) references with the properties' values. It
// reports false when a reference is left that no property defines: a
// property function, or a property set on the command line, cannot be
// known without running MSBuild.
func expand(s string, props map[string]string) (string, bool) {
	for range maxExpansions {
		out, changed, unresolved := expandOnce(s, props)
		if len(out) > maxExpandedLen {
			return s, false
		}
		if !changed {
			return out, !unresolved
		}
		s = out
	}
	return s, !strings.Contains(s, "$(")
}

// expandOnce replaces each reference of s once.
func expandOnce(s string, props map[string]string) (out string, changed, unresolved bool) {
	var b strings.Builder
	for {
		i := strings.Index(s, "$(")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			b.WriteString(s)
			unresolved = true
			break
		}
		b.WriteString(s[:i])
		ref := s[i : i+j+1]
		if v, ok := props[strings.ToLower(strings.TrimSpace(ref[2:len(ref)-1]))]; ok {
			b.WriteString(v)
			changed = true
		} else {
			b.WriteString(ref)
			unresolved = true
		}
		s = s[i+j+1:]
	}
	return b.String(), changed, unresolved
}
