package composer

import (
	"encoding/json"
	"fmt"
	"strings"
)

// manifest is what a project's composer.json says about its
// dependencies.
type manifest struct {
	Name, Version       string
	Require, RequireDev []requirement
	// VendorDir is config.vendor-dir, "" when not set (then "vendor").
	VendorDir string
}

// parseManifest reads a composer.json.
func parseManifest(data []byte) (*manifest, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if top == nil {
		return nil, errNotObject
	}
	m := &manifest{
		Name:       strings.TrimSpace(jsonString(top["name"])),
		Version:    strings.TrimSpace(jsonString(top["version"])),
		Require:    requirements(top["require"]),
		RequireDev: requirements(top["require-dev"]),
	}
	var config map[string]json.RawMessage
	if json.Unmarshal(top["config"], &config) == nil {
		m.VendorDir = strings.TrimSpace(jsonString(config["vendor-dir"]))
	}
	return m, nil
}
