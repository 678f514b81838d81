package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
)

// undocumented are the routes of the table the OpenAPI document leaves
// out: the single-page web app, the API docs page (Swagger UI) and their
// embedded assets. They are not API,
// and "/static/*" matches any depth, which an OpenAPI 3.0 path template
// ({name} is one segment) cannot express.
var undocumented = map[string]bool{"GET /": true, "GET /static/*": true, "GET /api/docs": true, "GET /api/docs/:file": true}

func loadOpenAPI(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc
}

// openAPIPath turns a Fiber route path into its OpenAPI form: /a/:id → /a/{id}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			// A parameter may end in a literal suffix: /:y.mvt → /{y}.mvt.
			name, suffix, _ := strings.Cut(s[1:], ".")
			if suffix != "" {
				suffix = "." + suffix
			}
			parts[i] = "{" + name + "}" + suffix
		}
	}
	return strings.Join(parts, "/")
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t, api.OpenAPIYAML())
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q, want 3.0.3", doc.OpenAPI)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !strings.Contains(op.Description, "Access:") {
				t.Errorf("%s %s: the description does not state who may call it (\"Access: …\")", method, path)
			}
		}
	}
}

// TestOpenAPIMatchesRoutes: every route of the table is documented, with
// its method, and the document has no route the router does not serve.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t, api.OpenAPIYAML())
	documented := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = op
		}
	}
	served := map[string]bool{}
	for _, r := range api.Routes() {
		if undocumented[r.Method+" "+r.Path] {
			continue
		}
		key := r.Method + " " + openAPIPath(r.Path)
		served[key] = true
		op, ok := documented[key]
		if !ok {
			t.Errorf("%s is served but not in openapi.yaml", key)
			continue
		}
		// A public route needs no credentials; any other route does.
		public := op.Security != nil && len(*op.Security) == 0
		if public != r.Policy.Public {
			t.Errorf("%s: policy %s, but the document says public=%v", key, r.Policy.Name, public)
		}
	}
	var extra []string
	for key := range documented {
		if !served[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	for _, key := range extra {
		t.Errorf("%s is in openapi.yaml but no route serves it", key)
	}
}

// oaCall is one request checked against the document, request and response.
type oaCall struct {
	method, path string
	body         any // JSON body; a *multipart.Writer-built body goes in raw
	raw          []byte
	contentType  string
	role         phusong.Role
	want         int
	badRequest   bool // the request breaks the document on purpose: check the response only
}

type oaChecker struct {
	t      *testing.T
	e      *env
	router routers.Router
}

func newOAChecker(t *testing.T, e *env) *oaChecker {
	t.Helper()
	doc := loadOpenAPI(t, api.OpenAPIYAML())
	doc.Servers = nil // match any host
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &oaChecker{t: t, e: e, router: router}
}

func (c *oaChecker) newRequest(call oaCall) *http.Request {
	var body []byte
	ct := call.contentType
	switch {
	case call.raw != nil:
		body = call.raw
	case call.body != nil:
		body, _ = json.Marshal(call.body)
		ct = "application/json"
	}
	req := httptest.NewRequest(call.method, call.path, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if call.role != "" {
		req.Header.Set("Authorization", "Bearer "+c.e.tokens[call.role])
	}
	return req
}

// check makes the call, checks the request and the response against the
// document, and returns the response body.
func (c *oaChecker) check(call oaCall) []byte {
	t := c.t
	t.Helper()
	resp, err := c.e.app.Test(c.newRequest(call), -1)
	if err != nil {
		t.Fatalf("%s %s: %v", call.method, call.path, err)
	}
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != call.want {
		t.Fatalf("%s %s: status %d, want %d: %.300s", call.method, call.path, resp.StatusCode, call.want, out)
	}
	req := c.newRequest(call)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: not in the document: %v", call.method, call.path, err)
	}
	ctx := context.Background()
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !call.badRequest {
		t.Errorf("%s %s: request does not match the document: %v", call.method, call.path, err)
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(out)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		t.Errorf("%s %s → %d: response does not match the document: %v\n%.500s", call.method, call.path, resp.StatusCode, err, out)
	}
	return out
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, out := e.do("GET", "/api/openapi.json", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !json.Valid(out) {
		t.Fatal("not JSON")
	}
	served := loadOpenAPI(t, out)
	written := loadOpenAPI(t, api.OpenAPIYAML())
	if served.Paths.Len() != written.Paths.Len() || served.Info.Title != written.Info.Title {
		t.Fatalf("served document differs from openapi.yaml: %d paths, want %d", served.Paths.Len(), written.Paths.Len())
	}
	// The docs page and its assets are served from the binary, and point at
	// the document, not at anything outside.
	resp, page := e.do("GET", "/api/docs", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(page), "/api/docs/swagger-ui-bundle.js") || strings.Contains(string(page), "http") {
		t.Fatalf("GET /api/docs: %d %s", resp.StatusCode, page)
	}
	for _, f := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "init.js"} {
		resp, body := e.do("GET", "/api/docs/"+f, nil)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET /api/docs/%s: %d", f, resp.StatusCode)
		}
		if f == "init.js" && !strings.Contains(string(body), `"/api/openapi.json"`) {
			t.Errorf("init.js does not load the service's document")
		}
	}
	if resp, _ := e.do("GET", "/api/docs/../../go.mod", nil); resp.StatusCode != 404 {
		t.Errorf("docs path escape: %d", resp.StatusCode)
	}
}

