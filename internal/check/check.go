// Package check answers a developer's two self-service questions about
// another project, from a local checkout: may we use it (its own license
// and its dependencies' under our policy), and may I contribute to it (its
// license, CLA and DCO under our contribution rules).
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"ospo/internal/contrib"
	"ospo/internal/inventory"
	"ospo/internal/license"
	"ospo/internal/license/knowledge"
	"ospo/internal/policy"
	"ospo/internal/scan"
)

// maxText bounds what is read of one license file or manifest.
const maxText = 1 << 20

// Own is the checked project's own license.
type Own struct {
	Project string             `json:"project"`
	License license.Conclusion `json:"license"`
	// Files are the license files at the project's root, identified.
	Files []inventory.LicenseFile `json:"files,omitempty"`
}

// UseResult answers "may we use this project?".
type UseResult struct {
	Own Own `json:"own"`
	// Decision is the policy's verdict on the project's own license.
	Decision policy.Decision `json:"decision"`
	// Dependencies is the scan of the project's own dependencies, with
	// the policy's decisions.
	Dependencies *scan.Result `json:"-"`
	// Verdict is the overall answer: the worst of the project's own
	// decision and its dependencies'.
	Verdict policy.Verdict `json:"verdict"`
}

// Use checks the project in dir for use under the policy: its own
// license, and every dependency it brings.
func Use(ctx context.Context, dir string, cfg scan.Config, facts contrib.Facts) (*UseResult, error) {
	if cfg.Policy == nil {
		cfg.Policy = policy.Default()
	}
	cfg.Roots = []string{dir}
	deps, err := scan.Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	own := OwnLicense(dir, facts, cfg.Identifier)
	self := &inventory.Component{Ecosystem: "project", Name: own.Project, PURL: "pkg:generic/" + own.Project,
		License: inventory.License{Expression: own.License.Expression, Source: own.License.Source,
			NeedsReview: own.License.NeedsReview, Reason: own.License.Reason}}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	ev := policy.Evaluate([]*inventory.Component{self}, cfg.PolicyContext, cfg.Policy, now)
	r := &UseResult{Own: own, Decision: ev.Decisions[0], Dependencies: deps}
	r.Verdict = r.Decision.Verdict
	if deps.Decisions != nil {
		r.Verdict = policy.Worse(r.Verdict, deps.Decisions.Worst())
	}
	return r, nil
}

// ContributeResult answers "may I send patches to this project?".
type ContributeResult struct {
	Own     Own             `json:"own"`
	Facts   contrib.Facts   `json:"facts"`
	Verdict contrib.Verdict `json:"verdict"`
}

// Contribute judges contributing to the project whose facts were
// collected from dir, under the policy's contribution rules.
func Contribute(dir string, facts contrib.Facts, p *policy.Policy, id *license.Identifier) *ContributeResult {
	if p == nil {
		p = policy.Default()
	}
	own := OwnLicense(dir, facts, id)
	return &ContributeResult{Own: own, Facts: facts, Verdict: contrib.Judge(facts, own.License.Expression, Rules(p))}
}

// Rules turns the policy's contribute section into contrib's rules.
// Categories in the licenses list (category:permissive) are expanded to
// their SPDX ids; with no list at all, permissive and public-domain
// licenses are pre-approved. An empty DCO rule means allow, as the policy
// file documents.
func Rules(p *policy.Policy) contrib.Rules {
	c := p.Contribute
	entries := c.Licenses
	if len(entries) == 0 {
		entries = []string{"category:" + string(knowledge.Permissive), "category:" + string(knowledge.PublicDomain)}
	}
	var ids []string
	for _, e := range entries {
		if cat, ok := cutPrefix(e, "category:"); ok {
			for _, info := range knowledge.Licenses() {
				if string(info.Category) == cat {
					ids = append(ids, info.ID)
				}
			}
			continue
		}
		ids = append(ids, e)
	}
	dco := string(c.DCO)
	if dco == "" {
		dco = string(policy.Allow)
	}
	return contrib.Rules{Licenses: ids, CLAs: c.CLAs, DCO: dco}
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

// OwnLicense concludes the license of the project checked out in dir from
// its root license files and, for npm projects, the license its
// package.json declares.
func OwnLicense(dir string, facts contrib.Facts, id *license.Identifier) Own {
	if id == nil {
		id = license.NewIdentifier()
	}
	own := Own{Project: facts.Project}
	var dets []license.Detection
	for _, f := range facts.LicenseFiles {
		text, err := readBounded(f.AbsPath())
		if err != nil {
			continue
		}
		d := id.Identify(filepath.Base(f.Path), text)
		d.File = f.Path
		// The license package decides what kind of file this is (a
		// PATENTS file accompanies a license, it is not one).
		if kind, ok := license.IsLicenseFile(filepath.Base(f.Path)); ok {
			d.Kind = kind
		} else {
			d.Kind = f.Kind
		}
		f.Expression, f.Coverage, f.Engine = d.Expression, d.Coverage, d.Engine
		own.Files = append(own.Files, f)
		dets = append(dets, d)
	}
	own.License = license.Conclude(declared(dir), dets, nil)
	return own
}

// declared reads the license a package.json at the root declares.
func declared(dir string) license.Declared {
	b, err := readBounded(filepath.Join(dir, "package.json"))
	if err != nil {
		return license.Declared{}
	}
	var pj struct {
		License json.RawMessage `json:"license"`
	}
	if json.Unmarshal(b, &pj) != nil || len(pj.License) == 0 {
		return license.Declared{}
	}
	var s string
	if json.Unmarshal(pj.License, &s) == nil {
		return license.Normalize(s)
	}
	var obj struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(pj.License, &obj) == nil && obj.Type != "" {
		return license.Normalize(obj.Type)
	}
	return license.Declared{}
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxText+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxText {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxText)
	}
	return b, nil
}
