// Package extractors is the one list of ecosystem extractors ospo runs.
// Adding an ecosystem means adding its package to All; a test fails when a
// package under internal/inventory is missing from it.
package extractors

import (
	"fmt"
	"strings"

	"ospo/internal/inventory"
	"ospo/internal/inventory/apk"
	"ospo/internal/inventory/cargo"
	"ospo/internal/inventory/composer"
	"ospo/internal/inventory/deb"
	"ospo/internal/inventory/gem"
	"ospo/internal/inventory/golang"
	"ospo/internal/inventory/maven"
	"ospo/internal/inventory/npm"
	"ospo/internal/inventory/nuget"
	"ospo/internal/inventory/python"
)

// All returns a fresh instance of every extractor, in a stable order.
func All() []inventory.Extractor {
	return []inventory.Extractor{
		npm.New(),
		golang.New(),
		python.New(),
		maven.New(),
		nuget.New(),
		cargo.New(),
		composer.New(),
		gem.New(),
		deb.New(),
		apk.New(),
	}
}

// Named returns the extractors whose names are listed; an unknown name is
// an error naming it.
func Named(names []string) ([]inventory.Extractor, error) {
	if len(names) == 0 {
		return All(), nil
	}
	all := All()
	var out []inventory.Extractor
	for _, n := range names {
		found := false
		for _, e := range all {
			if e.Name() == n {
				out = append(out, e)
				found = true
				break
			}
		}
		if !found {
			return nil, &UnknownError{Name: n, Known: Names()}
		}
	}
	return out, nil
}

// Names lists the names of all extractors.
func Names() []string {
	var ns []string
	for _, e := range All() {
		ns = append(ns, e.Name())
	}
	return ns
}

// UnknownError reports an extractor name that is not in the list.
type UnknownError struct {
	Name  string
	Known []string
}

func (e *UnknownError) Error() string {
	return "unknown ecosystem " + e.Name + " (known: " + strings.Join(e.Known, ", ") + ")"
}

// Table renders what every extractor reads as a Markdown table: the
// README's list of supported inputs is generated from it, and a test keeps
// the two equal.
func Table() string {
	var b strings.Builder
	b.WriteString("| ecosystem | reads | gives | licenses from |\n| --- | --- | --- | --- |\n")
	for _, e := range All() {
		for _, s := range e.Supports() {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", e.Name(), cell(s.Files), cell(s.Gives), cell(s.Licenses))
		}
	}
	return b.String()
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
