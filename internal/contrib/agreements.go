package contrib

import "strings"

// agreement is a contributor agreement ospo can name, and the lower-case
// text (addresses of signing services, names as projects write them) that
// identifies it in a guide.
type agreement struct {
	name string
	// service is set for hosted signing services: the agreement signed
	// through them is the project's own, so their name stands in only
	// when the agreement is not named.
	service bool
	// aliases are other names a policy may list it under.
	aliases []string
	markers []marker
}

type marker struct {
	text string
	// note explains a marker that names the agreement only indirectly.
	note string
}

// agreements is read-only: the order decides which name wins when one line
// names two.
var agreements = []agreement{
	{name: "Google CLA", aliases: []string{"Google Individual CLA", "Google Corporate CLA"}, markers: []marker{
		{text: "cla.developers.google.com"},
		{text: "developers.google.com/open-source/cla"},
		{text: "google individual contributor license agreement"},
		{text: "google individual cla"},
		{text: "google corporate cla"},
		{text: "google cla"},
		{text: "google's cla"},
		{text: "google contributor license agreement"},
		{text: "google's contributor license agreement"},
		// The Go project's guide asks every contributor for the Google
		// CLA; its subprojects' guides only link to it.
		{text: "golang.org/doc/contribute", note: "the Go contribution guide it links to asks for the Google CLA"},
		{text: "go.dev/doc/contribute", note: "the Go contribution guide it links to asks for the Google CLA"},
	}},
	{name: "Microsoft CLA", markers: []marker{
		{text: "cla.microsoft.com"},
		{text: "cla.opensource.microsoft.com"},
		{text: "microsoft contributor license agreement"},
		{text: "microsoft cla"},
	}},
	{name: "Apache ICLA", aliases: []string{"ASF ICLA", "Apache CLA", "Apache Individual Contributor License Agreement"}, markers: []marker{
		{text: "apache.org/licenses/icla"},
		{text: "apache.org/licenses/cla"},
		{text: "apache.org/licenses/contributor-agreements"},
		{text: "apache individual contributor license agreement"},
		{text: "apache icla"},
		{text: "asf icla"},
		{text: "apache software foundation individual contributor license agreement"},
	}},
	{name: "Linux Foundation EasyCLA", aliases: []string{"EasyCLA", "LF CLA", "CNCF CLA", "Linux Foundation CLA"}, markers: []marker{
		{text: "easycla"},
		{text: "lfx.linuxfoundation.org"},
		{text: "identity.linuxfoundation.org"},
		{text: "linux foundation cla"},
		{text: "linux foundation's cla"},
		{text: "cncf cla"},
		{text: "cncf's cla"},
		{text: "github.com/cncf/cla"},
		{text: "git.k8s.io/community/cla.md", note: "the Kubernetes CLA page it links to asks for the CNCF CLA through EasyCLA"},
		{text: "kubernetes/community/blob/master/cla.md", note: "the Kubernetes CLA page it links to asks for the CNCF CLA through EasyCLA"},
	}},
	{name: "Meta CLA", aliases: []string{"Facebook CLA"}, markers: []marker{
		{text: "code.facebook.com/cla"},
		{text: "developers.facebook.com/opensource/cla"},
		{text: "facebook cla"},
		{text: "facebook's cla"},
		{text: "meta cla"},
		{text: "meta's cla"},
		{text: "facebook contributor license agreement"},
	}},
	{name: "Oracle Contributor Agreement", aliases: []string{"OCA"}, markers: []marker{
		{text: "oca.opensource.oracle.com"},
		{text: "oracle contributor agreement"},
	}},
	{name: "Eclipse Contributor Agreement", aliases: []string{"ECA"}, markers: []marker{
		{text: "eclipse.org/legal/eca"},
		{text: "eclipse contributor agreement"},
	}},
	{name: "Canonical CLA", markers: []marker{
		{text: "ubuntu.com/legal/contributors"},
		{text: "canonical contributor licence agreement"},
		{text: "canonical contributor license agreement"},
		{text: "canonical cla"},
	}},
	{name: "Salesforce CLA", markers: []marker{
		{text: "cla.salesforce.com"},
		{text: "salesforce cla"},
	}},
	{name: "Adobe CLA", markers: []marker{
		{text: "opensource.adobe.com/cla"},
		{text: "adobe cla"},
		{text: "adobe's cla"},
	}},
	{name: "PSF Contributor Agreement", markers: []marker{
		{text: "python.org/psf/contrib"},
		{text: "psf contributor agreement"},
	}},
	{name: "HashiCorp CLA", markers: []marker{
		{text: "cla.hashicorp.com"},
		{text: "hashicorp cla"},
	}},
	{name: "MongoDB Contributor Agreement", markers: []marker{
		{text: "mongodb.com/legal/contributor-agreement"},
	}},
	// Hosted signing services: the agreement itself is the project's own,
	// so the policy approves the service's use, not a text.
	{name: "cla-assistant", service: true, markers: []marker{
		{text: "cla-assistant.io"},
		{text: "cla assistant"},
		{text: "cla-assistant/github-action"},
		{text: "contributor-assistant/github-action"},
	}},
	{name: "cla-bot", service: true, markers: []marker{
		{text: "cla-bot"},
		{text: "clabot"},
	}},
}

// KnownCLAs returns the names of the agreements ospo can identify, for
// writing a policy.
func KnownCLAs() []string {
	out := make([]string, len(agreements))
	for i, a := range agreements {
		out[i] = a.name
	}
	return out
}

// isService reports whether name is a hosted signing service's.
func isService(name string) bool {
	for _, a := range agreements {
		if a.name == name {
			return a.service
		}
	}
	return false
}

// possessive is how a guide names its owner's agreement when ospo does not
// know it: "Uber's Contributor License Agreement".
var possessives = []string{"'s contributor license agreement", "'s contributor licence agreement", "’s contributor license agreement"}

// Owners too generic to name an agreement.
var genericOwners = []string{"project", "projects", "foundation", "company", "organization", "organisation", "employer", "community", "team", "one"}

// possessiveNames finds "<Owner>'s Contributor License Agreement" on a
// line (lower is its ASCII lower-case form) and names it "<Owner> CLA".
func possessiveNames(line, lower string) []match {
	var ms []match
	for _, p := range possessives {
		for _, at := range indexAll(lower, p) {
			start := at
			for start > 0 && isOwnerByte(line[start-1]) {
				start--
			}
			owner := line[start:at]
			if owner == "" || owner[0] < 'A' || owner[0] > 'Z' {
				continue
			}
			if slicesContainsFold(genericOwners, owner) {
				continue
			}
			ms = append(ms, match{start: start, end: at + len(p), name: owner + " CLA"})
		}
	}
	return ms
}

func isOwnerByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
}

func slicesContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// sameCLA reports whether a policy's entry names the agreement called
// name, directly or by one of its aliases.
func sameCLA(entry, name string) bool {
	entry = strings.TrimSpace(entry)
	if strings.EqualFold(entry, name) {
		return true
	}
	for _, a := range agreements {
		if a.name != name {
			continue
		}
		for _, alias := range a.aliases {
			if strings.EqualFold(entry, alias) {
				return true
			}
		}
	}
	return false
}
