package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/report"
	"ospo/internal/sbom"
	"ospo/internal/scan"
)

// uploadResult answers an upload: the project (registered by it when
// Created), the stored scan and what it brought that is new.
type uploadResult struct {
	Project portfolio.Project `json:"project"`
	Created bool              `json:"created"`
	Scan    portfolio.Scan    `json:"scan"`
	Delta   portfolio.Delta   `json:"delta"`
}

// readError answers a body that could not be read as what was expected:
// 413 when it was too long, 400 naming the problem otherwise.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return badRequest("%v", err)
}

// apiScanUpload stores the JSON report of `ospo scan` (what `ospo scan
// --upload` sends from CI) as the newest scan of the project named in
// the path, registering the project when it is new.
func (s *Server) apiScanUpload(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind, err := oneOf(q, "kind", portfolio.Kinds...)
	if err != nil {
		return err
	}
	owner, err := text(q, "owner")
	if err != nil {
		return err
	}
	// The path names the project: uploads come from CI, which knows the
	// name, not the id.
	name := r.PathValue("id")
	doc, err := report.ReadDocument(r.Body, "uploaded report")
	if err != nil {
		return readError(err)
	}
	p, created, err := s.cfg.Portfolio.EnsureProject(r.Context(), actor(r),
		portfolio.Project{Name: name, Kind: kind, Owner: owner, Source: "upload"})
	if err != nil {
		return invalidAsBadRequest(err)
	}
	return s.ingest(w, r, p, created, doc)
}

// ingest stores doc as p's newest scan and answers 201 with the result.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, p portfolio.Project, created bool, doc *report.Document) error {
	sc, delta, err := s.cfg.Portfolio.Ingest(r.Context(), portfolio.Ingestion{ProjectID: p.ID, Doc: doc, Origin: "upload", Actor: actor(r)})
	if err != nil {
		return invalidAsBadRequest(err)
	}
	if p, err = s.cfg.Portfolio.Project(r.Context(), p.ID); err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%sprojects/%d/scans", apiPrefix, p.ID))
	writeJSON(w, http.StatusCreated, uploadResult{Project: shownProject(p), Created: created, Scan: sc, Delta: delta})
	if s.cfg.OnDelta != nil && !delta.Empty() {
		go s.cfg.OnDelta(context.WithoutCancel(r.Context()), delta)
	}
	return nil
}

// sbomFileNames name the temporary file by format, so the scan takes it
// for what it is.
var sbomFileNames = map[sbom.Format]string{
	sbom.CycloneDXJSON: "upload.cdx.json",
	sbom.CycloneDXXML:  "upload.cdx.xml",
	sbom.SPDXJSON:      "upload.spdx.json",
	sbom.SPDXTag:       "upload.spdx",
}

// sniffLen is how much of an upload tells its format.
const sniffLen = 4096

// apiSBOMUpload scans a supplied SBOM — written to a private temporary
// directory, removed afterwards — as `ospo scan FILE` would, under the
// server's policy and the project's distribution, and stores the result
// as the project's newest scan.
func (s *Server) apiSBOMUpload(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	kind, err := oneOf(q, "kind", portfolio.Kinds...)
	if err != nil {
		return err
	}
	supplier, err := text(q, "supplier")
	if err != nil {
		return err
	}
	doc, err := s.scanSBOM(r, p, kind, supplier, r.Body)
	if err != nil {
		return err
	}
	return s.ingest(w, r, p, false, doc)
}

// sbomUploadForm stores an SBOM chosen on the project page (a
// multipart form: file "sbom", fields kind and supplier) and returns to
// the project.
func (s *Server) sbomUploadForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.project(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(maxFormMemory); err != nil {
		return readError(err)
	}
	kind, err := oneOf(r.PostForm, "kind", portfolio.Kinds...)
	if err != nil {
		return err
	}
	supplier, err := text(r.PostForm, "supplier")
	if err != nil {
		return err
	}
	file, _, err := r.FormFile("sbom")
	if err != nil {
		return badRequest("sbom: choose an SBOM file to upload")
	}
	defer file.Close()
	doc, err := s.scanSBOM(r, p, kind, supplier, file)
	if err != nil {
		return err
	}
	if _, delta, err := s.cfg.Portfolio.Ingest(r.Context(), portfolio.Ingestion{ProjectID: p.ID, Doc: doc, Origin: "upload", Actor: actor(r)}); err != nil {
		return invalidAsBadRequest(err)
	} else if s.cfg.OnDelta != nil && !delta.Empty() {
		go s.cfg.OnDelta(context.WithoutCancel(r.Context()), delta)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d", p.ID), http.StatusSeeOther)
	return nil
}

// maxFormMemory is how much of a multipart form is kept in memory; the
// rest goes to temporary files (the route's body limit bounds the whole).
const maxFormMemory = 8 << 20

// scanSBOM scans a supplied SBOM — written to a private temporary
// directory, removed afterwards — as `ospo scan FILE` would, under the
// server's policy and the project's distribution, and returns the scan
// document to store as the project's newest scan.
func (s *Server) scanSBOM(r *http.Request, p portfolio.Project, kind, supplier string, body io.Reader) (*report.Document, error) {
	br := bufio.NewReaderSize(body, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	f, ok := sbom.Sniff(head)
	if !ok {
		return nil, badRequest("the body is not an SBOM ospo reads: want CycloneDX (JSON or XML) or SPDX (JSON or tag-value)")
	}
	dir, err := os.MkdirTemp("", "ospo-sbom-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, sbomFileNames[f])
	if err := writeFile(file, br); err != nil {
		return nil, err
	}
	res, err := scan.Run(r.Context(), scan.Config{
		Roots: []string{file}, Kind: kind, Supplier: supplier,
		Policy:        s.cfg.Policy,
		PolicyContext: policy.Context{Distribution: knowledge.DistributionModel(p.Distribution)},
		Vulns:         s.cfg.Vulns, Identifier: s.identifier, Now: s.now(),
	})
	if err != nil {
		if errors.Is(err, scan.ErrUsage) {
			return nil, badRequest("%v", err)
		}
		return nil, err
	}
	if len(res.Projects) == 0 {
		msg := "the SBOM could not be read"
		for _, pr := range res.Problems {
			if pr.Path == file || strings.HasSuffix(pr.Path, sbomFileNames[f]) {
				msg = "the SBOM could not be read: " + strings.ReplaceAll(pr.Message, dir, "upload")
				break
			}
		}
		return nil, badRequest("%s", msg)
	}
	// The temporary directory is nobody's business: the stored scan names
	// the upload instead.
	hide := strings.NewReplacer(file, "upload", dir, "upload")
	res.Roots = []string{"upload"}
	for _, pr := range res.Projects {
		pr.Path = hide.Replace(pr.Path)
	}
	for i := range res.Problems {
		res.Problems[i].Path = hide.Replace(res.Problems[i].Path)
		res.Problems[i].Message = hide.Replace(res.Problems[i].Message)
	}
	doc := report.NewDocument(res, report.Tool{Name: "ospo", Version: s.cfg.Version})
	return &doc, nil
}

// writeFile copies src to a new private file, failing on a read error
// (such as a body over its limit) rather than storing half of it.
func writeFile(path string, src io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return readError(err)
	}
	return f.Close()
}
