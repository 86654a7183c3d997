package quality

import (
	"fmt"
	"testing"

	"github.com/github/go-spdx/v2/spdxexp"
	"github.com/package-url/packageurl-go"
)

func TestProbe(t *testing.T) {
	for _, s := range []string{"MIT", "mit", "Apache-2.0", "apache-2.0", "MIT OR Apache-2.0", "mit or apache-2.0", "(LGPL-2.0-only OR LicenseRef-3)", "GPL-3.0-or-later AND LicenseRef-Golang-BSD-plus-Patents", "NOASSERTION", "NONE", "Apache License 2.0", "GPL-2.0", "GPL-2.0+", "", " MIT ", "LicenseRef-", "DocumentRef-a:LicenseRef-b", "MIT AND"} {
		ok, bad := spdxexp.ValidateLicenses([]string{s})
		fmt.Printf("%q %v %v\n", s, ok, bad)
	}
	for _, s := range []string{"pkg:npm/%40cyclonedx/cyclonedx-library@6.0.0?download_url=git%2Bssh%3A//git%40github.com/CycloneDX/cyclonedx-javascript-library.git%23c887c803ac56deb5f91b617ef0486ca3fb98473b", "pkg:cargo/hyper@0.14", "pkg:deb/debian/libselinux1-dev@3.1-3?arch=s390x", "pkg:", "npm/foo", "pkg:npm/ansi-regex@2.0.0?vcs_url=git%2Bhttps%3A//github.com/sindresorhus/ansi-regex.git"} {
		_, err := packageurl.FromString(s)
		fmt.Printf("%q %v\n", s, err)
	}
}
