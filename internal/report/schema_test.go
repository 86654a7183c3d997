package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles a JSON Schema document, whatever draft its
// $schema names (SARIF's is draft-04, ospo's 2020-12), asserting formats.
func compileSchema(t *testing.T, url string, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatalf("schema %s: %v", url, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("schema %s: %v", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return s
}

// validate checks a document against a schema and reports every error.
func validate(t *testing.T, s *jsonschema.Schema, name string, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate:\n%v", name, err)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The validators must be able to fail: a document that breaks each schema
// in a way a renderer could is refused.
func TestSchemasRefuseBrokenDocuments(t *testing.T) {
	scanSchema := compileSchema(t, "scan.json", JSONSchema)
	sarifSchema := compileSchema(t, "sarif.json", readTestdata(t, "sarif-2.1.0.schema.json"))
	tests := []struct {
		name   string
		schema *jsonschema.Schema
		doc    string
	}{
		{"scan: verdict not a verdict", scanSchema, `{"schemaVersion":"1.1","tool":{"name":"ospo","version":"x"},"roots":[],` +
			`"summary":{"projects":0,"components":1,"noAssertion":0,"needsReview":0,"excluded":0,"problems":0,"byLicense":{}},` +
			`"projects":[],"problems":[],"components":[{"ecosystem":"npm","name":"a","version":"1","purl":"pkg:npm/a@1",` +
			`"license":"MIT","licenseSource":"declared","needsReview":false,"scope":"prod","direct":true,"paths":[],"installed":true,` +
			`"verdict":"maybe","rule":"r","reason":"r"}]}`},
		{"scan: policy without counts", scanSchema, `{"schemaVersion":"1.1","tool":{"name":"ospo","version":"x"},"roots":[],` +
			`"summary":{"projects":0,"components":0,"noAssertion":0,"needsReview":0,"excluded":0,"problems":0,"byLicense":{}},` +
			`"projects":[],"components":[],"problems":[],"policy":{"distribution":"distributed","unusedExceptions":[],"expiredExceptions":[]}}`},
		{"sarif: level not a level", sarifSchema, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ospo"}},` +
			`"results":[{"ruleId":"x","level":"fatal","message":{"text":"t"}}]}]}`},
		{"sarif: region line 0", sarifSchema, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ospo"}},` +
			`"results":[{"ruleId":"x","message":{"text":"t"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`},
		{"sarif: unknown property", sarifSchema, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ospo","homepage":"x"}},"results":[]}]}`},
	}
	for _, tc := range tests {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tc.doc)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.schema.Validate(inst) == nil {
			t.Errorf("%s: validated, want an error", tc.name)
		}
	}
}
