package nuget

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strings"
)

// runtimePackPrefix marks the .NET runtime a self-contained application
// carries: "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0" is
// the package Microsoft.NETCore.App.Runtime.linux-x64.
const runtimePackPrefix = "runtimepack."

// depsFile is what a *.deps.json says about the application it sits
// beside: its libraries and, for the runtime target, who depends on whom.
type depsFile struct {
	// Target is the target whose graph was read: the runtime target, or
	// "" when the file has none and all targets were merged.
	Target    string
	Libraries []depsLibrary // sorted by name, then version
	// Deps maps a library's id (see depsLibrary.ID) to the ids of the
	// libraries it depends on, sorted. Every id is in Libraries.
	Deps map[string][]string
}

// depsLibrary is one entry of the libraries section.
type depsLibrary struct {
	Name, Version string
	Type          string // package, project, runtimepack, reference, ...
	SHA512        string // base64, without the "sha512-" prefix
}

// ID identifies a library in depsFile.Deps. NuGet names and versions do
// not depend on case.
func (l *depsLibrary) ID() string { return depsID(l.Name, l.Version) }

func depsID(name, version string) string {
	return strings.ToLower(trimRuntimePack(name) + "/" + version)
}

// trimRuntimePack removes the runtime pack prefix, in any case.
func trimRuntimePack(name string) string {
	if len(name) >= len(runtimePackPrefix) && strings.EqualFold(name[:len(runtimePackPrefix)], runtimePackPrefix) {
		return name[len(runtimePackPrefix):]
	}
	return name
}

// parseDepsJSON reads a .deps.json file.
func parseDepsJSON(data []byte) (*depsFile, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var raw struct {
		RuntimeTarget *struct {
			Name string `json:"name"`
		} `json:"runtimeTarget"`
		Targets   map[string]map[string]*rawDepsTarget `json:"targets"`
		Libraries map[string]*rawDepsLibrary           `json:"libraries"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(err)
	}
	if raw.Libraries == nil && raw.Targets == nil {
		return nil, errors.New(`no "libraries" and no "targets": not a .deps.json file`)
	}
	df := &depsFile{Deps: map[string][]string{}}
	byID := map[string]bool{}
	// Sorted, so that of two spellings of one library the same is kept
	// every time.
	libKeys := make([]string, 0, len(raw.Libraries))
	for key := range raw.Libraries {
		libKeys = append(libKeys, key)
	}
	sort.Strings(libKeys)
	for _, key := range libKeys {
		rl := raw.Libraries[key]
		name, version, ok := strings.Cut(key, "/")
		name = trimRuntimePack(name)
		if !ok || name == "" || version == "" || rl == nil {
			continue
		}
		lib := depsLibrary{
			Name:    name,
			Version: version,
			Type:    strings.ToLower(rl.Type),
			SHA512:  strings.TrimPrefix(rl.SHA512, "sha512-"),
		}
		if !strings.HasPrefix(strings.ToLower(rl.SHA512), "sha512-") {
			lib.SHA512 = ""
		}
		if byID[lib.ID()] {
			continue
		}
		byID[lib.ID()] = true
		df.Libraries = append(df.Libraries, lib)
	}
	sort.Slice(df.Libraries, func(i, j int) bool {
		a, b := df.Libraries[i], df.Libraries[j]
		if !strings.EqualFold(a.Name, b.Name) {
			return lessFold(a.Name, b.Name)
		}
		return a.Version < b.Version
	})

	// The runtime target is what the host loads; without one, every
	// target's graph is taken.
	var targets []map[string]*rawDepsTarget
	if raw.RuntimeTarget != nil {
		if t, ok := raw.Targets[raw.RuntimeTarget.Name]; ok {
			df.Target = raw.RuntimeTarget.Name
			targets = append(targets, t)
		}
	}
	if targets == nil {
		names := make([]string, 0, len(raw.Targets))
		for n := range raw.Targets {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			targets = append(targets, raw.Targets[n])
		}
	}
	for _, t := range targets {
		for key, rt := range t {
			name, version, ok := strings.Cut(key, "/")
			if !ok || rt == nil || !byID[depsID(name, version)] {
				continue
			}
			from := depsID(name, version)
			for dn, dv := range rt.Dependencies {
				to := depsID(dn, dv)
				if byID[to] && to != from && !contains(df.Deps[from], to) {
					df.Deps[from] = append(df.Deps[from], to)
				}
			}
		}
	}
	for _, tos := range df.Deps {
		sort.Strings(tos)
	}
	return df, nil
}

type rawDepsTarget struct {
	Dependencies map[string]string `json:"dependencies"`
}

type rawDepsLibrary struct {
	Type   string `json:"type"`
	SHA512 string `json:"sha512"`
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
