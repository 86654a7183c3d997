// Package yamlpos tells where values stand in a YAML document, so that
// checks made after decoding (a value out of range, a name not known)
// can name the line, as the decoder's own errors do.
package yamlpos

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Lines maps the dotted path of every mapping key and sequence item of
// root to its line: "severity.critical", "licenses.allow[2]",
// "exceptions[0].expires". A key written twice keeps its first line.
func Lines(root *yaml.Node) map[string]int {
	lines := map[string]int{}
	index(root, "", lines)
	return lines
}

func index(n *yaml.Node, path string, lines map[string]int) {
	if n == nil {
		return
	}
	set := func(p string, line int) {
		if _, seen := lines[p]; !seen {
			lines[p] = line
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			index(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			set(p, k.Line)
			index(v, p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			set(p, c.Line)
			index(c, p, lines)
		}
	}
}
