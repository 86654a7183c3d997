package python

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"ospo/internal/inventory"
)

// pipfileEntry is one package of a Pipfile.lock category.
type pipfileEntry struct {
	Version string   `json:"version"`
	Hashes  []string `json:"hashes"`
	Index   string   `json:"index"`
	Extras  []string `json:"extras"`
	Git     string   `json:"git"`
	Ref     string   `json:"ref"`
	File    string   `json:"file"`
	Path    string   `json:"path"`
}

// pipfileLock is what a Pipfile.lock says. It records no graph: Indexed
// names the packages pipenv resolved from an index entry of the Pipfile,
// which older and newer pipenv alike write only for the packages the
// Pipfile lists.
type pipfileLock struct {
	Pkgs    []*lockPkg
	Indexed []rootDep
}

// parsePipfileLock reads a Pipfile.lock: "default" holds the production
// packages, "develop" and any other category the rest.
func parsePipfileLock(data []byte) (*pipfileLock, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a Pipfile.lock: %w", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("not a Pipfile.lock: not a JSON object")
	}
	if _, ok := raw["default"]; !ok {
		if _, ok := raw["_meta"]; !ok {
			return nil, fmt.Errorf("not a Pipfile.lock: neither _meta nor default")
		}
	}
	out := &pipfileLock{}
	for _, cat := range sortedKeys(raw) {
		if cat == "_meta" {
			continue
		}
		var entries map[string]pipfileEntry
		if err := json.Unmarshal(raw[cat], &entries); err != nil {
			return nil, fmt.Errorf("not a Pipfile.lock: category %q is not a table of packages with string versions and hashes", cat)
		}
		scope := inventory.ScopeDev
		if cat == "default" {
			scope = inventory.ScopeProd
		}
		names := make([]string, 0, len(entries))
		for n := range entries {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			e := entries[n]
			name := normalizeName(n)
			if name == "" || e.Path != "" {
				// A local path is the project's own code.
				continue
			}
			lp := &lockPkg{Name: name, Version: strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(e.Version), "=")), Scope: scope}
			for _, h := range e.Hashes {
				if hh, ok := hashOf(h); ok {
					lp.Hashes = addHash(lp.Hashes, hh)
				}
			}
			switch {
			case e.Git != "":
				lp.Resolved = "git+" + e.Git
				if e.Ref != "" {
					lp.Resolved += "@" + e.Ref
				}
			case strings.Contains(e.File, "://"):
				lp.Resolved = e.File
			}
			out.Pkgs = append(out.Pkgs, lp)
			if e.Index != "" {
				out.Indexed = append(out.Indexed, rootDep{lockDep{Name: name, Extras: normalizeAll(e.Extras)}, scope})
			}
		}
	}
	return out, nil
}

// parsePipfile reads the packages a Pipfile asks for, which are the direct
// dependencies of its Pipfile.lock.
func parsePipfile(data []byte) ([]rootDep, error) {
	var pf map[string]any
	if _, err := toml.Decode(string(data), &pf); err != nil {
		return nil, fmt.Errorf("not a Pipfile: %w", err)
	}
	var out []rootDep
	for _, section := range sortedKeys(pf) {
		scope := inventory.ScopeDev
		switch section {
		case "packages":
			scope = inventory.ScopeProd
		case "dev-packages":
		case "source", "requires", "scripts", "pipenv":
			continue
		}
		tbl, ok := pf[section].(map[string]any)
		if !ok {
			continue
		}
		for _, n := range sortedKeys(tbl) {
			d := lockDep{Name: normalizeName(n)}
			if m, ok := tbl[n].(map[string]any); ok {
				d = d.withExtras(m)
			}
			if d.Name != "" {
				out = append(out, rootDep{d, scope})
			}
		}
	}
	return out, nil
}

func normalizeAll(vs []string) []string {
	var out []string
	for _, v := range vs {
		if n := normalizeName(v); n != "" {
			out = appendUnique(out, n)
		}
	}
	return out
}
