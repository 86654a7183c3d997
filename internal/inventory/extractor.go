package inventory

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// Extractor discovers the projects of one ecosystem. The scan walks each
// root once and hands every extractor the files it asked for; the
// extractor then groups them into projects (a workspace root and its
// members are one project) and reads them.
//
// Extractors are listed explicitly in package extractors, never registered
// from init.
type Extractor interface {
	// Name is the plugin's name, as shown in reports and flags (npm, go).
	Name() string
	// Wants reports whether the walk should hand this file to the
	// extractor. rel is slash-separated and relative to the scan root; d
	// describes the file. It must be cheap: it runs for every file.
	Wants(rel string, d fs.DirEntry) bool
	// Extract reads the wanted files below root (absolute) and returns the
	// projects found. Files it cannot read are Problems, never the end of
	// the extraction. It returns an error only when ctx is cancelled.
	Extract(ctx context.Context, root string, files []string, opts Options) ([]*Project, []Problem, error)
	// Supports lists the files the extractor reads, for the generated
	// table of supported inputs in the README and `ospo ecosystems`.
	Supports() []Support
}

// Support describes one kind of input an extractor reads.
type Support struct {
	// Files names the files or directories, as a user would look for them.
	Files string
	// Gives says what is read from them (components, graph, scopes, hashes).
	Gives string
	// Licenses says where licenses come from for this input.
	Licenses string
}

// Options tune what extractors read.
type Options struct {
	// Root is the absolute scan root; Display is how the user named it.
	// Paths shown to the user are Display joined with the path below Root.
	Root, Display string
	// GoModCache is where Go module sources are looked for; "" means the
	// usual GOMODCACHE or GOPATH/pkg/mod.
	GoModCache string
	// Caches overrides where an ecosystem's local package cache is looked
	// for, by ecosystem name (cargo, maven, nuget, gem, pypi). A missing
	// entry means the ecosystem's usual place (CARGO_HOME, ~/.m2, ...).
	Caches map[string]string
}

// Cache returns the cache directory configured for ecosystem, or "".
func (o Options) Cache(ecosystem string) string {
	return o.Caches[ecosystem]
}

// Rel turns an absolute path into the form shown to the user: relative to
// the scan root, prefixed with the root as the user named it. Paths outside
// the root (a module cache) are returned as they are.
func (o Options) Rel(abs string) string {
	if o.Root == "" {
		return filepath.ToSlash(abs)
	}
	r, err := filepath.Rel(o.Root, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs)
	}
	if o.Display == "" || o.Display == "." {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(filepath.Join(o.Display, r))
}

// ErrSkip may be returned by walk helpers to leave a directory out.
var ErrSkip = errors.New("skip")
