package composer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// installedFile is vendor/composer/installed.json: what Composer put in
// the vendor directory.
type installedFile struct {
	Packages []pkgMeta
	// Skipped counts package entries without a name.
	Skipped int
	// DevKnown is set when the file says whether development packages
	// were installed (Composer 2); Dev is that answer and DevNames the
	// packages installed only for development.
	DevKnown bool
	Dev      bool
	DevNames map[string]bool
	// Format is "composer 1" (a bare list) or "composer 2".
	Format string
}

// parseInstalled reads installed.json in either of its forms: Composer 1
// writes a bare list of packages, Composer 2 an object whose packages key
// holds the list, with dev and dev-package-names beside it.
func parseInstalled(data []byte) (*installedFile, error) {
	body := bytes.TrimLeft(data, " \t\r\n")
	if len(body) > 0 && body[0] == '[' {
		pkgs, skipped, err := decodePackages(body)
		if err != nil {
			if !json.Valid(body) {
				return nil, fmt.Errorf("invalid JSON: %w", json.Unmarshal(body, new(any)))
			}
			return nil, err
		}
		return &installedFile{Packages: pkgs, Skipped: skipped, Format: "composer 1"}, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if top == nil {
		return nil, errNotObject
	}
	pkgs, skipped, err := decodePackages(top["packages"])
	if err != nil {
		return nil, fmt.Errorf("packages: %w", err)
	}
	f := &installedFile{Packages: pkgs, Skipped: skipped, Format: "composer 2"}
	if err := json.Unmarshal(top["dev"], &f.Dev); err == nil {
		f.DevKnown = true
	}
	if names := stringList(top["dev-package-names"]); len(names) > 0 {
		f.DevNames = map[string]bool{}
		for _, n := range names {
			f.DevNames[strings.ToLower(n)] = true
		}
	}
	return f, nil
}
