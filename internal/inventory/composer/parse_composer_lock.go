package composer

import (
	"encoding/json"
	"errors"
	"fmt"
)

// lockFile is what composer.lock records: the packages installed for
// production and those installed only for development.
type lockFile struct {
	Packages, PackagesDev []pkgMeta
	// Skipped counts package entries without a name.
	Skipped int
}

var (
	// errNotObject is returned for a file whose top level is not a JSON
	// object.
	errNotObject = errors.New("not a JSON object")
	// errNotList is returned when a package list is not a JSON array.
	errNotList = errors.New("package list is not a JSON array")
)

// parseLock reads a composer.lock.
func parseLock(data []byte) (*lockFile, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if top == nil {
		return nil, errNotObject
	}
	lf := &lockFile{}
	var skipped int
	var err error
	if lf.Packages, skipped, err = decodePackages(top["packages"]); err != nil {
		return nil, fmt.Errorf("packages: %w", err)
	}
	lf.Skipped += skipped
	if lf.PackagesDev, skipped, err = decodePackages(top["packages-dev"]); err != nil {
		return nil, fmt.Errorf("packages-dev: %w", err)
	}
	lf.Skipped += skipped
	return lf, nil
}
