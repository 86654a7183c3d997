package report

import _ "embed"

// JSONSchema is the JSON Schema (draft 2020-12) of the document that
// `ospo scan --format json` prints.
//
//go:embed schema/scan-1.2.schema.json
var JSONSchema []byte
