package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/cmd/phusong/localpg"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/migrations"
	"github.com/phusong/phusong/migrations/dbtest"
)

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := withToken(e.tokens[phusong.RoleAdmin])
	tests := []struct {
		name, method, path string
		body               any
		opts               []reqOpt
		status             int
		code               string
	}{
		{"malformed json", "POST", "/api/v1/users", `{"username": `, []reqOpt{admin}, 400, "malformed_json"},
		{"unknown field", "POST", "/api/v1/users", `{"username":"abc","colour":"red"}`, []reqOpt{admin}, 400, "unknown_field"},
		{"trailing data", "POST", "/api/v1/users", `{"username":"abc"} {}`, []reqOpt{admin}, 400, "malformed_json"},
		{"wrong type", "POST", "/api/v1/users", `{"username": 12}`, []reqOpt{admin}, 400, "malformed_json"},
		{"wrong content type", "POST", "/api/v1/users", `username=abc`, []reqOpt{admin, withHeader("Content-Type", "application/x-www-form-urlencoded")}, 415, "unsupported_media_type"},
		{"invalid user", "POST", "/api/v1/users", map[string]any{"username": "A", "password": "short", "role": "king"}, []reqOpt{admin}, 422, "invalid_user"},
		{"username taken", "POST", "/api/v1/users", map[string]any{"username": "test-admin", "password": "long-enough-pw", "role": "admin"}, []reqOpt{admin}, 409, "username_taken"},
		{"province unknown", "POST", "/api/v1/users", map[string]any{"username": "p99", "password": "long-enough-pw", "role": "province", "province_code": "99"}, []reqOpt{admin}, 422, "invalid_user"},
		{"no such user", "PATCH", "/api/v1/users/nobody", map[string]any{"full_name": "x"}, []reqOpt{admin}, 404, "user_not_found"},
		{"no such route", "GET", "/api/v1/nothing", nil, nil, 404, "not_found"},
		{"no such province", "GET", "/api/v1/provinces/99/communes", nil, nil, 404, "province_not_found"},
		{"bad token", "GET", "/api/v1/auth/me", nil, []reqOpt{withToken("phs_nope")}, 401, "token_invalid"},
		{"not bearer", "GET", "/api/v1/auth/me", nil, []reqOpt{withHeader("Authorization", "Basic abc")}, 401, "login_required"},
		{"bad audit time", "GET", "/api/v1/audit?from=yesterday", nil, []reqOpt{admin}, 400, "bad_query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do(tc.method, tc.path, tc.body, tc.opts...)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d: %.300s", resp.StatusCode, tc.status, out)
			}
			got := decodeErr(t, out)
			if got.Error.Code != tc.code {
				t.Fatalf("code: got %q, want %q", got.Error.Code, tc.code)
			}
			for _, leak := range []string{"SQLSTATE", "pgx", ".go:", "goroutine", "/work/", "INSERT", "SELECT"} {
				if strings.Contains(string(out), leak) {
					t.Fatalf("error body leaks %q: %s", leak, out)
				}
			}
		})
	}
}

// TestRefusedBeforeRouting: requests Fiber's server refuses before any
// middleware runs (a body over the limit, a URL over the header buffer)
// get the usual JSON error with a request id, a request log line and a
// count in the metrics. Through a real listener: Fiber's in-memory test
// transport refuses the body before the server sees it.
func TestRefusedBeforeRouting(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(d *apiDeps) { d.Registry = reg })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { _ = e.app.Shutdown() })
	tests := []struct {
		name, request string
		status        int
		code          string
	}{
		// Announce a 2 MB body and send only the header: the server must
		// answer 413 from Content-Length alone. (Writing the whole body
		// races with the server closing the connection after its answer.)
		{"body too large", fmt.Sprintf("POST /api/v1/users HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", e.tokens[phusong.RoleAdmin], 2<<20), 413, "body_too_large"},
		{"URL too long", "GET /api/v1/points?province=" + strings.Repeat("1", 5000) + " HTTP/1.1\r\nHost: test\r\n\r\n", 431, "header_too_large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, tc.request)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			got := decodeErr(t, out)
			if resp.StatusCode != tc.status || got.Error.Code != tc.code {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, out, tc.status, tc.code)
			}
			rid := got.Error.RequestID
			if rid == "" || resp.Header.Get("X-Request-ID") != rid {
				t.Fatalf("request id: body %q, header %q", rid, resp.Header.Get("X-Request-ID"))
			}
			if got.Error.MessageVI == got.Error.MessageEN {
				t.Errorf("message_vi is not Vietnamese: %s", out)
			}
			if !strings.Contains(e.logs.String(), `"request_id":"`+rid+`"`) || !strings.Contains(e.logs.String(), fmt.Sprintf(`"status":%d`, tc.status)) {
				t.Errorf("no request log line for %s:\n%s", rid, e.logs.String())
			}
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var counted bool
			for _, mf := range mfs {
				for _, m := range mf.GetMetric() {
					for _, l := range m.GetLabel() {
						counted = counted || mf.GetName() == "phusong_http_refused_requests_total" &&
							l.GetName() == "status_code" && l.GetValue() == strconv.Itoa(tc.status) && m.GetCounter().GetValue() >= 1
					}
				}
			}
			if !counted {
				t.Errorf("phusong_http_refused_requests_total{status_code=%q} not counted", strconv.Itoa(tc.status))
			}
		})
	}
}

