// Command sbomdiff compares the component sets of two SBOMs (CycloneDX or
// SPDX, any serialisation), by ecosystem, name and version, and prints what
// only one of them has. It serves the comparisons with Syft in the README:
//
//	go run ./bench/sbomdiff ospo.cdx.json syft.cdx.json
//
// -eco limits the comparison to some ecosystems (comma separated).
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"ospo/internal/sbom"
)

func main() {
	eco := flag.String("eco", "", "compare only these ecosystems (comma separated)")
	show := flag.Int("show", 40, "list at most this many differences per side and ecosystem")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: sbomdiff [-eco npm,go] A B")
		os.Exit(2)
	}
	keep := map[string]bool{}
	for _, e := range strings.Split(*eco, ",") {
		if e != "" {
			keep[e] = true
		}
	}
	a, b := load(flag.Arg(0), keep), load(flag.Arg(1), keep)
	ecos := map[string]bool{}
	for k := range a {
		ecos[k] = true
	}
	for k := range b {
		ecos[k] = true
	}
	for _, e := range sorted(ecos) {
		onlyA, onlyB, both := diff(a[e], b[e])
		fmt.Printf("%s: %d in both, %d only in %s, %d only in %s\n", e, both, len(onlyA), flag.Arg(0), len(onlyB), flag.Arg(1))
		for _, x := range []struct {
			name string
			keys []string
		}{{flag.Arg(0), onlyA}, {flag.Arg(1), onlyB}} {
			for i, k := range x.keys {
				if i == *show {
					fmt.Printf("  ... %d more\n", len(x.keys)-i)
					break
				}
				fmt.Printf("  only in %s: %s\n", x.name, k)
			}
		}
	}
}

func load(path string, keep map[string]bool) map[string]map[string]bool {
	doc, err := sbom.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := map[string]map[string]bool{}
	for _, p := range sbom.Import(doc, sbom.ImportOptions{Path: path}) {
		for _, c := range p.Components {
			if len(keep) > 0 && !keep[c.Ecosystem] {
				continue
			}
			if out[c.Ecosystem] == nil {
				out[c.Ecosystem] = map[string]bool{}
			}
			out[c.Ecosystem][c.Ref()] = true
		}
	}
	return out
}

func diff(a, b map[string]bool) (onlyA, onlyB []string, both int) {
	for k := range a {
		if b[k] {
			both++
		} else {
			onlyA = append(onlyA, k)
		}
	}
	for k := range b {
		if !a[k] {
			onlyB = append(onlyB, k)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB, both
}

func sorted(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
