package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/phusong/phusong"
)

func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestSessionFlow logs in through the API, checks the cookie flags, that a
// state-changing request needs the CSRF token, and that logout ends the
// session; each step leaves its audit row.
func TestSessionFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(d *apiDeps) { d.CookieSecure = true })
	resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-admin", "password": testPasswords[phusong.RoleAdmin]})
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, out)
	}
	ck := cookieOf(resp, "phusong_session")
	if ck == nil || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie must be HttpOnly, Secure, SameSite=Strict: %+v", ck)
	}
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	_ = json.Unmarshal(out, &login)
	if login.CSRF == "" {
		t.Fatalf("no csrf token: %s", out)
	}
	cookie := withHeader("Cookie", "phusong_session="+ck.Value)

	if resp, out := e.do("GET", "/api/v1/auth/me", nil, cookie); resp.StatusCode != 200 || !strings.Contains(string(out), `"test-admin"`) {
		t.Fatalf("me: %d %s", resp.StatusCode, out)
	}
	body := map[string]any{"username": "new-reviewer", "password": "a-long-password", "role": "reviewer"}
	resp, out = e.do("POST", "/api/v1/users", body, cookie)
	if resp.StatusCode != 403 || decodeErr(t, out).Error.Code != "csrf_token_invalid" {
		t.Fatalf("without CSRF token: got %d %s, want 403 csrf_token_invalid", resp.StatusCode, out)
	}
	resp, _ = e.do("POST", "/api/v1/users", body, cookie, withHeader("X-CSRF-Token", "wrong"))
	if resp.StatusCode != 403 {
		t.Fatalf("with a wrong CSRF token: got %d, want 403", resp.StatusCode)
	}
	resp, out = e.do("POST", "/api/v1/users", body, cookie, withHeader("X-CSRF-Token", login.CSRF))
	if resp.StatusCode != 201 {
		t.Fatalf("with the CSRF token: got %d %s, want 201", resp.StatusCode, out)
	}
	if resp, _ := e.do("POST", "/api/v1/auth/logout", nil, cookie, withHeader("X-CSRF-Token", login.CSRF)); resp.StatusCode != 204 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/v1/auth/me", nil, cookie); resp.StatusCode != 401 {
		t.Fatalf("after logout: got %d, want 401", resp.StatusCode)
	}
	resp, out = e.do("GET", "/api/v1/audit?user=test-admin", nil, withToken(e.tokens[phusong.RoleReviewer]))
	if resp.StatusCode != 200 {
		t.Fatalf("audit: %d %s", resp.StatusCode, out)
	}
	for _, action := range []string{`"login"`, `"user.create"`, `"logout"`} {
		if !strings.Contains(string(out), action) {
			t.Errorf("audit lacks %s: %s", action, out)
		}
	}
}

// TestLoginRateLimitPerAddress: the limiter answers 429 after the allowed
// attempts from one address, before checking any password.
func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(d *apiDeps) { d.LoginPerMinute = 3 })
	var last int
	for i := 0; i < 4; i++ {
		resp, _ := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "nobody", "password": "x"})
		last = resp.StatusCode
	}
	if last != 429 {
		t.Fatalf("4th attempt: got %d, want 429", last)
	}
}

// TestLockoutPerUsername: MaxFailures wrong passwords lock a username even
// for the right password, and an unknown username locks the same way, so
// the answers never tell which usernames exist.
func TestLockoutPerUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(d *apiDeps) { d.LoginPerMinute = 100 })
	for _, tc := range []struct {
		name, username, rightPassword string
	}{
		{"existing account", "test-operator", testPasswords[phusong.RoleOperator]},
		{"unknown username", "no-such-user", "any-password-1"},
		{"unknown username, other case", " No-Such-Other ", "any-password-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := 0; i < 5; i++ {
				resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": tc.username, "password": "wrong"})
				if resp.StatusCode != 401 || decodeErr(t, out).Error.Code != "bad_credentials" {
					t.Fatalf("attempt %d: got %d %s, want 401 bad_credentials", i+1, resp.StatusCode, out)
				}
			}
			resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": tc.username, "password": tc.rightPassword})
			if resp.StatusCode != 429 || decodeErr(t, out).Error.Code != "too_many_attempts" {
				t.Fatalf("6th attempt: got %d %s, want 429 too_many_attempts", resp.StatusCode, out)
			}
		})
	}
	// A new password set by an administrator lifts the lock.
	newPass := "operator-pass-2"
	if resp, out := e.do("PATCH", "/api/v1/users/test-operator", map[string]any{"password": newPass}, withToken(e.tokens[phusong.RoleAdmin])); resp.StatusCode != 200 {
		t.Fatalf("reset password: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-operator", "password": newPass}); resp.StatusCode != 200 {
		t.Fatalf("login after a new password: got %d %s, want 200", resp.StatusCode, out)
	}
	// Another username is not affected, and a successful login starts its count again.
	for i := 0; i < 4; i++ {
		e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-reviewer", "password": "wrong"})
	}
	for i := 0; i < 2; i++ {
		if resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-reviewer", "password": testPasswords[phusong.RoleReviewer]}); resp.StatusCode != 200 {
			t.Fatalf("login %d after 4 failures: got %d %s, want 200", i+1, resp.StatusCode, out)
		}
		e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-reviewer", "password": "wrong"})
	}
}