// TestBadCredentialsSayNothing: a wrong password and an unknown user get
// the same answer.
func TestBadCredentialsSayNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r1, b1 := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-admin", "password": "wrong-password"})
	r2, b2 := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody-here", "password": "wrong-password"})
	if r1.StatusCode != 401 || r2.StatusCode != 401 {
		t.Fatalf("got %d and %d, want 401 twice", r1.StatusCode, r2.StatusCode)
	}
	e1, e2 := decodeErr(t, b1), decodeErr(t, b2)
	if e1.Error.Code != e2.Error.Code || e1.Error.MessageEN != e2.Error.MessageEN {
		t.Fatalf("answers differ: %s vs %s", b1, b2)
	}
}

func TestPanicBecomes500(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.app.Get("/test-panic", func(c *fiber.Ctx) error { panic("boom /work/secret.go") })
	resp, out := e.do("GET", "/test-panic", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("got %d, want 500", resp.StatusCode)
	}
	got := decodeErr(t, out)
	if got.Error.RequestID == "" || strings.Contains(string(out), "boom") {
		t.Fatalf("want a request id and no panic text: %s", out)
	}
	if !strings.Contains(e.logs.String(), "boom") || !strings.Contains(e.logs.String(), got.Error.RequestID) {
		t.Fatalf("the panic and its request id must be logged: %s", e.logs.String())
	}
	// The server keeps serving.
	if resp, _ := e.do("GET", "/healthz", nil); resp.StatusCode != 200 {
		t.Fatalf("after a panic: healthz %d", resp.StatusCode)
	}
}

func TestRequestLogLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.do("GET", "/api/v1/auth/me", nil, withToken(e.tokens[phusong.RoleReviewer]))
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		if strings.Contains(l, `"route":"/api/v1/auth/me"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	for _, k := range []string{"request_id", "user", "role", "method", "route", "status", "duration_ms"} {
		if _, ok := line[k]; !ok {
			t.Errorf("request log line lacks %q: %v", k, line)
		}
	}
	if line["user"] != "test-reviewer" || line["status"] != float64(200) {
		t.Errorf("got user %v status %v", line["user"], line["status"])
	}
}

// TestDatabaseOutage stops a private cluster under a running app: requests
// fail fast with 503, and succeed again once the server is back, with no
// restart of the app.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "var"), "outage-")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cl, err := localpg.Start(ctx, dir, localpg.Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.ForceStop(); os.RemoveAll(dir) })
	if err := cl.EnsureDatabase(ctx, "phusong", "phusong"); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, cl.URL("phusong", "phusong"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.UpPool(ctx, pool); err != nil {
		t.Fatal(err)
	}
	ref, _ := admin.Load()
	st := auth.NewStore(pool)
	u, err := st.CreateUser(phusong.WithActor(ctx, phusong.System), auth.NewUser{Username: "rev", Password: "reviewer-pass", Role: phusong.RoleReviewer})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateToken(phusong.WithActor(ctx, u.Actor()), "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	app := api.New(api.Deps{Pool: pool, Auth: st, Admin: ref, Ready: func(ctx context.Context) error {
		return pool.Ping(ctx)
	}})
	call := func(path string) int {
		req, _ := http.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call("/api/v1/audit"); got != 200 {
		t.Fatalf("before the outage: %d", got)
	}
	if err := cl.ForceStop(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/audit", "/readyz"} {
		if got := call(p); got != 503 {
			t.Fatalf("during the outage %s: got %d, want 503", p, got)
		}
	}
	if got := call("/healthz"); got != 200 {
		t.Fatalf("healthz during the outage: %d (the process is up)", got)
	}
	if err := cl.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if got := call("/api/v1/audit"); got != 200 {
		t.Fatalf("after the outage: got %d, want 200", got)
	}
}

// TestNULCharacter: a NUL character in a query string, a path or a JSON
// body is the caller's mistake (400 naming where it is), never a 500 from
// PostgreSQL, which cannot store or compare text holding one; anonymous
// callers included. In an uploaded file it is a row problem (422 report).
func TestNULCharacter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin, rev := withToken(e.tokens[phusong.RoleAdmin]), withToken(e.tokens[phusong.RoleReviewer])
	rule := `"rule":{"mode":"cap","cap_kind":"sites","cap":4}`
	tests := []struct {
		name, method, path, body string
		opts                     []reqOpt
		field                    string // the detail's column; "" for none
	}{
		{"login, anonymous", "POST", "/api/v1/auth/login", `{"username":"a\u0000b","password":"xxxxxxxxxxxx"}`, nil, "username"},
		{"package name", "PATCH", "/api/v1/packages/999999", `{"name":"\u0000bad"}`, []reqOpt{rev}, "name"},
		{"rule name", "POST", "/api/v1/package-rules", `{"name":"x\u0000",` + rule + `}`, []reqOpt{rev}, "name"},
		{"nested field", "POST", "/api/v1/package-rules", `{"name":"x","rule":{"mode":"cap","cap_kind":"sites\u0000","cap":4}}`, []reqOpt{rev}, "rule.cap_kind"},
		{"decision comment", "POST", "/api/v1/submissions/999999/decision", `{"status":"returned","comment":"x\u0000y"}`, []reqOpt{rev}, "comment"},
		{"user full name", "PATCH", "/api/v1/users/test-province", `{"full_name":"C\u0000"}`, []reqOpt{admin}, "full_name"},
		{"token name", "POST", "/api/v1/auth/tokens", `{"name":"t\u0000"}`, []reqOpt{rev}, "name"},
		{"points province", "GET", "/api/v1/points?province=%00", "", []reqOpt{rev}, "province"},
		{"areas province", "GET", "/api/v1/areas?province=%00", "", []reqOpt{rev}, "province"},
		{"submissions status", "GET", "/api/v1/submissions?status=%00", "", []reqOpt{rev}, "status"},
		{"audit user", "GET", "/api/v1/audit?user=a%00", "", []reqOpt{rev}, "user"},
		{"packages status", "GET", "/api/v1/packages?status=%00", "", []reqOpt{rev}, "status"},
		{"anonymous query", "GET", "/api/v1/provinces?x%00=1", "", nil, "x\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			resp, out := e.do(tc.method, tc.path, body, tc.opts...)
			if resp.StatusCode != 400 {
				t.Fatalf("got %d, want 400: %.300s", resp.StatusCode, out)
			}
			got := decodeErr(t, out)
			if got.Error.Code != "nul_character" || got.Error.RequestID == "" {
				t.Fatalf("got code %q request id %q, want nul_character and an id: %s", got.Error.Code, got.Error.RequestID, out)
			}
			var field string
			if len(got.Error.Details) > 0 {
				field = got.Error.Details[0].Column
			}
			if field != tc.field {
				t.Fatalf("field: got %q, want %q: %s", field, tc.field, out)
			}
		})
	}

	t.Run("geojson upload", func(t *testing.T) {
		file := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[103.583419,22.258136]},` +
			`"properties":{"province_code":"12","commune_code":"03430","village_name":"Bản \u0000X","households":3,"grid_power":"yes",` +
			`"signal_viettel":"none","surveyed_on":"2026-01-15"}}]}`
		resp, out := e.upload("/api/v1/submissions", "khao-sat.geojson", []byte(file), withToken(e.tokens[phusong.RoleProvince]))
		if resp.StatusCode != 422 {
			t.Fatalf("got %d, want 422: %.500s", resp.StatusCode, out)
		}
		got := decodeErr(t, out)
		if len(got.Error.Details) == 0 || got.Error.Details[0].Code != "text_invalid_encoding" || got.Error.Details[0].Row != 1 {
			t.Fatalf("want text_invalid_encoding on feature 1: %s", out)
		}
	})
}

