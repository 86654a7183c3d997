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

// AllPaths returns the dependency paths from the project root to the
// component with key to, each a list of name@version from the direct
// dependency down, without cycles, at most limit of them (shortest
// first). total counts every path found, up to maxCount; exact is false
// when counting stopped there.
func (p *Project) AllPaths(to string, limit, maxCount int) (paths [][]string, total int, exact bool) {
	byKey := make(map[string]*Component, len(p.Components))
	for _, c := range p.Components {
		byKey[c.Key()] = c
	}
	if byKey[to] == nil {
		return nil, 0, true
	}
	parents := map[string][]string{}
	for from, tos := range p.Edges {
		for _, t := range tos {
			parents[t] = append(parents[t], from)
		}
	}
	for k := range parents {
		sort.Strings(parents[k])
	}
	onPath := map[string]bool{}
	var rev []string // keys from to upwards
	exact = true
	var walk func(k string)
	walk = func(k string) {
		if total >= maxCount {
			exact = false
			return
		}
		if k == RootKey {
			total++
			path := make([]string, len(rev))
			for i := range rev {
				path[len(rev)-1-i] = byKey[rev[i]].Ref()
			}
			paths = append(paths, path)
			return
		}
		if byKey[k] == nil || onPath[k] {
			return
		}
		onPath[k] = true
		rev = append(rev, k)
		for _, from := range parents[k] {
			walk(from)
		}
		rev = rev[:len(rev)-1]
		onPath[k] = false
	}
	walk(to)
	sort.SliceStable(paths, func(i, j int) bool { return len(paths[i]) < len(paths[j]) })
	if len(paths) > limit {
		paths = paths[:limit]
	}
	return paths, total, exact
}
