package knowledge

import (
	"strings"
	"testing"
)

// Pairs from the rules in the package documentation, with the answer an
// OSPO gives, not the one the code happens to give.
func TestCompatible(t *testing.T) {
	tests := []struct {
		outbound, dep string
		model         DistributionModel
		want          Compat
		reason        string // a word the reason must contain
	}{
		// Permissive goes into anything.
		{"MIT", "BSD-3-Clause", Distributed, CompatYes, "notices"},
		{"LicenseRef-ospo-proprietary", "Apache-2.0", Distributed, CompatYes, "notices"},
		{"GPL-3.0-only", "MIT", Distributed, CompatYes, "combined"},
		{"GPL-2.0-only", "MIT", Distributed, CompatYes, "combined"},
		{"Apache-2.0", "CC0-1.0", Library, CompatYes, "public domain"},
		// ... except where the FSF says it does not combine with the GPL.
		{"GPL-2.0-only", "Apache-2.0", Distributed, CompatNo, "version 3"},
		{"GPL-2.0-or-later", "Apache-2.0", Distributed, CompatYes, "GPL-3.0"},
		{"GPL-3.0-or-later", "Apache-2.0", Distributed, CompatYes, "combined"},
		{"GPL-3.0-only", "OpenSSL", Distributed, CompatNo, "conflict"},
		{"GPL-2.0-only", "BSD-4-Clause", Distributed, CompatNo, "conflict"},
		// GPL versions.
		{"GPL-3.0-only", "GPL-2.0-only", Distributed, CompatNo, "version 2"},
		{"GPL-2.0-only", "GPL-3.0-or-later", Distributed, CompatNo, "version 3"},
		{"GPL-3.0-only", "GPL-2.0-or-later", Distributed, CompatYes, "combined"},
		{"GPL-3.0-or-later", "GPL-3.0-only", Distributed, CompatYes, "own license"},
		{"GPL-3.0-only", "LGPL-2.1-only", Distributed, CompatYes, "combined"},
		{"GPL-2.0-only", "LGPL-3.0-only", Distributed, CompatNo, "version 3"},
		{"AGPL-3.0-only", "GPL-3.0-only", SaaS, CompatYes, "no network clause"},
		{"GPL-3.0-only", "AGPL-3.0-only", Distributed, CompatYes, "combined"},
		{"GPL-2.0-only", "AGPL-3.0-only", SaaS, CompatNo, "version 3"},
		{"GPL-3.0-only", "MPL-2.0", Distributed, CompatYes, "combined"},
		{"GPL-3.0-only", "EPL-1.0", Distributed, CompatNo, "conflict"},
		{"GPL-3.0-only", "CDDL-1.0", Distributed, CompatNo, "conflict"},
		{"GPL-3.0-only", "EPL-2.0", Distributed, CompatUnknown, "person"},
		{"GPL-2.0", "GPL-2.0+", Distributed, CompatYes, "own license"},
		// Weak copyleft into anything when it stays separate.
		{"LicenseRef-ospo-proprietary", "LGPL-2.1-or-later", Distributed, CompatYes, "separate library"},
		{"MIT", "MPL-2.0", Distributed, CompatYes, "set of files"},
		{"Apache-2.0", "EPL-2.0", Library, CompatYes, "separate"},
		{"MPL-2.0", "LGPL-3.0-only", Distributed, CompatYes, "separate"},
		// Strong copyleft into another license once distributed.
		{"MIT", "GPL-3.0-only", Distributed, CompatNo, "whole program"},
		{"LicenseRef-ospo-proprietary", "GPL-2.0-or-later", Library, CompatNo, "whole program"},
		{"LGPL-2.1-only", "GPL-2.0-only", Distributed, CompatNo, "whole program"},
		{"MIT", "GPL-3.0-only", SaaS, CompatYes, "no network clause"},
		// Network copyleft as a service.
		{"MIT", "AGPL-3.0-only", SaaS, CompatNo, "service"},
		{"LicenseRef-ospo-proprietary", "SSPL-1.0", SaaS, CompatNo, "service"},
		{"MIT", "EUPL-1.2", SaaS, CompatNo, "service"},
		{"AGPL-3.0-or-later", "AGPL-3.0-only", SaaS, CompatYes, "own license"},
		// Internal use triggers nothing.
		{"LicenseRef-ospo-proprietary", "AGPL-3.0-only", Internal, CompatYes, "internally"},
		{"MIT", "GPL-3.0-only", Internal, CompatYes, "internally"},
		// Exceptions that free the user.
		{"LicenseRef-ospo-proprietary", "GPL-2.0-only WITH Classpath-exception-2.0", Distributed, CompatYes, "separate library"},
		{"GPL-3.0-only", "GPL-2.0-only WITH Classpath-exception-2.0", Distributed, CompatYes, "combined"},
		{"MIT", "GPL-2.0-with-classpath-exception", Distributed, CompatYes, "separate library"},
		{"MIT", "GPL-2.0-only WITH openvpn-openssl-exception", Distributed, CompatNo, "whole program"},
		// What a license id cannot tell.
		{"MIT", "LicenseRef-vendor", Distributed, CompatUnknown, "not a license ospo knows"},
		{"MIT", "CC-BY-NC-4.0", Distributed, CompatUnknown, "non-commercial"},
		{"MIT", "BUSL-1.1", SaaS, CompatUnknown, "proprietary"},
		{"EUPL-1.2", "CDDL-1.0", Distributed, CompatUnknown, "person"},
		// An unknown model is read as distributed.
		{"MIT", "GPL-3.0-only", "", CompatNo, "whole program"},
	}
	for _, tt := range tests {
		got, reason := Compatible(tt.outbound, tt.dep, tt.model)
		if got != tt.want {
			t.Errorf("Compatible(%q, %q, %q) = %s (%s), want %s", tt.outbound, tt.dep, tt.model, got, reason, tt.want)
			continue
		}
		if !strings.Contains(reason, tt.reason) {
			t.Errorf("Compatible(%q, %q, %q) reason %q does not say %q", tt.outbound, tt.dep, tt.model, reason, tt.reason)
		}
	}
}