// TestFieldMessages: a field of the wrong kind or out of range is named,
// with what it takes in words a person knows (not Go types), in both
// languages.
func TestFieldMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin, rev := withToken(e.tokens[phusong.RoleAdmin]), withToken(e.tokens[phusong.RoleReviewer])
	tests := []struct {
		name, method, path, body string
		opt                      reqOpt
		status                   int
		field, code              string
		vi, en                   string // in the detail's messages
	}{
		{"text for a whole number", "POST", "/api/v1/auth/tokens", `{"name":"t","ttl_days":"30"}`, rev, 400, "ttl_days", "wrong_type", "một số nguyên", "a whole number"},
		{"decimal for a whole number", "POST", "/api/v1/auth/tokens", `{"name":"t","ttl_days":1.5}`, rev, 400, "ttl_days", "wrong_type", "một số nguyên", "a whole number"},
		{"number for text", "POST", "/api/v1/users", `{"username":12}`, admin, 400, "username", "wrong_type", "một chuỗi", "text"},
		{"text for true/false", "PATCH", "/api/v1/users/test-province", `{"disabled":"yes"}`, admin, 400, "disabled", "wrong_type", "true hoặc false", "true or false"},
		{"number for a list", "POST", "/api/v1/points/decision", `{"point_ids":1,"status":"accepted"}`, rev, 400, "point_ids", "wrong_type", "danh sách", "a list"},
		{"number for a package ceiling", "PATCH", "/api/v1/packages/999999", `{"ceiling_vnd":"5 tỷ"}`, rev, 400, "ceiling_vnd", "wrong_type", "một số nguyên", "a whole number"},
		{"date-only deadline", "PATCH", "/api/v1/packages/999999", `{"deadline":"2027-01-15"}`, rev, 400, "deadline", "date_time_invalid", "2027-01-15T17:00:00+07:00", "RFC 3339"},
		{"number for a date-time", "PATCH", "/api/v1/packages/999999", `{"name":"x","coverage_deadline":2027}`, rev, 400, "coverage_deadline", "date_time_invalid", "múi giờ", "offset"},
		{"negative eps", "POST", "/api/v1/areas/recompute", `{"eps":-5}`, rev, 422, "eps", "eps_out_of_range", "từ 1 đến 50000 mét", "1 to 50000 metres"},
		{"eps too large", "POST", "/api/v1/areas/recompute", `{"eps":60000}`, rev, 422, "eps", "eps_out_of_range", "từ 1 đến 50000 mét", "1 to 50000 metres"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do(tc.method, tc.path, tc.body, tc.opt)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d: %.300s", resp.StatusCode, tc.status, out)
			}
			got := decodeErr(t, out)
			if len(got.Error.Details) != 1 {
				t.Fatalf("want one detail: %s", out)
			}
			d := got.Error.Details[0]
			if d.Column != tc.field || d.Code != tc.code {
				t.Fatalf("detail %s %s, want %s %s", d.Column, d.Code, tc.field, tc.code)
			}
			if !strings.Contains(d.VI, tc.vi) || !strings.Contains(d.EN, tc.en) {
				t.Fatalf("messages %q / %q, want them to say %q / %q", d.VI, d.EN, tc.vi, tc.en)
			}
			for _, goType := range []string{"int64", "int", "float64", "string", "bool", "[]", "time.Time", "area:"} {
				if strings.Contains(d.VI, " "+goType+".") || strings.Contains(d.VI, "kiểu "+goType) || strings.HasPrefix(d.VI, goType) {
					t.Fatalf("message_vi names a Go type or package: %q", d.VI)
				}
			}
		})
	}
}

// TestMetricsCountInputErrorsAsSuch: the request metrics count a 404 or a
// 400 of ours under its own status, not as a 500 (fiberprometheus reads
// any error that is not Fiber's own as a 500).
func TestMetricsCountInputErrorsAsSuch(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(d *apiDeps) { d.Registry = reg })
	rev := withToken(e.tokens[phusong.RoleReviewer])
	for _, r := range []struct {
		path   string
		status int
	}{{"/api/v1/areas/987654", 404}, {"/api/v1/areas?offset=-1", 400}} {
		if resp, out := e.do("GET", r.path, nil, rev); resp.StatusCode != r.status {
			t.Fatalf("GET %s: %d, want %d: %s", r.path, resp.StatusCode, r.status, out)
		}
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "phusong_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var path, code string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "path":
					path = l.GetValue()
				case "status_code":
					code = l.GetValue()
				}
			}
			counts[path+" "+code] += m.GetCounter().GetValue()
		}
	}
	for _, want := range []string{"/api/v1/areas/:id 404", "/api/v1/areas 400"} {
		if counts[want] != 1 {
			t.Errorf("requests_total{%s} = %v, want 1; all: %v", want, counts[want], counts)
		}
	}
	for k, v := range counts {
		if strings.HasSuffix(k, " 500") {
			t.Errorf("counted as a server fault: %s = %v", k, v)
		}
	}
}
