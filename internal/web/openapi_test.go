package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"ospo/internal/access"
)

// openAPIDoc fetches the document anonymously, as any client can.
func openAPIDoc(t *testing.T, f *fixture) (map[string]any, []byte) {
	t.Helper()
	w := f.do(req{path: "/api/v1/openapi.json"})
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc, w.Body.Bytes()
}

// TestOpenAPIDocument checks the document's 3.1 structure and that it
// lists every API route of the table, with its role, and nothing else.
func TestOpenAPIDocument(t *testing.T) {
	f := sqliteFixture(t)
	doc, raw := openAPIDoc(t, f)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] != "test" {
		t.Errorf("info = %v", info)
	}
	paths, _ := doc["paths"].(map[string]any)
	listed := 0
	for _, rt := range f.srv.routes {
		if rt.api == nil {
			if _, ok := paths[rt.path]; ok {
				t.Errorf("page %s is in the API document", rt.path)
			}
			continue
		}
		item, _ := paths[rt.path].(map[string]any)
		op, ok := item[strings.ToLower(rt.method)].(map[string]any)
		if !ok {
			t.Errorf("%s %s is not in the document", rt.method, rt.path)
			continue
		}
		listed++
		if op["x-minimum-role"] != roleName(rt) {
			t.Errorf("%s %s: x-minimum-role %v, want %s", rt.method, rt.path, op["x-minimum-role"], roleName(rt))
		}
		if _, ok := op["responses"].(map[string]any)["default"]; !ok {
			t.Errorf("%s %s: no default (error) response", rt.method, rt.path)
		}
		// Every path template parameter is declared, as OpenAPI requires.
		var declared []string
		ps, _ := op["parameters"].([]any)
		for _, p := range ps {
			pm := p.(map[string]any)
			if pm["in"] == "path" {
				declared = append(declared, pm["name"].(string))
				if pm["required"] != true {
					t.Errorf("%s %s: path parameter %v is not required", rt.method, rt.path, pm["name"])
				}
			}
		}
		if !slices.Equal(declared, pathParams(rt.path)) {
			t.Errorf("%s %s: path parameters %v, want %v", rt.method, rt.path, declared, pathParams(rt.path))
		}
	}
	ops := 0
	templates := map[string]string{}
	for p, item := range paths {
		ops += len(item.(map[string]any))
		// Paths that differ only in their template names are the same
		// path to OpenAPI, and not allowed.
		norm := regexp.MustCompile(`\{[^}]*\}`).ReplaceAllString(p, "{}")
		if other, dup := templates[norm]; dup {
			t.Errorf("paths %s and %s are the same template", p, other)
		}
		templates[norm] = p
	}
	if ops != listed || listed < 25 {
		t.Errorf("the document has %d operations, the table %d API routes", ops, listed)
	}
	// Operation ids are unique.
	seen := map[string]bool{}
	for _, item := range paths {
		for _, op := range item.(map[string]any) {
			id := op.(map[string]any)["operationId"].(string)
			if seen[id] {
				t.Errorf("operationId %s is used twice", id)
			}
			seen[id] = true
		}
	}
	// Every $ref resolves.
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range regexp.MustCompile(`"\$ref": "#/components/schemas/([^"]+)"`).FindAllSubmatch(raw, -1) {
		if _, ok := schemas[string(m[1])]; !ok {
			t.Errorf("$ref to missing schema %s", m[1])
		}
	}
}

// TestOpenAPIMatchesAnswers validates what the GET operations answer
// against the schemas the document gives for them, so the document
// cannot describe something other than what the handlers send.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	f := sqliteFixture(t)
	_, raw := openAPIDoc(t, f)
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("mem://openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, rt := range f.srv.routes {
		if rt.api == nil || rt.method != "GET" || rt.api.response == nil {
			continue
		}
		t.Run(rt.path, func(t *testing.T) {
			w := f.do(req{path: f.concretePath(rt), token: access.Admin})
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, truncate(w.Body.String(), 200))
			}
			ptr := fmt.Sprintf("mem://openapi.json#/paths/%s/get/responses/200/content/application~1json/schema",
				strings.ReplaceAll(strings.ReplaceAll(rt.path, "~", "~0"), "/", "~1"))
			sch, err := c.Compile(ptr)
			if err != nil {
				t.Fatalf("compile the response schema: %v", err)
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("the answer does not match the document's schema: %v\n%s", err, truncate(w.Body.String(), 400))
			}
			checked++
		})
	}
	// The check can fail: an answer with a list that is null, or a
	// field of the wrong type, does not pass.
	sch, err := c.Compile("mem://openapi.json#/paths/~1api~1v1~1projects/get/responses/200/content/application~1json/schema")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"items": null, "total": 0}`, `{"items": [], "total": "3"}`, `{"items": [{"id": 1}], "total": 1}`} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if sch.Validate(v) == nil {
			t.Errorf("%s passes the projects schema", bad)
		}
	}
	if checked < 15 {
		t.Errorf("only %d answers checked", checked)
	}
}
