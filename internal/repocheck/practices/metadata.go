package practices

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// MetadataFile is CLOMonitor's per-repository metadata file, read at the
// root with its exact name.
const MetadataFile = ".clomonitor.yml"

// ErrInvalidMetadata is wrapped by ParseMetadata's error.
var ErrInvalidMetadata = errors.New("invalid " + MetadataFile)

// Metadata is what .clomonitor.yml says.
type Metadata struct {
	Path string `json:"path,omitempty"`
	// Exemptions are as written, also those without a reason (Evaluate
	// reports and ignores them).
	Exemptions []Exemption `json:"exemptions,omitempty"`
	// LicenseScanningURL is licenseScanning.url: where the project's
	// license scanning results are, for a scanner CLOMonitor does not
	// recognise from a README badge.
	LicenseScanningURL string `json:"licenseScanningUrl,omitempty"`
	// Problems are entries that could not be used.
	Problems []string `json:"problems,omitempty"`
}

// ParseMetadata reads a .clomonitor.yml. A document that is not YAML or
// not a mapping is an error; an unusable entry (no check named) is a
// Problem and the rest is kept. Keys CLOMonitor does not know are
// ignored, as CLOMonitor ignores them.
func ParseMetadata(data []byte) (Metadata, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Metadata{}, fmt.Errorf("%w: %v", ErrInvalidMetadata, err)
	}
	var md Metadata
	if isNull(&doc) {
		return md, nil
	}
	v := &validator{}
	top := v.optMapping(&doc, "")
	if top == nil {
		return Metadata{}, fmt.Errorf("%w: the document is not a mapping", ErrInvalidMetadata)
	}
	if n := top.get("exemptions"); !isNull(n) {
		items := v.seq(n, "exemptions")
		if items == nil {
			return Metadata{}, fmt.Errorf("%w: exemptions is not a list", ErrInvalidMetadata)
		}
		for i, item := range items {
			v.reset()
			e := v.mapping(item, fmt.Sprintf("exemptions[%d]", i))
			if e == nil {
				md.Problems = append(md.Problems, v.errs...)
				continue
			}
			check := v.str(e.get("check"), fmt.Sprintf("exemptions[%d].check", i))
			reason := v.optStr(e.get("reason"), fmt.Sprintf("exemptions[%d].reason", i))
			if len(v.errs) > 0 || check == "" {
				md.Problems = append(md.Problems, fmt.Sprintf("exemptions[%d] names no check", i))
				continue
			}
			md.Exemptions = append(md.Exemptions, Exemption{Check: check, Reason: reason})
		}
	}
	if n := top.get("licenseScanning"); !isNull(n) {
		v.reset()
		if ls := v.optMapping(n, "licenseScanning"); ls != nil {
			md.LicenseScanningURL = v.optStr(ls.get("url"), "licenseScanning.url")
		}
		md.Problems = append(md.Problems, v.errs...)
	}
	return md, nil
}
