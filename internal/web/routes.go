package web

import (
	"net/http"
	"reflect"
	"strings"

	"ospo/internal/access"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck/result"
	"ospo/internal/risk"
)

// handlerFunc is a route's handler. It writes the response itself when
// it succeeds; an error it returns is rendered by the server (as JSON
// for the API, as a page otherwise) with the status the error maps to.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the route table: what it answers, who may call
// it, and for the API how it is described in the OpenAPI document.
type route struct {
	method string
	// path is an http.ServeMux pattern path ({name} wildcards, {$}).
	path string
	// role is the least role that may call the route; "" means anyone,
	// signed in or not.
	role   access.Role
	handle handlerFunc
	// maxBody bounds the request body; 0 means defaultMaxBody.
	maxBody int64
	// api describes an /api/v1 route; nil for pages.
	api *apiDoc
}

// isAPI tells whether the route belongs to the REST API, which answers
// in JSON and with 401 instead of a redirect to the sign-in page.
func (rt route) isAPI() bool { return strings.HasPrefix(rt.path, apiPrefix) }

// apiDoc describes an API operation for the OpenAPI document.
type apiDoc struct {
	summary string
	tag     string
	query   []param
	// pathDesc overrides the description of path parameters.
	pathDesc map[string]string
	// body is the request body's media type and schema; "" for none.
	bodyType   string
	bodySchema reflect.Type
	bodyDesc   string
	// status is the status of success (200 when 0); response is the type
	// of the JSON answer (nil for none).
	status   int
	response reflect.Type
}

// param is a query parameter of an API operation.
type param struct {
	name, typ, desc string
	enum            []string
}

