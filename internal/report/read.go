package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxDocumentSize bounds a scan document read back (an upload from CI).
const MaxDocumentSize = 64 << 20

// ReadDocument reads a scan document that `ospo scan -f json` wrote, as
// uploaded from CI. name says where it came from, for errors. It refuses
// documents that are too big, not JSON, of another major schema version,
// or whose components lack a name or ecosystem.
func ReadDocument(r io.Reader, name string) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, MaxDocumentSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var d Document
	if err := dec.Decode(&d); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s: not a scan document: JSON syntax error at byte %d: %v", name, se.Offset, err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s: not a scan document: field %q holds %s, want %s", name, te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("%s: not a scan document: %v", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", name)
	}
	major, _, _ := strings.Cut(d.SchemaVersion, ".")
	want, _, _ := strings.Cut(SchemaVersion, ".")
	if d.SchemaVersion == "" || major != want {
		return nil, fmt.Errorf("%s: schemaVersion %q is not a %s.x scan document (write it with ospo scan -f json)", name, d.SchemaVersion, want)
	}
	for i, c := range d.Components {
		if c.Name == "" || c.Ecosystem == "" {
			return nil, fmt.Errorf("%s: component %d has no name or ecosystem", name, i)
		}
		if len(c.Paths) > 10_000 {
			return nil, fmt.Errorf("%s: component %s has %d dependency paths", name, c.Name, len(c.Paths))
		}
	}
	return &d, nil
}
