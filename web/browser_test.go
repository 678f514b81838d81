package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// chromium is Debian's Chromium, which scripts/install-deps.sh test
// installs; PHUSONG_CHROMIUM names another build.
func chromium() string {
	if p := os.Getenv("PHUSONG_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

const installHint = "run scripts/install-deps.sh test (Debian chromium, and npm ci in web/)"

// requireBrowser fails the test, never skips it, when the browser, Node or
// the pinned playwright-core is missing or stale.
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(chromium()); err != nil {
		t.Fatalf("no Chromium at %s: %v; %s", chromium(), err, installHint)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("no node on PATH (Node.js 20 is part of the machine): %v; then %s", err, installHint)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	want := lock.Packages["node_modules/playwright-core"].Version
	var installed struct {
		Version string `json:"version"`
	}
	b, err = os.ReadFile("node_modules/playwright-core/package.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("web/node_modules has no playwright-core; %s", installHint)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &installed); err != nil {
		t.Fatal(err)
	}
	if want == "" || installed.Version != want {
		t.Fatalf("web/node_modules has playwright-core %q, package-lock.json pins %q; %s", installed.Version, want, installHint)
	}
}

// accounts are the test's users, one per role, as the script receives them.
var accounts = []struct {
	role     phusong.Role
	env      string // prefix of the variables the script reads
	province string
	operator string
	password string
}{
	{phusong.RoleProvince, "PROVINCE", "12", "", "province-pass-1"},
	{phusong.RoleReviewer, "REVIEWER", "", "", "reviewer-pass-1"},
	{phusong.RoleOperator, "OPERATOR", "", "viettel", "operator-pass-1"},
	{phusong.RoleAdmin, "ADMIN", "", "", "admin-pass-01"},
}

// TestBrowser serves the real API and page over a fresh database, creates
// one account per role and drives Debian's Chromium through test/e2e.mjs
// (playwright-core): every role's page; a province officer's upload that
// is stored and one refused with its row problems; a reviewer returning
// the submission with a comment, the officer seeing it and submitting
// again; on the map (vector tiles drawn, checked through MapLibre), the
// reviewer opening a village's details, accepting the submission and
// returning one village selected by Shift+click, Shift+drag and the
// keyboard; the officer's checklist; the dashboard and its ranking; the
// public dashboard of a second server with it switched on; the decisions
// read back through the API; the English switch, keyboard use and tablet
// width, with no console error or failed request; and the map page's
// first load, under 1 MB over the wire (its time to interactive is
// printed, not asserted). Screenshots and map-first-load.json land in
// var/artifacts/browser/ at the repository root (ignored by git).
func TestBrowser(t *testing.T) {
	t.Parallel()
	requireBrowser(t)

	pool := dbtest.New(t)
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	users := auth.NewStore(pool)
	ctx := phusong.WithActor(context.Background(), phusong.System)
	env := os.Environ()
	for _, a := range accounts {
		name := "e2e-" + string(a.role)
		if _, err := users.CreateUser(ctx, auth.NewUser{Username: name, Password: a.password, Role: a.role,
			FullName: "E2E " + string(a.role), ProvinceCode: a.province, Operator: a.operator}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		env = append(env, "PHUSONG_E2E_"+a.env+"_USER="+name, "PHUSONG_E2E_"+a.env+"_PASSWORD="+a.password)
	}

	var logs syncBuffer
	deps := api.Deps{Pool: pool, Auth: users, Survey: survey.NewStore(pool), Areas: area.NewStore(pool), Bids: bids.NewStore(pool), Admin: ref,
		Log: slog.New(slog.NewJSONHandler(&logs, nil)), BodyLimit: 8 << 20,
		// As served: the cookie is Secure, which Chromium accepts from a
		// loopback address over plain HTTP.
		CookieSecure: true}
	url := serve(t, api.New(deps))
	// The same service with the public dashboard switched on.
	deps.PublicDashboard = true
	publicURL := serve(t, api.New(deps))

	artifacts, err := filepath.Abs(filepath.Join("..", "var", "artifacts", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "node", filepath.Join("test", "e2e.mjs"))
	cmd.Env = append(env,
		"PHUSONG_E2E_URL="+url,
		"PHUSONG_E2E_PUBLIC_URL="+publicURL,
		"PHUSONG_E2E_CHROMIUM="+chromium(),
		"PHUSONG_E2E_ARTIFACTS="+artifacts,
		"PHUSONG_E2E_TESTDATA="+must(filepath.Abs("testdata")),
	)
	cmd.Stdout = t.Output()
	cmd.Stderr = t.Output()
	if err := cmd.Run(); err != nil {
		t.Logf("server log (last lines):\n%s", tail(logs.String(), 40))
		t.Fatalf("node test/e2e.mjs: %v (screenshots so far in %s)", err, artifacts)
	}

	// The script checked the decision through the API; check the database
	// too. Its last steps add one invalid file and one file left awaiting
	// review.
	var accepted, returned, rejected, submitted int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status = 'accepted'),
		count(*) FILTER (WHERE status = 'returned'), count(*) FILTER (WHERE status = 'rejected'),
		count(*) FILTER (WHERE status = 'submitted')
		FROM submissions WHERE province_code = '12'`).Scan(&accepted, &returned, &rejected, &submitted); err != nil {
		t.Fatal(err)
	}
	if accepted != 1 || returned != 1 || rejected != 2 || submitted != 1 {
		t.Fatalf("submissions of province 12: %d accepted, %d returned, %d rejected, %d submitted; want 1, 1, 2, 1",
			accepted, returned, rejected, submitted)
	}
	t.Logf("screenshots in %s", artifacts)
}

// serve serves app on a free loopback port until the test ends and
// returns its base URL.
func serve(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// syncBuffer is the server's log, written by request goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
