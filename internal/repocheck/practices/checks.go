package practices

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"ospo/internal/contrib"
	"ospo/internal/repocheck/result"
)

// Probe names of the findings.
const (
	probeFile      = "file"
	probeReadme    = "readme"
	probeMetadata  = "metadata"
	probeLicense   = "license"
	probeHistory   = "history"
	probeTags      = "tags"
	probeInsights  = "security-insights"
	probeCLA       = "cla-signal"
	probeScorecard = "scorecard"
	probeExemption = "exemption"
	probeAvailable = "availability"
)

func pass(reason string, fs ...result.Finding) verdict {
	return verdict{status: passed, reason: reason, findings: fs}
}

func fail(reason string, fs ...result.Finding) verdict {
	if len(fs) == 0 {
		fs = []result.Finding{{Probe: probeFile, Outcome: result.False, Message: reason}}
	}
	return verdict{status: failed, reason: reason, findings: fs}
}

func notAvailable(reason string) verdict {
	return verdict{status: unavailable, reason: reason,
		findings: []result.Finding{{Probe: probeAvailable, Outcome: result.NotAvailable, Message: reason}}}
}

func broken(probe, file, msg string) verdict {
	return verdict{status: errored, reason: msg,
		findings: []result.Finding{{Probe: probe, Outcome: result.Error, Path: file, Message: msg}}}
}

func notLocal(reason string) func(*Facts, *Options) verdict {
	return func(*Facts, *Options) verdict { return notAvailable(reason) }
}

// isDir reports whether a matched path is a directory.
func isDir(f *Facts, p string) bool {
	dir, name := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	for _, e := range f.Entries[dir] {
		if e.Name == name {
			return e.Dir
		}
	}
	return false
}

func fileFound(f *Facts, p string) result.Finding {
	msg := p + " found"
	if isDir(f, p) {
		msg = p + "/ found (a directory matches too, as for CLOMonitor)"
	}
	return result.Finding{Probe: probeFile, Outcome: result.True, Path: p, Message: msg}
}

// lineOf is the 1-based line of byte offset i in s.
func lineOf(s string, i int) int { return strings.Count(s[:i], "\n") + 1 }

// readmeFinding locates the first match of res in the README at file.
func readmeFinding(f *Facts, file string, res []*regexp.Regexp, msg string) result.Finding {
	fd := result.Finding{Probe: probeReadme, Outcome: result.True, Path: file, Message: msg}
	for _, r := range f.Readmes {
		if r.Path != file {
			continue
		}
		for _, re := range res {
			if loc := re.FindStringIndex(r.Text); loc != nil {
				fd.Line = lineOf(r.Text, loc[0])
				return fd
			}
		}
	}
	return fd
}

// fileOrRef is CLOMonitor's common rule: a file matching one of patterns
// (case ignored), else a README reference to word.
func fileOrRef(patterns []string, word string) func(*Facts, *Options) verdict {
	res := readmeRef(word)
	return func(f *Facts, _ *Options) verdict {
		if p, ok := findFile(f, patterns...); ok {
			return pass(p+" found", fileFound(f, p))
		}
		if p, ok := readmeMatch(f, res); ok {
			return pass(fmt.Sprintf("%s refers to %s", p, word),
				readmeFinding(f, p, res, fmt.Sprintf("%s has a heading or link naming %q", p, word)))
		}
		return fail(fmt.Sprintf("no %s file and no README section or link about %s", strings.Join(patterns, ", "), word))
	}
}

func evalReadme(f *Facts, _ *Options) verdict {
	if m := matchFiles(f.Entries, readmePatterns, true); len(m) > 0 {
		return pass(m[0]+" found", fileFound(f, m[0]))
	}
	return fail("no README*, .github/README* or docs/README* (names match with case)")
}

// readmeLink passes when the README carries a link matching res.
func readmeLink(res []*regexp.Regexp, what string) func(*Facts, *Options) verdict {
	return func(f *Facts, _ *Options) verdict {
		if url, file, ok := readmeCapture(f, res); ok {
			return pass(fmt.Sprintf("%s links to %s", file, url),
				readmeFinding(f, file, res, fmt.Sprintf("%s links to %s", file, url)))
		}
		return fail("the README has no " + what)
	}
}

