// Package sbom converts between ospo's inventory and the two SBOM
// standards: CycloneDX (1.6, JSON and XML) and SPDX (2.3, JSON and
// tag-value). Encoding writes what a scan found; decoding turns a supplied
// SBOM into the same inventory, so policy, reports and vulnerability
// matching treat vendor software exactly like our own.
package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	spdxtv "github.com/spdx/tools-golang/tagvalue"
)

// Format names an SBOM serialisation.
type Format string

// The formats ospo reads and writes.
const (
	CycloneDXJSON Format = "cyclonedx-json"
	CycloneDXXML  Format = "cyclonedx-xml"
	SPDXJSON      Format = "spdx-json"
	SPDXTag       Format = "spdx-tag"
)

// Formats lists every format, in the order shown in help texts.
var Formats = []Format{CycloneDXJSON, CycloneDXXML, SPDXJSON, SPDXTag}

// MaxSize bounds an SBOM read. The largest real SBOMs (full container
// images with file lists) are tens of megabytes.
const MaxSize = 256 << 20

// Document is a parsed SBOM: exactly one of CycloneDX and SPDX is set.
type Document struct {
	Format    Format
	CycloneDX *cdx.BOM
	SPDX      *spdx.Document
	// SPDXVersion is the version the SPDX document was written in (the
	// reader converts older ones to the 2.3 model).
	SPDXVersion string
}

// ErrNotSBOM is returned (wrapped) for input that is neither CycloneDX nor
// SPDX.
var ErrNotSBOM = errors.New("not a CycloneDX or SPDX document")

// Sniff tells an SBOM's format from its first bytes, or false when the
// bytes are not one ospo reads.
func Sniff(head []byte) (Format, bool) {
	b := bytes.TrimLeft(head, " \t\r\n\ufeff")
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	switch {
	case len(b) == 0:
		return "", false
	case b[0] == '{':
		switch {
		case bytes.Contains(head, []byte(`"bomFormat"`)):
			return CycloneDXJSON, true
		case bytes.Contains(head, []byte(`"spdxVersion"`)):
			return SPDXJSON, true
		}
	case b[0] == '<':
		if bytes.Contains(head, []byte("cyclonedx.org/schema/bom")) {
			return CycloneDXXML, true
		}
	case bytes.HasPrefix(b, []byte("SPDXVersion:")), bytes.HasPrefix(b, []byte("##")) && bytes.Contains(head, []byte("\nSPDXVersion:")):
		return SPDXTag, true
	}
	return "", false
}

// ReadFile reads and parses the SBOM at path. Errors name the file.
func ReadFile(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d MiB; not read", path, MaxSize>>20)
	}
	doc, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// Parse decodes an SBOM in any of the formats, told apart by content.
func Parse(data []byte) (*Document, error) {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	f, ok := Sniff(head)
	if !ok {
		// A JSON object whose key comes late still deserves a real answer.
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			var probe struct {
				BOMFormat   *string `json:"bomFormat"`
				SPDXVersion *string `json:"spdxVersion"`
			}
			if err := json.Unmarshal(data, &probe); err != nil {
				return nil, fmt.Errorf("%w: invalid JSON: %v", ErrNotSBOM, err)
			}
			switch {
			case probe.BOMFormat != nil:
				f = CycloneDXJSON
			case probe.SPDXVersion != nil:
				f = SPDXJSON
			default:
				return nil, fmt.Errorf("%w: JSON without bomFormat or spdxVersion", ErrNotSBOM)
			}
		} else {
			return nil, ErrNotSBOM
		}
	}
	doc := &Document{Format: f}
	switch f {
	case CycloneDXJSON, CycloneDXXML:
		bom := new(cdx.BOM)
		ff := cdx.BOMFileFormatJSON
		if f == CycloneDXXML {
			if err := checkXML(data); err != nil {
				return nil, err
			}
			ff = cdx.BOMFileFormatXML
		}
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), ff).Decode(bom); err != nil {
			return nil, fmt.Errorf("CycloneDX %s: %v", formatWord(f), err)
		}
		if f == CycloneDXJSON && bom.BOMFormat != cdx.BOMFormat {
			return nil, fmt.Errorf("%w: bomFormat is %q", ErrNotSBOM, bom.BOMFormat)
		}
		doc.CycloneDX = bom
	case SPDXJSON:
		d, err := spdxjson.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("SPDX JSON: %v", err)
		}
		doc.SPDX = d
		var v struct {
			SPDXVersion string `json:"spdxVersion"`
		}
		_ = json.Unmarshal(data, &v)
		doc.SPDXVersion = v.SPDXVersion
	case SPDXTag:
		d, err := readTagValue(data)
		if err != nil {
			return nil, fmt.Errorf("SPDX tag-value: %v", err)
		}
		doc.SPDX = d
		doc.SPDXVersion = tagValue(data, "SPDXVersion")
	}
	if doc.SPDX != nil && doc.SPDXVersion == "" {
		doc.SPDXVersion = doc.SPDX.SPDXVersion
	}
	return doc, nil
}

// readTagValue parses tag-value, turning the parser's panics on hostile
// input (it indexes without checking in places) into errors.
func readTagValue(data []byte) (d *spdx.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("malformed document (%v)", r)
		}
	}()
	d, err = spdxtv.Read(bytes.NewReader(data))
	if err == nil && d == nil {
		err = errors.New("empty document")
	}
	return d, err
}

// tagValue returns the first value of tag in a tag-value document.
func tagValue(data []byte, tag string) string {
	for _, line := range bytes.Split(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte(tag+":")); ok {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}

func formatWord(f Format) string {
	if strings.HasSuffix(string(f), "xml") {
		return "XML"
	}
	return "JSON"
}

// checkXML refuses documents with a DOCTYPE: a CycloneDX document never
// needs one, and refusing it rules out entity expansion of every kind
// (Go's decoder does not expand them, but there is no reason to accept
// the attempt silently).
func checkXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return fmt.Errorf("CycloneDX XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return errors.New("CycloneDX XML: DOCTYPE declarations are not accepted (no DTDs or entities)")
			}
		case xml.StartElement:
			return nil
		}
	}
}