// TestOpenAPIResponses validates real requests and responses against the
// document: success shapes and the error shape.
func TestOpenAPIResponses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := newOAChecker(t, e)
	admin, rev, prov := phusong.RoleAdmin, phusong.RoleReviewer, phusong.RoleProvince

	for _, call := range []oaCall{
		{method: "GET", path: "/healthz", want: 200},
		{method: "GET", path: "/readyz", want: 200},
		{method: "GET", path: "/api/openapi.json", want: 200},
		{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "test-admin", "password": testPasswords[admin]}, want: 200},
		{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"username": "test-admin", "password": "wrong-password"}, want: 401},
		{method: "GET", path: "/api/v1/auth/me", role: prov, want: 200},
		{method: "GET", path: "/api/v1/auth/me", want: 401},
		{method: "POST", path: "/api/v1/auth/tokens", body: map[string]any{"name": "script", "ttl_days": 30}, role: rev, want: 201},
		{method: "POST", path: "/api/v1/auth/tokens", body: map[string]any{"name": "forever", "ttl_days": 0}, role: rev, want: 403},
		{method: "GET", path: "/api/v1/auth/tokens", role: rev, want: 200},
		{method: "DELETE", path: "/api/v1/auth/tokens/999999", role: rev, want: 404},
		{method: "GET", path: "/api/v1/users", role: admin, want: 200},
		{method: "GET", path: "/api/v1/users", role: prov, want: 403},
		{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "new-officer", "full_name": "Cán bộ", "password": "officer-pass-99", "role": "province", "province_code": "12"}, role: admin, want: 201},
		{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "x", "password": "short", "role": "nobody"}, role: admin, want: 422, badRequest: true},
		{method: "PATCH", path: "/api/v1/users/new-officer", body: map[string]any{"full_name": "Cán bộ tỉnh"}, role: admin, want: 200},
		{method: "PATCH", path: "/api/v1/users/test-admin", body: map[string]any{"disabled": true}, role: admin, want: 409},
		{method: "GET", path: "/api/v1/audit?limit=5", role: rev, want: 200},
		{method: "GET", path: "/api/v1/audit?from=yesterday", role: rev, want: 400, badRequest: true},
		{method: "GET", path: "/api/v1/provinces", want: 200},
		{method: "GET", path: "/api/v1/provinces/12/communes", want: 200},
		{method: "GET", path: "/api/v1/provinces/99/communes", want: 404},
	} {
		c.check(call)
	}

	// A submission, stored and then rejected.
	upload := func(name string) ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(testFile(t, name))
		mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}
	raw, ct := upload("valid_utf8.csv")
	out := c.check(oaCall{method: "POST", path: "/api/v1/submissions", raw: raw, contentType: ct, role: prov, want: 201})
	var sub struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(out, &sub); err != nil || sub.ID == 0 {
		t.Fatalf("submission: %v %s", err, out)
	}
	raw, ct = upload("invalid_rows.csv")
	c.check(oaCall{method: "POST", path: "/api/v1/submissions", raw: raw, contentType: ct, role: prov, want: 422})
	// The same file again takes every point over: the first is superseded.
	raw, ct = upload("valid_utf8.csv")
	old := itoa(sub.ID)
	out = c.check(oaCall{method: "POST", path: "/api/v1/submissions", raw: raw, contentType: ct, role: prov, want: 201})
	if err := json.Unmarshal(out, &sub); err != nil || sub.ID == 0 {
		t.Fatalf("submission: %v %s", err, out)
	}
	c.check(oaCall{method: "GET", path: "/api/v1/submissions?status=superseded", role: rev, want: 200})
	c.check(oaCall{method: "POST", path: "/api/v1/submissions/" + old + "/decision", body: map[string]string{"status": "accepted"}, role: rev, want: 409})
	id := itoa(sub.ID)
	for _, call := range []oaCall{
		{method: "GET", path: "/api/v1/submissions", role: prov, want: 200},
		{method: "GET", path: "/api/v1/submissions/" + id, role: rev, want: 200},
		{method: "GET", path: "/api/v1/submissions/999999", role: rev, want: 404},
		{method: "POST", path: "/api/v1/submissions/" + id + "/decision", body: map[string]string{"status": "accepted"}, role: rev, want: 200},
		{method: "GET", path: "/api/v1/points?bbox=1,2", role: rev, want: 400},
		{method: "POST", path: "/api/v1/points/decision", body: map[string]any{"point_ids": []int64{999999}, "status": "accepted"}, role: rev, want: 404},
	} {
		c.check(call)
	}
	out = c.check(oaCall{method: "GET", path: "/api/v1/points?province=12&limit=10", role: rev, want: 200})
	var points struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
	}
	if json.Unmarshal(out, &points); len(points.Features) == 0 {
		t.Fatalf("no points: %.300s", out)
	}
	c.check(oaCall{method: "POST", path: "/api/v1/points/decision", body: map[string]any{"point_ids": []int64{points.Features[0].ID}, "status": "returned", "comment": "Kiểm tra lại toạ độ."}, role: rev, want: 200})

	// Areas.
	out = c.check(oaCall{method: "POST", path: "/api/v1/areas/recompute", body: map[string]any{"province": "12", "wait": true}, role: rev, want: 200})
	var job struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(out, &job)
	c.check(oaCall{method: "GET", path: "/api/v1/areas/jobs/" + itoa(job.ID), role: rev, want: 200})
	out = c.check(oaCall{method: "GET", path: "/api/v1/areas?province=12", role: prov, want: 200})
	var list struct {
		Areas []struct {
			ID int64 `json:"id"`
		} `json:"areas"`
	}
	json.Unmarshal(out, &list)
	if len(list.Areas) == 0 {
		t.Fatalf("no areas: %s", out)
	}
	c.check(oaCall{method: "GET", path: "/api/v1/areas.geojson?province=12", role: rev, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/areas/" + itoa(list.Areas[0].ID), role: prov, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/areas?min_score=high", role: rev, want: 400, badRequest: true})
	c.check(oaCall{method: "GET", path: "/api/v1/areas?offset=-1", role: rev, want: 400, badRequest: true})
	c.check(oaCall{method: "GET", path: "/api/v1/submissions?limit=abc", role: rev, want: 400, badRequest: true})

	// Packages: preview, rule, drafts, edit, publish, download, withdraw.
	rule := map[string]any{"mode": "cap", "cap_kind": "sites", "cap": 4}
	c.check(oaCall{method: "POST", path: "/api/v1/packages/preview", body: map[string]any{"rule": rule}, role: rev, want: 200})
	if out := c.check(oaCall{method: "POST", path: "/api/v1/packages/preview?map=1", body: map[string]any{"rule": rule}, role: rev, want: 200}); !strings.Contains(string(out), `"MultiPolygon"`) {
		t.Fatalf("preview map without polygons: %.300s", out)
	}
	c.check(oaCall{method: "POST", path: "/api/v1/packages/preview", body: map[string]any{"rule": map[string]any{"mode": "x"}}, role: rev, want: 422, badRequest: true})
	c.check(oaCall{method: "POST", path: "/api/v1/packages/preview", body: map[string]any{}, role: rev, want: 422})
	c.check(oaCall{method: "POST", path: "/api/v1/packages", body: map[string]any{"rule": map[string]any{"mode": "province", "province": "99"}}, role: rev, want: 422})
	c.check(oaCall{method: "POST", path: "/api/v1/package-rules", body: map[string]any{"name": "4 trạm", "rule": rule}, role: rev, want: 201})
	c.check(oaCall{method: "GET", path: "/api/v1/package-rules", role: rev, want: 200})
	out = c.check(oaCall{method: "POST", path: "/api/v1/packages", body: map[string]any{"rule": rule}, role: rev, want: 201})
	var drafts struct {
		Packages []struct {
			ID int64 `json:"id"`
		} `json:"packages"`
	}
	json.Unmarshal(out, &drafts)
	if len(drafts.Packages) == 0 {
		t.Fatalf("no drafts: %s", out)
	}
	pid := itoa(drafts.Packages[0].ID)
	c.check(oaCall{method: "GET", path: "/api/v1/packages", role: prov, want: 200})
	c.check(oaCall{method: "POST", path: "/api/v1/packages/" + pid + "/publish", role: rev, want: 422})
	c.check(oaCall{method: "PATCH", path: "/api/v1/packages/" + pid, body: map[string]any{"deadline": "2099-01-01T10:00:00Z", "ceiling_vnd": 5000000000}, role: rev, want: 200})
	c.check(oaCall{method: "POST", path: "/api/v1/packages/" + pid + "/refresh", role: rev, want: 200})
	c.check(oaCall{method: "POST", path: "/api/v1/packages/" + pid + "/publish", role: rev, want: 201})
	c.check(oaCall{method: "GET", path: "/api/v1/packages/" + pid, role: phusong.RoleOperator, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/packages/" + pid + "/versions/1", role: phusong.RoleOperator, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/packages/" + pid + "/versions/latest/files/areas.csv", role: phusong.RoleOperator, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/packages/" + pid + "/downloads", role: rev, want: 200})
	c.check(oaCall{method: "POST", path: "/api/v1/packages/" + pid + "/withdraw", body: map[string]any{"reason": "Thử nghiệm."}, role: rev, want: 200})
	c.check(oaCall{method: "GET", path: "/api/v1/packages/" + pid + "/versions/1/files/areas.csv", role: phusong.RoleOperator, want: 410})
}
