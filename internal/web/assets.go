package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The static files: htmx 2.0.11 (Zero-Clause BSD, its license in
// htmx.LICENSE) and the style sheet.
//
//go:embed assets
var assetFS embed.FS

// asset is an embedded file with its content hash, which versions its
// URL so it can be cached for good.
type asset struct {
	data  []byte
	hash  string
	ctype string
}

func loadAssets() (map[string]asset, error) {
	out := map[string]asset{}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		out[path.Base(p)] = asset{data: data, hash: hex.EncodeToString(sum[:8]), ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	return out, nil
}

// assetURL is the versioned URL of an embedded file, for templates.
func (s *Server) assetURL(name string) (string, error) {
	a, ok := s.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return "/assets/" + name + "?v=" + a.hash, nil
}

// asset serves an embedded file. Asked for by its current version it is
// immutable; otherwise the browser revalidates it by ETag.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	a, ok := s.assets[name]
	if !ok {
		return &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no asset %s", name)}
	}
	etag := `"` + a.hash + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", a.ctype)
	_, err := w.Write(a.data)
	return err
}