const (
	apiPrefix = "/api/v1/"
	// defaultMaxBody bounds forms and JSON request bodies.
	defaultMaxBody = 1 << 20
	// maxUpload bounds uploaded scan reports and SBOMs.
	maxUpload = 64 << 20
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// Query parameters several list operations share.
var (
	pLimit  = param{"limit", "integer", "items per page (default 50, at most 1000)", nil}
	pOffset = param{"offset", "integer", "items to skip", nil}
)

// routeTable is every route the server answers. Keep it the one place
// where paths and roles are written: the authorization tests and the
// OpenAPI document are derived from it.
func (s *Server) routeTable() []route {
	rs := []route{
		// Signing in and out, and the static files the sign-in page needs.
		{method: "GET", path: "/signin", handle: s.signinPage},
		{method: "POST", path: "/signin", handle: s.signin},
		{method: "POST", path: "/signout", role: access.Viewer, handle: s.signout},
		{method: "GET", path: "/assets/{file}", handle: s.asset},

		// Pages.
		{method: "GET", path: "/{$}", role: access.Viewer, handle: s.dashboardPage},
		{method: "GET", path: "/charts/{chart}", role: access.Viewer, handle: s.chart},
		{method: "GET", path: "/projects", role: access.Viewer, handle: s.projectsPage},
		{method: "POST", path: "/projects", role: access.Reviewer, handle: s.projectCreateForm},
		{method: "GET", path: "/projects/{id}", role: access.Viewer, handle: s.projectPage},
		{method: "POST", path: "/projects/{id}", role: access.Reviewer, handle: s.projectEditForm},
		{method: "POST", path: "/projects/{id}/scan", role: access.Reviewer, handle: s.projectScanForm},
		{method: "POST", path: "/projects/{id}/sbom", role: access.Developer, handle: s.sbomUploadForm, maxBody: maxUpload},
		{method: "GET", path: "/components", role: access.Viewer, handle: s.componentsPage},
		{method: "GET", path: "/findings", role: access.Viewer, handle: s.findingsPage},
		{method: "GET", path: "/changes", role: access.Viewer, handle: s.changesPage},
		{method: "GET", path: "/actions", role: access.Viewer, handle: s.actionsPage},
		{method: "GET", path: "/policy", role: access.Viewer, handle: s.policyPage},
		{method: "GET", path: "/health", role: access.Viewer, handle: s.healthPage},
		{method: "GET", path: "/events", role: access.Reviewer, handle: s.eventsPage},
		{method: "GET", path: "/jobs", role: access.Viewer, handle: s.jobsPage},
		{method: "POST", path: "/jobs/{id}/cancel", role: access.Reviewer, handle: s.jobCancelForm},
		{method: "GET", path: "/admin/users", role: access.Admin, handle: s.usersPage},
		{method: "POST", path: "/admin/users", role: access.Admin, handle: s.userCreateForm},
		{method: "POST", path: "/admin/users/{id}", role: access.Admin, handle: s.userEditForm},
		{method: "GET", path: "/account/tokens", role: access.Viewer, handle: s.tokensPage},
		{method: "POST", path: "/account/tokens", role: access.Viewer, handle: s.tokenCreateForm},
		{method: "POST", path: "/account/tokens/{id}/revoke", role: access.Viewer, handle: s.tokenRevokeForm},

		// The REST API.
		{method: "GET", path: "/api/v1/openapi.json", handle: s.openAPIDoc, api: &apiDoc{
			summary: "This document: the API in OpenAPI 3.1", tag: "meta"}},
		{method: "GET", path: "/api/v1/me", role: access.Viewer, handle: s.apiMe, api: &apiDoc{
			summary: "The account the request is authenticated as", tag: "access", response: typeOf[access.User]()}},
		{method: "GET", path: "/api/v1/dashboard", role: access.Viewer, handle: s.apiDashboard, api: &apiDoc{
			summary: "The organisation at a glance: counts by license category, verdict and severity, findings over time, risk by project",
			tag:     "portfolio", response: typeOf[portfolio.Dashboard]()}},
		{method: "GET", path: "/api/v1/projects", role: access.Viewer, handle: s.apiProjects, api: &apiDoc{
			summary: "Registered projects with their newest scan", tag: "projects",
			query: []param{{"q", "string", "part of the name or owner", nil}, {"kind", "string", "own, vendor, legacy or proprietary", portfolio.Kinds},
				{"owner", "string", "owner, exactly", nil}, {"sort", "string", "name (default) or risk (highest first)", []string{"name", "risk"}}, pLimit, pOffset},
			response: typeOf[portfolio.Page[portfolio.Project]]()}},
		{method: "POST", path: "/api/v1/projects", role: access.Reviewer, handle: s.apiProjectCreate, api: &apiDoc{
			summary: "Register a project", tag: "projects", bodyType: "application/json", bodySchema: typeOf[projectInput](),
			status: http.StatusCreated, response: typeOf[portfolio.Project]()}},
		{method: "GET", path: "/api/v1/projects/{id}", role: access.Viewer, handle: s.apiProject, api: &apiDoc{
			summary: "One project (by id, or by name when not a number)", tag: "projects", response: typeOf[portfolio.Project]()}},
		{method: "PATCH", path: "/api/v1/projects/{id}", role: access.Reviewer, handle: s.apiProjectUpdate, api: &apiDoc{
			summary: "Change a project's owner, distribution, criticality, kind, supplier or source; absent fields are kept, reason goes to the events log",
			tag:     "projects", bodyType: "application/json", bodySchema: typeOf[projectInput](), response: typeOf[portfolio.Project]()}},
		{method: "GET", path: "/api/v1/projects/{id}/scans", role: access.Viewer, handle: s.apiProjectScans, api: &apiDoc{
			summary: "A project's scans, newest first", tag: "projects", query: []param{pLimit}, response: typeOf[[]portfolio.Scan]()}},
		{method: "POST", path: "/api/v1/projects/{id}/scans", role: access.Developer, handle: s.apiScanUpload, maxBody: maxUpload, api: &apiDoc{
			summary:  "Store an `ospo scan --format json` report as the newest scan of the project named in the path; the project is registered when missing",
			pathDesc: map[string]string{"id": "project name (always a name here: a project of that name is registered when missing)"},
			tag:      "projects", bodyType: "application/json", bodyDesc: "the JSON report of ospo scan (docs/scan-json.md)",
			query: []param{{"kind", "string", "kind of a project registered by this upload", portfolio.Kinds},
				{"owner", "string", "owner of a project registered by this upload", nil}},
			status: http.StatusCreated, response: typeOf[uploadResult]()}},
		{method: "GET", path: "/api/v1/projects/{id}/components", role: access.Viewer, handle: s.apiProjectComponents, api: &apiDoc{
			summary: "Components of a project's newest scan with license, verdict, reason and risk", tag: "projects",
			query: componentParams(), response: typeOf[portfolio.Page[portfolio.Usage]]()}},
		{method: "GET", path: "/api/v1/projects/{id}/findings", role: access.Viewer, handle: s.apiProjectFindings, api: &apiDoc{
			summary: "Vulnerabilities of a project's newest scan", tag: "projects",
			query: findingParams(false), response: typeOf[portfolio.Page[portfolio.Finding]]()}},
		{method: "POST", path: "/api/v1/projects/{id}/sboms", role: access.Developer, handle: s.apiSBOMUpload, maxBody: maxUpload, api: &apiDoc{
			summary: "Scan a supplied SBOM (CycloneDX JSON or XML, SPDX JSON or tag-value) and store it as the project's newest scan",
			tag:     "projects", bodyType: "application/octet-stream", bodyDesc: "the SBOM file",
			query: []param{{"kind", "string", "whose software it is (default: the project's kind)", portfolio.Kinds},
				{"supplier", "string", "who supplied it (default: what the SBOM states)", nil}},
			status: http.StatusCreated, response: typeOf[uploadResult]()}},
		{method: "POST", path: "/api/v1/projects/{id}/jobs", role: access.Reviewer, handle: s.apiProjectJob, api: &apiDoc{
			summary: "Queue a scan of the project by a worker", tag: "jobs", status: http.StatusAccepted, response: typeOf[jobQueued]()}},
		{method: "GET", path: "/api/v1/components", role: access.Viewer, handle: s.apiComponents, api: &apiDoc{
			summary: "Where components are used (q: name, name@version, name@range or package URL), or, without q, the components of every newest scan",
			tag:     "components", query: append([]param{{"q", "string", "where-used question", nil}}, componentParams()...),
			response: typeOf[portfolio.Page[portfolio.Usage]]()}},
		{method: "GET", path: "/api/v1/findings", role: access.Viewer, handle: s.apiFindings, api: &apiDoc{
			summary: "Vulnerabilities in the newest scans", tag: "findings", query: findingParams(true),
			response: typeOf[portfolio.Page[portfolio.Finding]]()}},
		{method: "GET", path: "/api/v1/changes", role: access.Viewer, handle: s.apiChanges, api: &apiDoc{
			summary: "What changed since a time: components added or removed, verdicts, licenses, new vulnerabilities", tag: "changes",
			query:    []param{{"since", "string", "YYYY-MM-DD, an RFC 3339 time, or an age such as 7d or 12h (default 7d)", nil}, {"project", "string", "project id or name", nil}},
			response: typeOf[[]portfolio.Change]()}},
		{method: "GET", path: "/api/v1/actions", role: access.Viewer, handle: s.apiActions, api: &apiDoc{
			summary: "Upgrades and replacements ranked by the vulnerability points they remove", tag: "risk",
			query: []param{pLimit}, response: typeOf[[]risk.Action]()}},
		{method: "GET", path: "/api/v1/policy", role: access.Viewer, handle: s.apiPolicy, api: &apiDoc{
			summary: "The policy in force, with what it decides per license category and distribution model and why", tag: "policy",
			response: typeOf[policyView]()}},
		{method: "GET", path: "/api/v1/health", role: access.Viewer, handle: s.apiHealth, api: &apiDoc{
			summary: "The newest health check of every repository, per source", tag: "health", response: typeOf[[]result.Repo]()}},
		{method: "GET", path: "/api/v1/events", role: access.Reviewer, handle: s.apiEvents, api: &apiDoc{
			summary: "The audit log, newest first", tag: "events",
			query: []param{{"subject", "string", "only events about this subject (project:NAME, user:NAME)", nil}, pLimit, pOffset}, response: typeOf[[]portfolio.Event]()}},
		{method: "GET", path: "/api/v1/jobs", role: access.Viewer, handle: s.apiJobs, api: &apiDoc{
			summary: "Background jobs, newest first", tag: "jobs", query: []param{pLimit}, response: typeOf[[]Job]()}},
		{method: "DELETE", path: "/api/v1/jobs/{id}", role: access.Reviewer, handle: s.apiJobCancel, api: &apiDoc{
			summary: "Cancel a job that has not finished", tag: "jobs", status: http.StatusNoContent}},
		{method: "GET", path: "/api/v1/users", role: access.Admin, handle: s.apiUsers, api: &apiDoc{
			summary: "Accounts", tag: "access", response: typeOf[[]access.User]()}},
		{method: "POST", path: "/api/v1/users", role: access.Admin, handle: s.apiUserCreate, api: &apiDoc{
			summary: "Create an account", tag: "access", bodyType: "application/json", bodySchema: typeOf[userInput](),
			status: http.StatusCreated, response: typeOf[access.User]()}},
		{method: "PATCH", path: "/api/v1/users/{id}", role: access.Admin, handle: s.apiUserUpdate, api: &apiDoc{
			summary: "Change an account's role, set a new password (never sent back; the account's sessions end) or disable it", tag: "access", bodyType: "application/json", bodySchema: typeOf[userPatch](),
			response: typeOf[access.User]()}},
		{method: "GET", path: "/api/v1/tokens", role: access.Viewer, handle: s.apiTokens, api: &apiDoc{
			summary: "Your API tokens, or with all=true (admins only) every account's, each with its owner (secrets are never shown again)", tag: "access",
			query:    []param{{"all", "boolean", "every account's tokens (admins only; others get 403)", nil}},
			response: typeOf[[]access.OwnedToken]()}},
		{method: "POST", path: "/api/v1/tokens", role: access.Viewer, handle: s.apiTokenCreate, api: &apiDoc{
			summary: "Make an API token for yourself; the answer holds its secret, shown this once", tag: "access",
			bodyType: "application/json", bodySchema: typeOf[tokenInput](), status: http.StatusCreated, response: typeOf[tokenCreated]()}},
		{method: "DELETE", path: "/api/v1/tokens/{id}", role: access.Viewer, handle: s.apiTokenRevoke, api: &apiDoc{
			summary: "Revoke one of your API tokens (admins: anyone's)", tag: "access", status: http.StatusNoContent}},
	}
	if s.cfg.OIDC != nil {
		rs = append(rs,
			route{method: "GET", path: "/auth/oidc/login", handle: s.oidcLogin},
			route{method: "GET", path: "/auth/oidc/callback", handle: s.oidcCallback},
		)
	}
	return rs
}

// componentParams are the filters of component lists.
func componentParams() []param {
	return []param{
		{"ecosystem", "string", "ecosystem (npm, Go, …)", nil},
		{"name", "string", "part of the name", nil},
		{"verdict", "string", "allow, review or deny", []string{"allow", "review", "deny"}},
		{"nolicense", "boolean", "only components without a known license", nil},
		{"vulnerable", "boolean", "only components with findings that count", nil},
		{"inactive", "string", "only components whose newest known release is older than this: an age (730d) or a date (YYYY-MM-DD)", nil},
		{"releaseunknown", "boolean", "only components whose newest release date is unknown", nil},
		{"sort", "string", "name (default) or risk", []string{"name", "risk"}},
		pLimit, pOffset,
	}
}

// findingParams are the filters of finding lists; withProject adds the
// project filter.
func findingParams(withProject bool) []param {
	ps := []param{
		{"severity", "string", "least severity kept", []string{"critical", "high", "medium", "low", "unknown"}},
		{"vuln", "string", "vulnerability id or alias (GHSA-…, CVE-…)", nil},
		{"ignored", "boolean", "also findings the policy ignores", nil},
	}
	if withProject {
		ps = append(ps, param{"project", "string", "project id or name", nil})
	}
	return append(ps, pLimit, pOffset)
}
