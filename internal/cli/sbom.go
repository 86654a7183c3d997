package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ospo/internal/inventory"
	"ospo/internal/sbom"
	"ospo/internal/sbom/quality"
	"ospo/internal/scan"
)

func newSBOMCmd(e *env) *cobra.Command {
	var (
		cfg        scan.Config
		format     string
		output     string
		ecosystems []string
		authors    []string
		dbf        dbFlag
		noVulns    bool
		pol        policyFlags
	)
	cmd := &cobra.Command{
		Use:   "sbom [DIR|FILE...]",
		Short: "Write a software bill of materials (CycloneDX 1.6 or SPDX 2.3)",
		Long: `sbom scans the given directories (or Go binaries, or supplied SBOMs) and
writes one SBOM of everything found: every component with its package URL,
hashes, supplier, declared and concluded license, and the full dependency
graph from each project down.

Formats: ` + sbomFormatNames() + `. The timestamp is the current time, or
SOURCE_DATE_EPOCH when set, so that builds can reproduce the same document.`,
		Example: `  ospo sbom . > bom.cdx.json
  ospo sbom --format spdx-json -o app.spdx.json services/app
  ospo sbom --format cyclonedx-json vendor.spdx    # convert a supplied SBOM`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := sbom.Format(format)
			if !validSBOMFormat(f) {
				return usageError{fmt.Errorf("unknown SBOM format %q (known: %s)", format, sbomFormatNames())}
			}
			if err := checkKind(cfg.Kind); err != nil {
				return err
			}
			cfg.Roots = args
			if len(cfg.Roots) == 0 {
				cfg.Roots = []string{"."}
			}
			cfg.Ecosystems = splitList(ecosystems)
			created, err := sourceDate()
			if err != nil {
				return usageError{err}
			}
			src, closeDB, err := dbf.vulnSource(cmd.Context(), noVulns)
			if err != nil {
				return err
			}
			defer closeDB()
			cfg.Vulns = src
			if cfg.Policy, cfg.PolicyContext, err = pol.load(firstDir(cfg.Roots)); err != nil {
				return err
			}
			res, err := scan.Run(cmd.Context(), cfg)
			if err != nil {
				if errors.Is(err, scan.ErrUsage) {
					return usageError{err}
				}
				return err
			}
			for _, p := range res.Problems {
				e.log.Warn("skipped", "path", p.Path, "problem", p.Message)
			}
			b := billOf(res, cfg.Roots)
			b.Created, b.Authors = created, authors
			b.Tool, b.ToolVersion = "ospo", version()
			out := e.stdout
			if output != "" {
				file, err := os.Create(output)
				if err != nil {
					return err
				}
				defer file.Close()
				out = file
			}
			return sbom.Write(out, f, b)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", string(sbom.CycloneDXJSON), "SBOM format: "+sbomFormatNames())
	fl.StringVarP(&output, "output", "o", "", "write the SBOM to this file instead of standard output")
	fl.BoolVar(&cfg.Filter.Production, "production", false, "leave out development-only dependencies")
	fl.StringSliceVar(&ecosystems, "ecosystem", nil, "scan only these ecosystems")
	fl.StringVar(&cfg.GoModCache, "gomodcache", "", "Go module cache to read module sources from")
	fl.StringVar(&cfg.CurationsFile, "curations", "", "license curation file (YAML)")
	fl.StringVar(&cfg.Kind, "kind", "", "whose software this is: "+strings.Join(inventory.Kinds, ", "))
	fl.StringVar(&cfg.Supplier, "supplier", "", "the supplier of the software described")
	fl.StringSliceVar(&authors, "author", nil, "author of the SBOM (person or organisation), repeatable")
	dbf.register(fl)
	fl.BoolVar(&noVulns, "no-vulns", false, "leave known vulnerabilities out of CycloneDX output even when a database is present")
	pol.register(fl)
	cmd.AddCommand(newSBOMScoreCmd(e))
	return cmd
}

func newSBOMScoreCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "score FILE",
		Short: "Rate a supplied SBOM against the NTIA minimum elements, license and hash coverage",
		Long: `score reads a CycloneDX or SPDX document (JSON, XML or tag-value) and rates it:
per NTIA minimum element (supplier, name, version, unique identifier,
dependency relationships, author, timestamp) and for license and hash
coverage, overall and per component, listing what is missing.`,
		Example: `  ospo sbom score vendor.cdx.json
  ospo sbom score --format json vendor.spdx.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := sbom.ReadFile(args[0])
			if err != nil {
				return err
			}
			r := quality.Score(doc)
			switch format {
			case "text", "table":
				return r.WriteText(e.stdout)
			case "markdown", "md":
				return r.WriteMarkdown(e.stdout)
			case "json":
				return writeJSON(e.stdout, r)
			}
			return usageError{fmt.Errorf("unknown format %q (known: text, markdown, json)", format)}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, markdown, json")
	return cmd
}

func sbomFormatNames() string {
	names := make([]string, len(sbom.Formats))
	for i, f := range sbom.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

func validSBOMFormat(f sbom.Format) bool {
	for _, x := range sbom.Formats {
		if x == f {
			return true
		}
	}
	return false
}

func checkKind(k string) error {
	if k == "" {
		return nil
	}
	for _, x := range inventory.Kinds {
		if k == x {
			return nil
		}
	}
	return usageError{fmt.Errorf("unknown kind %q (known: %s)", k, strings.Join(inventory.Kinds, ", "))}
}

// sourceDate is SOURCE_DATE_EPOCH when set (reproducible builds), else now.
func sourceDate() (time.Time, error) {
	v := os.Getenv("SOURCE_DATE_EPOCH")
	if v == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", v)
	}
	return time.Unix(n, 0).UTC(), nil
}

// billOf turns a scan result into the bill an SBOM describes.
func billOf(res *scan.Result, roots []string) *sbom.Bill {
	b := &sbom.Bill{Projects: res.Projects, Components: res.Components, Vulns: res.Vulns}
	if res.Decisions != nil {
		for _, d := range res.Decisions.Decisions {
			if d.Vulnerabilities != nil && len(d.Vulnerabilities.Ignored) > 0 {
				if b.Ignored == nil {
					b.Ignored = map[string]map[string]string{}
				}
				b.Ignored[d.Key] = d.Vulnerabilities.Ignored
			}
		}
	}
	if len(res.Projects) == 1 {
		p := res.Projects[0]
		b.Name, b.Version, b.Kind, b.Supplier = p.Name, p.Version, p.Kind, p.Supplier
	}
	if b.Name == "" && len(roots) > 0 {
		abs, err := filepath.Abs(roots[0])
		if err == nil {
			b.Name = filepath.Base(abs)
		}
	}
	if b.Kind == "" && len(res.Projects) > 0 {
		b.Kind = res.Projects[0].Kind
		for _, p := range res.Projects {
			if p.Kind != b.Kind {
				b.Kind = ""
				break
			}
		}
	}
	return b
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