// readmeText passes when the README text matches one of res.
func readmeText(res []*regexp.Regexp, what string) func(*Facts, *Options) verdict {
	return func(f *Facts, _ *Options) verdict {
		if file, ok := readmeMatch(f, res); ok {
			return pass(fmt.Sprintf("%s mentions %s", file, what),
				readmeFinding(f, file, res, fmt.Sprintf("%s mentions %s", file, what)))
		}
		return fail("the README does not mention " + what)
	}
}

// detected is the first license file identified with SPDX ids, as
// CLOMonitor takes the first file its matcher is sure of.
func detected(f *Facts) (LicenseText, bool) {
	for _, l := range f.Licenses {
		if l.SPDX {
			return l, true
		}
	}
	return LicenseText{}, false
}

func licenseMiss(f *Facts) verdict {
	if len(f.Licenses) == 0 {
		return fail("no LICENSE* or COPYING* file at the root (names match with case)")
	}
	var fs []result.Finding
	for _, l := range f.Licenses {
		msg := l.Path + " is not a license ospo can identify"
		if l.Expression != "" && l.Expression != "NOASSERTION" {
			msg = fmt.Sprintf("%s reads as %s, which is not an SPDX license id", l.Path, l.Expression)
		}
		fs = append(fs, result.Finding{Probe: probeLicense, Outcome: result.False, Path: l.Path, Message: msg})
	}
	return fail("no license file identified with an SPDX id", fs...)
}

func evalLicenseSPDX(f *Facts, _ *Options) verdict {
	l, ok := detected(f)
	if !ok {
		return licenseMiss(f)
	}
	return pass(fmt.Sprintf("%s is %s", l.Path, l.Expression), result.Finding{
		Probe: probeLicense, Outcome: result.True, Path: l.Path, Message: fmt.Sprintf("%s identified as %s", l.Path, l.Expression),
	})
}

func evalLicenseApproved(f *Facts, o *Options) verdict {
	l, ok := detected(f)
	if !ok {
		return licenseMiss(f)
	}
	list := o.Approved
	if list == nil {
		list = DefaultApproved
	}
	allowed := make(map[string]bool, len(list))
	for _, id := range list {
		allowed[strings.ToUpper(strings.TrimSpace(id))] = true
	}
	if approvedExpr(l.Expression, allowed) {
		return pass(l.Expression+" is approved", result.Finding{
			Probe: probeLicense, Outcome: result.True, Path: l.Path, Message: l.Expression + " is on the allow-list",
		})
	}
	return fail(l.Expression+" is not approved", result.Finding{
		Probe: probeLicense, Outcome: result.False, Path: l.Path,
		Message: fmt.Sprintf("%s is not on the allow-list (%s)", l.Expression, strings.Join(list, ", ")),
	})
}

func evalLicenseScanning(f *Facts, _ *Options) verdict {
	if f.Metadata != nil && f.Metadata.LicenseScanningURL != "" {
		u := f.Metadata.LicenseScanningURL
		return pass(MetadataFile+" names "+u, result.Finding{
			Probe: probeMetadata, Outcome: result.True, Path: MetadataFile, Message: "licenseScanning.url is " + u,
		})
	}
	return readmeLink(reLicenseScan, "FOSSA or Snyk license scanning link")(f, nil)
}

