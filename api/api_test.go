package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// env is a test server over a fresh database, with one account and one API
// token per role.
type env struct {
	t      *testing.T
	app    *fiber.App
	pool   *pgxpool.Pool
	store  *auth.Store
	tokens map[phusong.Role]string
	logs   *bytes.Buffer
}

var testPasswords = map[phusong.Role]string{
	phusong.RoleProvince: "province-pass-1", phusong.RoleReviewer: "reviewer-pass-1",
	phusong.RoleOperator: "operator-pass-1", phusong.RoleAdmin: "admin-pass-01",
}

type apiDeps = api.Deps

func newEnv(t *testing.T, opts ...func(*apiDeps)) *env {
	t.Helper()
	pool := dbtest.New(t)
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, pool: pool, store: auth.NewStore(pool), tokens: map[phusong.Role]string{}, logs: &bytes.Buffer{}}
	ctx := phusong.WithActor(context.Background(), phusong.System)
	for _, r := range phusong.Roles {
		n := auth.NewUser{Username: "test-" + string(r), Password: testPasswords[r], Role: r}
		switch r {
		case phusong.RoleProvince:
			n.ProvinceCode = "12"
		case phusong.RoleOperator:
			n.Operator = "viettel"
		}
		u, err := e.store.CreateUser(ctx, n)
		if err != nil {
			t.Fatalf("create %s: %v", r, err)
		}
		tok, err := e.store.CreateToken(phusong.WithActor(ctx, u.Actor()), "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = tok.Secret
	}
	d := api.Deps{Pool: pool, Auth: e.store, Survey: survey.NewStore(pool), Areas: area.NewStore(pool), Bids: bids.NewStore(pool), Admin: ref, Log: slog.New(slog.NewJSONHandler(e.logs, nil)), BodyLimit: 1 << 20}
	for _, o := range opts {
		o(&d)
	}
	e.app = api.New(d)
	return e
}

type reqOpt func(*http.Request)

func withToken(tok string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func (e *env) do(method, path string, body any, opts ...reqOpt) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

type errResp struct {
	Error struct {
		Code      string            `json:"code"`
		MessageVI string            `json:"message_vi"`
		MessageEN string            `json:"message_en"`
		RequestID string            `json:"request_id"`
		Details   []phusong.Problem `json:"details"`
	} `json:"error"`
}

func decodeErr(t *testing.T, body []byte) errResp {
	t.Helper()
	var e errResp
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not the JSON shape: %v: %s", err, body)
	}
	if e.Error.Code == "" || e.Error.MessageVI == "" || e.Error.MessageEN == "" {
		t.Fatalf("error body lacks code or vi/en messages: %s", body)
	}
	return e
}

// concrete fills route parameters with values that exist in the test database.
func concrete(path string) string {
	// Token ids are nobody's: a matrix call must not revoke the tokens it runs on.
	r := strings.NewReplacer("tokens/:id", "tokens/999999", ":version", "1", ":area", "1", ":name", "areas.csv", ":id", "1",
		":username", "test-province", ":code", "12", "*", "app.js", ":layer", "points", ":z", "12", ":x", "3226", ":y", "1780",
		":collectionId", "points", ":featureId", "1")
	return r.Replace(path)
}

// TestAuthorizationMatrix calls every route of the table as every role and
// anonymously: a role the policy admits never gets 401/403; every other
// caller gets 401 (anonymous) or 403 (wrong role). The table is the
// route list itself, so a new route is in the matrix the moment it exists.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	callers := append([]phusong.Role{""}, phusong.Roles...)
	for _, r := range api.Routes() {
		for _, role := range callers {
			name := fmt.Sprintf("%s %s as %s", r.Method, r.Path, map[bool]string{true: "anonymous", false: string(role)}[role == ""])
			t.Run(name, func(t *testing.T) {
				var opts []reqOpt
				var actor *phusong.Actor
				if role != "" {
					opts = append(opts, withToken(e.tokens[role]))
					actor = &phusong.Actor{Role: role}
				}
				var body any
				if r.Method != "GET" && r.Method != "DELETE" {
					body = map[string]any{}
				}
				resp, out := e.do(r.Method, concrete(r.Path), body, opts...)
				admitted := r.Policy.Admits(actor)
				switch {
				case admitted && (resp.StatusCode == 401 || resp.StatusCode == 403):
					t.Fatalf("policy %s admits this caller, got %d: %s", r.Policy.Name, resp.StatusCode, out)
				case !admitted && role == "" && resp.StatusCode != 401:
					t.Fatalf("anonymous caller: got %d, want 401: %s", resp.StatusCode, out)
				case !admitted && role != "" && resp.StatusCode != 403:
					t.Fatalf("policy %s refuses %s: got %d, want 403: %s", r.Policy.Name, role, resp.StatusCode, out)
				case !admitted:
					decodeErr(t, out)
				}
			})
		}
	}
}

// TestEveryRouteIsInTheTable fails when a route reaches the Fiber app
// without going through the table (and so without a policy).
func TestEveryRouteIsInTheTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	table := map[string]bool{}
	for _, r := range api.Routes() {
		table[r.Method+" "+r.Path] = true
		if !r.Policy.Public && len(r.Policy.Roles) == 0 {
			t.Errorf("%s %s: a policy that admits nobody", r.Method, r.Path)
		}
	}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == "HEAD" {
			continue // Fiber adds HEAD for every GET
		}
		if !table[r.Method+" "+r.Path] {
			t.Errorf("%s %s is served but not in api.Routes (no declared policy)", r.Method, r.Path)
		}
	}
}

// province creates a province officer of code and returns its token option.
func (e *env) province(t *testing.T, code string) reqOpt {
	t.Helper()
	ctx := phusong.WithActor(context.Background(), phusong.System)
	u, err := e.store.CreateUser(ctx, auth.NewUser{Username: "officer-" + code, Password: "officer-pass-" + code, Role: phusong.RoleProvince, ProvinceCode: code})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.store.CreateToken(phusong.WithActor(ctx, u.Actor()), "t", 0)
	if err != nil {
		t.Fatal(err)
	}
	return withToken(tok.Secret)
}
