package repocheck

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxOrgsFile bounds a contributor-organisation mapping file.
const maxOrgsFile = 4 << 20

// ErrBadOrgs marks a contributor-organisation file that is not a YAML
// mapping of domains to organisation names.
var ErrBadOrgs = errors.New("invalid contributor organisations file")

// LoadContributorOrgs reads a YAML mapping of e-mail domains to
// organisations, such as
//
//	example.com: Example Corp
//	example-labs.io: Example Corp
//	university.edu: ""      # addresses here say nothing of an employer
//
// Domains match their subdomains too. An empty organisation marks a
// domain to ignore, as free-mail domains are ignored.
func LoadContributorOrgs(path string) (map[string]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxOrgsFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxOrgsFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrBadOrgs, path, maxOrgsFile)
	}
	return ParseContributorOrgs(path, data)
}

// ParseContributorOrgs reads the mapping LoadContributorOrgs describes.
func ParseContributorOrgs(path string, data []byte) (map[string]string, error) {
	var raw map[string]string
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrBadOrgs, path, err)
	}
	out := make(map[string]string, len(raw))
	for d, org := range raw {
		d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
		d = strings.TrimPrefix(d, "@")
		if d == "" {
			continue
		}
		out[d] = strings.TrimSpace(org)
	}
	return out, nil
}
