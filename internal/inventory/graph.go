package inventory

import "sort"

// AddEdge records that from depends on to (keys as Component.Key, RootKey
// for the project itself). Duplicate edges are ignored.
func (p *Project) AddEdge(from, to string) {
	if p.Edges == nil {
		p.Edges = map[string][]string{}
	}
	for _, x := range p.Edges[from] {
		if x == to {
			return
		}
	}
	p.Edges[from] = append(p.Edges[from], to)
}

// ComputePaths sets Direct and Paths of every component from Edges: the
// shortest dependency paths from the project root, at most MaxPaths each.
// Components that the graph does not reach keep what the extractor set.
func (p *Project) ComputePaths() {
	byKey := make(map[string]*Component, len(p.Components))
	for _, c := range p.Components {
		byKey[c.Key()] = c
	}
	paths := map[string][][]string{RootKey: {nil}}
	depth := map[string]int{RootKey: 0}
	frontier := []string{RootKey}
	for d := 1; len(frontier) > 0; d++ {
		var next []string
		for _, from := range frontier {
			tos := append([]string(nil), p.Edges[from]...)
			sort.Strings(tos)
			for _, to := range tos {
				c, ok := byKey[to]
				if !ok {
					continue
				}
				if dd, seen := depth[to]; seen && dd < d {
					continue
				}
				if _, seen := depth[to]; !seen {
					depth[to] = d
					next = append(next, to)
				}
				for _, base := range paths[from] {
					if len(paths[to]) >= MaxPaths {
						break
					}
					np := make([]string, len(base)+1)
					copy(np, base)
					np[len(base)] = c.Ref()
					paths[to] = append(paths[to], np)
				}
			}
		}
		frontier = next
	}
	for k, c := range byKey {
		if ps, ok := paths[k]; ok {
			c.Paths = ps
			c.Direct = depth[k] == 1
		}
	}
}
