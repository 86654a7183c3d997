package golang

import "strings"

// Go versions ("1.21", "1.21rc1", "1.21.3") order differently from semver:
// since Go 1.21 the language version "1.21" comes before its release
// candidates, which come before the release "1.21.0". These helpers follow
// the go command's rules without needing its internal packages.

type goVersion struct {
	major, minor, patch string
	kind, pre           string // "rc", "1" for 1.21rc1
}

func parseGoVersion(x string) (goVersion, bool) {
	var v goVersion
	var ok bool
	if v.major, x, ok = cutInt(x); !ok {
		return goVersion{}, false
	}
	if x == "" {
		v.minor, v.patch = "0", "0"
		return v, true
	}
	if x[0] != '.' {
		return goVersion{}, false
	}
	if v.minor, x, ok = cutInt(x[1:]); !ok {
		return goVersion{}, false
	}
	if x == "" {
		// Before 1.21 "1.20" was the release itself, later it is the
		// language version that precedes 1.21rc1 and 1.21.0.
		if cmpInt(v.minor, "21") < 0 {
			v.patch = "0"
		}
		return v, true
	}
	if x[0] == '.' {
		if v.patch, x, ok = cutInt(x[1:]); !ok || x != "" {
			return goVersion{}, false
		}
		return v, true
	}
	i := 0
	for i < len(x) && (x[i] < '0' || x[i] > '9') {
		if x[i] < 'a' || x[i] > 'z' {
			return goVersion{}, false
		}
		i++
	}
	if i == 0 {
		return goVersion{}, false
	}
	v.kind, x = x[:i], x[i:]
	if x == "" {
		return v, true
	}
	if v.pre, x, ok = cutInt(x); !ok || x != "" {
		return goVersion{}, false
	}
	return v, true
}

func cutInt(x string) (n, rest string, ok bool) {
	i := 0
	for i < len(x) && '0' <= x[i] && x[i] <= '9' {
		i++
	}
	if i == 0 || (x[0] == '0' && i != 1) {
		return "", "", false
	}
	return x[:i], x[i:], true
}

// cmpInt compares decimal strings without leading zeros.
func cmpInt(x, y string) int {
	if len(x) != len(y) {
		if len(x) < len(y) {
			return -1
		}
		return 1
	}
	return strings.Compare(x, y)
}

// compareGo orders Go versions; unparsable ones sort first.
func compareGo(x, y string) int {
	vx, _ := parseGoVersion(x)
	vy, _ := parseGoVersion(y)
	if c := cmpInt(vx.major, vy.major); c != 0 {
		return c
	}
	if c := cmpInt(vx.minor, vy.minor); c != 0 {
		return c
	}
	if c := cmpInt(vx.patch, vy.patch); c != 0 {
		return c
	}
	// A release ("") sorts before any prerelease kind only when the patch
	// is missing, which is the language-version case handled above.
	if c := strings.Compare(vx.kind, vy.kind); c != 0 {
		return c
	}
	return cmpInt(vx.pre, vy.pre)
}

// goSemver turns a Go version into the semver form vulnerability data
// uses: "1.21" → "v1.21.0", "1.21rc1" → "v1.21.0-rc.1". It returns "" for
// a version it cannot read.
func goSemver(x string) string {
	v, ok := parseGoVersion(x)
	if !ok {
		return ""
	}
	patch := v.patch
	if patch == "" {
		patch = "0"
	}
	s := "v" + v.major + "." + v.minor + "." + patch
	if v.kind != "" {
		s += "-" + v.kind
		if v.pre != "" {
			s += "." + v.pre
		}
	}
	return s
}

// prunesGraph reports whether a go.mod at this go version lists every
// module it needs, so that its dependencies' requirements can be left out
// of the module graph (module graph pruning, Go 1.17 and later).
func prunesGraph(goVer string) bool {
	return goVer != "" && compareGo(goVer, "1.17") >= 0
}
