package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"
)

// The OpenAPI 3.1 document is built once, at start-up, from the route
// table: every /api/v1 route is an operation with its minimum role, its
// parameters, and JSON Schemas derived from the Go types it reads and
// writes, so the document cannot drift from the handlers.

func (s *Server) openAPIDoc(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(s.openapi)
	return err
}

// openAPI builds the document.
func (s *Server) openAPI() ([]byte, error) {
	g := &schemaGen{defs: map[string]any{}, names: map[reflect.Type]string{}}
	errSchema := g.schema(reflect.TypeFor[apiError]())
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if rt.api == nil {
			continue
		}
		a := rt.api
		op := map[string]any{
			"operationId":     operationID(rt.method, rt.path),
			"summary":         a.summary,
			"tags":            []string{a.tag},
			"x-minimum-role":  roleName(rt),
			"responses":       responses(g, rt, errSchema),
			"x-max-body-size": maxBodyOf(rt),
		}
		if rt.role == "" {
			op["security"] = []any{}
			delete(op, "x-max-body-size")
		} else {
			op["description"] = fmt.Sprintf("Needs the %s role (or higher).", rt.role)
		}
		var params []any
		for _, name := range pathParams(rt.path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true,
				"description": pathParamDesc(rt, name), "schema": pathParamSchema(rt.path, name)})
		}
		for _, p := range a.query {
			sch := map[string]any{"type": p.typ}
			if len(p.enum) > 0 {
				sch["enum"] = p.enum
			}
			params = append(params, map[string]any{"name": p.name, "in": "query", "description": p.desc, "schema": sch})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if a.bodyType != "" {
			var sch any = map[string]any{}
			if a.bodySchema != nil {
				sch = g.schema(a.bodySchema)
			} else if a.bodyType == "application/json" {
				sch = map[string]any{"type": "object"}
			}
			body := map[string]any{"required": true, "content": map[string]any{a.bodyType: map[string]any{"schema": sch}}}
			if a.bodyDesc != "" {
				body["description"] = a.bodyDesc
			}
			op["requestBody"] = body
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "ospo",
			"version":     orDefault(s.cfg.Version, "dev"),
			"description": "The REST API of ospo's portal: projects and their scans, components, findings, changes, risk actions, the policy, repository health, the audit log, accounts and tokens. Authenticate with an API token (Authorization: Bearer ospo_…) or, from the portal, the session cookie plus the X-CSRF-Token header on writes. Errors are JSON objects with an \"error\" message; lists take limit and offset and answer with the total.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"token":   map[string]any{"type": "http", "scheme": "bearer", "description": "an API token made on /account/tokens or with POST /api/v1/tokens"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": s.cookieName(), "description": "the portal's session; writes also need the X-CSRF-Token header"},
			},
		},
		"security": []any{map[string]any{"token": []string{}}, map[string]any{"session": []string{}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func roleName(rt route) string {
	if rt.role == "" {
		return "anonymous"
	}
	return string(rt.role)
}

func maxBodyOf(rt route) int64 {
	if rt.maxBody > 0 {
		return rt.maxBody
	}
	return defaultMaxBody
}

// responses lists an operation's answers: its success and the errors
// every operation can give.
func responses(g *schemaGen, rt route, errSchema any) map[string]any {
	a := rt.api
	code := a.status
	if code == 0 {
		code = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(code)}
	switch {
	case rt.path == apiPrefix+"openapi.json":
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
	case a.response != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(a.response)}}
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
	}
	out := map[string]any{fmt.Sprint(code): ok, "default": errResp("an error, with a message naming the problem")}
	if rt.role != "" {
		out["401"] = errResp("no or a bad API token, or no session")
		out["403"] = errResp(fmt.Sprintf("the account's role is below %s, or the CSRF token is missing", rt.role))
	}
	if len(pathParams(rt.path)) > 0 {
		out["404"] = errResp("no such " + strings.TrimSuffix(path.Base(path.Dir(rt.path)), "s"))
	}
	if a.bodyType != "" || len(a.query) > 0 {
		out["400"] = errResp("a parameter or the body is not what the operation takes")
	}
	if rt.maxBody > 0 {
		out["413"] = errResp(fmt.Sprintf("the body is larger than %d MiB", rt.maxBody>>20))
	}
	return out
}

// pathParams are the wildcard names of a pattern path, in order.
func pathParams(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			out = append(out, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return out
}

func projectPath(p string) bool { return strings.HasPrefix(p, apiPrefix+"projects/") }

func pathParamDesc(rt route, name string) string {
	if d, ok := rt.api.pathDesc[name]; ok {
		return d
	}
	switch {
	case projectPath(rt.path):
		return "project id, or name"
	}
	return name
}

func pathParamSchema(p, name string) map[string]any {
	if projectPath(p) {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "integer", "minimum": 1}
}

// operationID is method and path in camel case: GET
// /api/v1/projects/{id}/scans is getProjectsIdScans.
func operationID(method, p string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(p, apiPrefix), "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			rs := []rune(part)
			rs[0] = unicode.ToUpper(rs[0])
			b.WriteString(string(rs))
		}
	}
	return b.String()
}

// schemaGen derives JSON Schemas (2020-12, as OpenAPI 3.1 uses) from Go
// types the way encoding/json encodes them; structs become named
// schemas under components/schemas.
type schemaGen struct {
	defs  map[string]any
	names map[reflect.Type]string
}

var timeType = reflect.TypeFor[time.Time]()

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) {
		// A type that encodes itself: nothing sure can be said.
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		return map[string]any{"$ref": "#/components/schemas/" + g.define(t)}
	}
	return map[string]any{}
}

// define adds the schema of struct type t and returns its name.
func (g *schemaGen) define(t reflect.Type) string {
	if name, ok := g.names[t]; ok {
		return name
	}
	name := schemaName(t)
	for i := 2; g.defs[name] != nil; i++ {
		name = fmt.Sprintf("%s%d", schemaName(t), i)
	}
	g.names[t] = name
	g.defs[name] = map[string]any{} // reserved while the fields are walked (recursive types)
	props := map[string]any{}
	var required []string
	g.fields(t, props, &required)
	sch := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		sort.Strings(required)
		sch["required"] = required
	}
	g.defs[name] = sch
	return name
}

// fields adds t's JSON fields, those of embedded structs included.
func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

// schemaName names a struct type by package and name: portfolio.Project;
// an instance of a generic type gets its arguments appended
// (portfolio.Page_portfolio.Project).
func schemaName(t reflect.Type) string {
	n := t.Name()
	base, args, generic := strings.Cut(n, "[")
	name := path.Base(t.PkgPath()) + "." + base
	if generic {
		for _, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
			name += "_" + path.Base(a)
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, name)
}