func evalCLA(f *Facts, _ *Options) verdict {
	if len(f.CLA) == 0 {
		return fail("no sign of a Contributor License Agreement in the contributing guides, agreement files, CLA bot configuration or workflows")
	}
	var fs []result.Finding
	var names []string
	for _, s := range f.CLA {
		msg := s.Text
		if s.Name != "" {
			msg = s.Name + ": " + s.Text
			if !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
		fs = append(fs, result.Finding{Probe: probeCLA, Outcome: result.True, Path: s.Path, Line: s.Line, Message: msg})
	}
	reason := "contributors are asked to sign a CLA"
	if len(names) > 0 {
		reason += " (" + strings.Join(names, ", ") + ")"
	}
	return pass(reason, fs...)
}

// maxUnsigned bounds the unsigned commits listed.
const maxUnsigned = 5

func evalDCO(f *Facts, _ *Options) verdict {
	h := f.History
	switch {
	case h.Unavailable != "":
		return notAvailable("no history to read: " + h.Unavailable)
	case h.Err != "":
		return broken(probeHistory, contrib.HistoryPath, "cannot read the history: "+h.Err)
	case len(h.Commits) == 0:
		return fail("the history has no commits other than merges", result.Finding{
			Probe: probeHistory, Outcome: result.False, Path: contrib.HistoryPath, Message: "no non-merge commits to judge",
		})
	}
	var fs []result.Finding
	unsigned := 0
	for _, c := range h.Commits {
		if c.SignedOff {
			continue
		}
		unsigned++
		if len(fs) < maxUnsigned {
			fs = append(fs, result.Finding{Probe: probeHistory, Outcome: result.False, Path: contrib.HistoryPath,
				Message: fmt.Sprintf("commit %s %q has no Signed-off-by trailer", short(c.Hash), c.Subject)})
		}
	}
	if unsigned > 0 {
		return fail(fmt.Sprintf("%d of the last %d non-merge commits are not signed off", unsigned, len(h.Commits)), fs...)
	}
	return pass(fmt.Sprintf("the last %d non-merge commits are all signed off", len(h.Commits)), result.Finding{
		Probe: probeHistory, Outcome: result.True, Path: contrib.HistoryPath,
		Message: fmt.Sprintf("%d of %d non-merge commits carry Signed-off-by", len(h.Commits), len(h.Commits)),
	})
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// releaseWindow is how recent a release must be.
const releaseWindow = 365 * 24 * time.Hour

func evalRecentRelease(f *Facts, o *Options) verdict {
	r := f.Release
	switch {
	case r.Unavailable != "":
		return notAvailable("no tags to read: " + r.Unavailable)
	case r.Err != "":
		return broken(probeTags, contrib.HistoryPath, "cannot list the tags: "+r.Err)
	case r.Tag == "":
		return fail("the repository has no dated tag (a tag stands in for a forge release)", result.Finding{
			Probe: probeTags, Outcome: result.False, Message: "no tags",
		})
	}
	now := o.now()
	days := int(now.Sub(r.Date).Hours() / 24)
	msg := fmt.Sprintf("newest tag %s is dated %s, %d days before %s (a tag stands in for a forge release)",
		r.Tag, r.Date.Format(time.DateOnly), days, now.UTC().Format(time.DateOnly))
	if r.Date.After(now.Add(-releaseWindow)) {
		return pass(fmt.Sprintf("tag %s is less than a year old", r.Tag),
			result.Finding{Probe: probeTags, Outcome: result.True, Message: msg})
	}
	return fail(fmt.Sprintf("the newest tag, %s, is more than a year old", r.Tag),
		result.Finding{Probe: probeTags, Outcome: result.False, Message: msg})
}

// sbomPatterns are SBOM files a repository may keep (case ignored).
var sbomPatterns = func() []string {
	var out []string
	for _, d := range []string{"", ".github/", "docs/"} {
		for _, p := range []string{"*.cdx.json", "*.cdx.xml", "*.spdx.json", "*.spdx", "bom.json", "bom.xml", "sbom*"} {
			out = append(out, d+p)
		}
	}
	return out
}()

func evalSBOM(f *Facts, _ *Options) verdict {
	if file, ok := readmeMatch(f, reSBOM); ok {
		return pass(file+" has an SBOM section",
			readmeFinding(f, file, reSBOM, file+" has a heading about the software bill of materials"))
	}
	if p, ok := findFile(f, sbomPatterns...); ok {
		return pass(p+" found", fileFound(f, p))
	}
	return fail("no SBOM file (*.cdx.json, *.spdx.json, bom.json, sbom*) and no README section about the SBOM")
}

func noInsights() verdict {
	return fail("no Security Insights manifest (" + strings.Join(InsightsFiles, ", ") + ")")
}

func evalSecurityInsights(f *Facts, _ *Options) verdict {
	in := f.Insights
	switch {
	case in == nil:
		return noInsights()
	case in.Err != "":
		return broken(probeInsights, in.Path, in.Path+": "+in.Err)
	}
	return pass(fmt.Sprintf("%s is a valid version %d manifest", in.Path, in.Major), result.Finding{
		Probe: probeInsights, Outcome: result.True, Path: in.Path,
		Message: fmt.Sprintf("Security Insights schema %s", in.Version),
	})
}

func evalDependenciesPolicy(f *Facts, _ *Options) verdict {
	in := f.Insights
	switch {
	case in == nil:
		return noInsights()
	case in.Err != "":
		return broken(probeInsights, in.Path, in.Path+": "+in.Err)
	case in.DependenciesPolicy == "":
		field := "dependencies.env-dependencies-policy.policy-url"
		if in.Major == 2 {
			field = "repository.documentation.dependency-management-policy"
		}
		return fail(in.Path+" links to no dependency policy", result.Finding{
			Probe: probeInsights, Outcome: result.False, Path: in.Path, Message: field + " is not set",
		})
	}
	return pass("the dependency policy is "+in.DependenciesPolicy, result.Finding{
		Probe: probeInsights, Outcome: result.True, Path: in.Path, Message: "dependency policy: " + in.DependenciesPolicy,
	})
}

func evalSupportFile(f *Facts, _ *Options) verdict {
	// SUPPORT or SUPPORT.<ext>: repolinter's SUPPORT* would also take
	// supported_versions.json and the like.
	if p, ok := findFile(f, "support", "support.*", ".github/support", ".github/support.*", "docs/support", "docs/support.*"); ok {
		return pass(p+" found", fileFound(f, p))
	}
	return fail("no SUPPORT file at the root, in .github/ or in docs/")
}

func evalReadmeLicense(f *Facts, _ *Options) verdict {
	seen := false
	for _, r := range f.Readmes {
		if strings.Contains(r.Path, "/") {
			continue
		}
		seen = true
		if loc := reLicenseWord.FindStringIndex(r.Text); loc != nil {
			return pass(r.Path+" mentions the license", result.Finding{
				Probe: probeReadme, Outcome: result.True, Path: r.Path, Line: lineOf(r.Text, loc[0]),
				Message: r.Path + " mentions the license",
			})
		}
	}
	if !seen {
		return fail("no README at the root")
	}
	return fail("the README does not mention the license")
}

func evalBinaries(f *Facts, _ *Options) verdict {
	if f.BinaryCount == 0 {
		return pass("no *.exe or *.dll files", result.Finding{Probe: probeFile, Outcome: result.True,
			Message: "no *.exe or *.dll outside node_modules and vendor"})
	}
	var fs []result.Finding
	for _, b := range f.Binaries {
		fs = append(fs, result.Finding{Probe: probeFile, Outcome: result.False, Path: b, Message: b + " is a Windows binary"})
	}
	return fail(fmt.Sprintf("%d *.exe or *.dll files are committed", f.BinaryCount), fs...)
}

// scorecardCheck reads a check of an OpenSSF Scorecard result with
// CLOMonitor's rule: it passes at a score of 5 or more, Signed-Releases
// at 1 or more. A check the result lacks or could not decide is not
// available (CLOMonitor fails it; here the Scorecard result comes from a
// local run that leaves out what needs the forge, which says nothing
// about the project).
func scorecardCheck(name string) func(*Facts, *Options) verdict {
	threshold := 5.0
	if name == "Signed-Releases" {
		threshold = 1
	}
	return func(_ *Facts, o *Options) verdict {
		if o == nil || o.Scorecard == nil {
			return notAvailable("OpenSSF Scorecard results were not given")
		}
		c, ok := scorecardResult(o.Scorecard, name)
		if !ok {
			return notAvailable("the Scorecard result has no " + name + " check")
		}
		if c.Score < 0 {
			v := notAvailable(fmt.Sprintf("Scorecard could not decide %s: %s", name, c.Reason))
			v.exact = &c.Exact
			return v
		}
		msg := fmt.Sprintf("Scorecard %s scored %g (passes at %g or more): %s", name, c.Score, threshold, c.Reason)
		fd := result.Finding{Probe: probeScorecard, Message: msg}
		v := verdict{exact: &c.Exact, reason: msg}
		if c.Score >= threshold {
			fd.Outcome, v.status = result.True, passed
		} else {
			fd.Outcome, v.status = result.False, failed
		}
		v.findings = []result.Finding{fd}
		return v
	}
}

// scorecardResult finds a check by name, ignoring case and separators
// (Binary-Artifacts, binary_artifacts).
func scorecardResult(r *result.Repo, name string) (result.Check, bool) {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	want := norm(name)
	for _, c := range r.Checks {
		if norm(c.Name) == want {
			return c, true
		}
	}
	return result.Check{}, false
}
