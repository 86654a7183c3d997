package quality

import (
	"fmt"
	"strings"
	"time"
)

// criterion is one per-component element: its key, its words and its
// weight. The order of criteria is the order of Report.Elements.
type criterion struct {
	id, name, description string
	ntia                  bool
	weight                int
}

// Indexes into criteria and componentFacts.status.
const (
	critSupplier = iota
	critName
	critVersion
	critIdentifier
	critRelationships
	critLicense
	critHash
	critDownload
	numCriteria
)

var criteria = [numCriteria]criterion{
	critSupplier: {"supplier", "Supplier name", "Who creates, defines and identifies the component: the party to ask about fixes, support and terms.", true, 10},
	critName:     {"name", "Component name", "The name the supplier gives the component; nothing else can be matched without it.", true, 10},
	critVersion:  {"version", "Version", "Which release is in use, so vulnerabilities and fixes can be matched to it.", true, 10},
	critIdentifier: {"identifier", "Unique identifier", "A package URL, CPE or SWID tag lets tools look the component up in vulnerability and license databases without guessing.",
		true, 10},
	critRelationships: {"relationships", "Dependency relationship", "Places the component in the dependency graph, so a finding can be traced to what includes it.", true, 10},
	critLicense: {"license", "License", "A valid SPDX license expression lets policy be checked automatically; free text (half credit) needs a person to read it.",
		false, 15},
	critHash: {"hash", "Hash", "A checksum pins the exact artifact and exposes tampering; MD5 and SHA-1 alone are weak.", false, 10},
	critDownload: {"download_location", "Download location", "Where the component's package or source can be fetched, for audits, rebuilds and license review.",
		false, 5},
}

// Document check keys, in the order of Report.DocumentChecks.
const (
	checkAuthor    = "author"
	checkTimestamp = "timestamp"
	checkPrimary   = "primary_component"
	checkGraph     = "dependency_graph"
	checkSpec      = "spec_version"
)

// componentFacts is what a format adapter found about one component; the
// judging step never looks at the models.
type componentFacts struct {
	ref, name, version string
	status             [numCriteria]Status
	weakHash           bool // every hash is MD5, SHA-1 or weaker
	notes              []string
}

// docFacts is what a format adapter found about one document.
type docFacts struct {
	specVersion string
	specCurrent bool   // a version new enough to carry every field rated here
	specDetail  string // the version in words
	authors     []string
	timestamp   string
	timestampAt string // where the timestamp lives, for messages
	primaries   []componentFacts
	components  []componentFacts
	edges       int    // dependency edges between two elements
	graphDetail string // what the graph says about the primary component
}

func documentChecks(f *docFacts) []Check {
	author := Check{ID: checkAuthor, Name: "Author of SBOM data", NTIA: true, Weight: 6,
		Description: "Who (person, organisation or tool) produced the SBOM data, so its provenance can be judged."}
	if len(f.authors) > 0 {
		author.Passed = true
		author.Detail = strings.Join(f.authors, "; ")
	} else {
		author.Detail = "no author, tool or organisation is named"
	}

	ts := Check{ID: checkTimestamp, Name: "Timestamp", NTIA: true, Weight: 6,
		Description: "When the SBOM data was assembled (RFC 3339), so its age can be judged."}
	at := f.timestampAt
	if at == "" {
		at = "timestamp"
	}
	switch t := strings.TrimSpace(f.timestamp); {
	case t == "":
		ts.Detail = at + " is missing"
	default:
		if _, err := time.Parse(time.RFC3339, t); err != nil {
			ts.Detail = fmt.Sprintf("%s %q is not an RFC 3339 date-time", at, clip(t))
		} else {
			ts.Passed = true
			ts.Detail = t
		}
	}

	primary := Check{ID: checkPrimary, Name: "Primary component", Weight: 4,
		Description: "The software the SBOM is about (CycloneDX metadata.component, SPDX DESCRIBES); without it the graph has no root."}
	if len(f.primaries) > 0 {
		primary.Passed = true
		var names []string
		for _, p := range f.primaries {
			names = append(names, p.ref)
		}
		primary.Detail = strings.Join(names, ", ")
	} else {
		primary.Detail = "the document does not say which component it describes"
	}

	graph := Check{ID: checkGraph, Name: "Dependency relationships", Weight: 4,
		Description: "At least one dependency edge between components; a flat list says what is present but not why."}
	graph.Passed = f.edges > 0
	graph.Detail = plural(f.edges, "dependency edge", "dependency edges")
	if f.graphDetail != "" {
		graph.Detail += "; " + f.graphDetail
	}

	spec := Check{ID: checkSpec, Name: "Specification version", Weight: 0,
		Description: "Older specification versions lack fields rated here (informational, not scored)."}
	spec.Passed = f.specCurrent
	spec.Detail = f.specDetail
	if spec.Detail == "" {
		spec.Detail = "unknown"
	}
	return []Check{author, ts, primary, graph, spec}
}

// plural writes n and the noun that fits it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
