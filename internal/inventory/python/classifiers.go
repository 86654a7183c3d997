package python

import "strings"

// classifierLicenses maps the last part of a "License :: ..." trove
// classifier to the SPDX id it stands for. Classifiers that name a family
// rather than one license ("BSD License", "GNU General Public License
// (GPL)") map to the family's short name, which the license normaliser
// reports as ambiguous: the license text then decides, and no variant is
// invented here.
var classifierLicenses = map[string]string{
	"MIT License":                                                "MIT",
	"MIT No Attribution License (MIT-0)":                         "MIT-0",
	"Apache Software License":                                    "Apache-2.0",
	"BSD License":                                                "BSD",
	"ISC License (ISCL)":                                         "ISC",
	"Python Software Foundation License":                         "PSF-2.0",
	"Mozilla Public License 1.0 (MPL)":                           "MPL-1.0",
	"Mozilla Public License 1.1 (MPL 1.1)":                       "MPL-1.1",
	"Mozilla Public License 2.0 (MPL 2.0)":                       "MPL-2.0",
	"The Unlicense (Unlicense)":                                  "Unlicense",
	"Boost Software License 1.0 (BSL-1.0)":                       "BSL-1.0",
	"zlib/libpng License":                                        "Zlib",
	"Universal Permissive License (UPL)":                         "UPL-1.0",
	"Eclipse Public License 1.0 (EPL-1.0)":                       "EPL-1.0",
	"Eclipse Public License 2.0 (EPL-2.0)":                       "EPL-2.0",
	"European Union Public Licence 1.0 (EUPL 1.0)":               "EUPL-1.0",
	"European Union Public Licence 1.1 (EUPL 1.1)":               "EUPL-1.1",
	"European Union Public Licence 1.2 (EUPL 1.2)":               "EUPL-1.2",
	"Historical Permission Notice and Disclaimer (HPND)":         "HPND",
	"Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
	"Sun Industry Standards Source License (SISSL)":              "SISSL",
	"W3C License":                                                     "W3C",
	"Open Software License 3.0 (OSL-3.0)":                             "OSL-3.0",
	"PostgreSQL License":                                              "PostgreSQL",
	"Attribution Assurance License":                                   "AAL",
	"GNU General Public License (GPL)":                                "GPL",
	"GNU General Public License v2 (GPLv2)":                           "GPL-2.0-only",
	"GNU General Public License v2 or later (GPLv2+)":                 "GPL-2.0-or-later",
	"GNU General Public License v3 (GPLv3)":                           "GPL-3.0-only",
	"GNU General Public License v3 or later (GPLv3+)":                 "GPL-3.0-or-later",
	"GNU Library or Lesser General Public License (LGPL)":             "LGPL",
	"GNU Lesser General Public License v2 (LGPLv2)":                   "LGPL-2.0-only",
	"GNU Lesser General Public License v2 or later (LGPLv2+)":         "LGPL-2.0-or-later",
	"GNU Lesser General Public License v3 (LGPLv3)":                   "LGPL-3.0-only",
	"GNU Lesser General Public License v3 or later (LGPLv3+)":         "LGPL-3.0-or-later",
	"GNU Affero General Public License v3":                            "AGPL-3.0-only",
	"GNU Affero General Public License v3 or later (AGPLv3+)":         "AGPL-3.0-or-later",
	"CC0 1.0 Universal (CC0 1.0) Public Domain Dedication":            "CC0-1.0",
	"Mulan Permissive Software License v2 (MulanPSL-2.0)":             "MulanPSL-2.0",
	"SIL Open Font License 1.1 (OFL-1.1)":                             "OFL-1.1",
	"Blue Oak Model License (BlueOak-1.0.0)":                          "BlueOak-1.0.0",
	"CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
	"Educational Community License, Version 2.0 (ECL-2.0)":            "ECL-2.0",
}

// qualifierClassifiers add nothing about which license applies.
var qualifierClassifiers = map[string]bool{
	"License :: OSI Approved":  true,
	"License :: DFSG approved": true,
}

// licenseClassifiers maps the license classifiers among cs to license
// values: SPDX ids where the classifier names one license, the
// classifier's own words otherwise. Duplicates are dropped.
func licenseClassifiers(cs []string) []string {
	var out []string
	for _, c := range cs {
		c = strings.TrimSpace(c)
		if !strings.HasPrefix(c, "License ::") || qualifierClassifiers[c] {
			continue
		}
		parts := strings.Split(c, "::")
		last := strings.TrimSpace(parts[len(parts)-1])
		if last == "" {
			continue
		}
		if id, ok := classifierLicenses[last]; ok {
			out = appendUnique(out, id)
			continue
		}
		out = appendUnique(out, last)
	}
	return out
}
