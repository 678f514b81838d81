package api_test

import (
	"encoding/json"
	"testing"

	"github.com/phusong/phusong"
)

// TestRevocationIsImmediate: tokens are remembered for a few seconds after
// the database checked them, but revoking one, or disabling its account,
// through the API takes effect on the very next request.
func TestRevocationIsImmediate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	resp, out := e.do("POST", "/api/v1/auth/tokens", map[string]any{"name": "script", "ttl_days": 1}, rev)
	if resp.StatusCode != 201 {
		t.Fatalf("create token: %d %s", resp.StatusCode, out)
	}
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	json.Unmarshal(out, &tok)
	script := withToken(tok.Token)
	for range 2 { // the second answer comes from the cache
		if resp, _ := e.do("GET", "/api/v1/auth/me", nil, script); resp.StatusCode != 200 {
			t.Fatalf("new token: %d", resp.StatusCode)
		}
	}
	if resp, out := e.do("DELETE", "/api/v1/auth/tokens/"+itoa(tok.ID), nil, script); resp.StatusCode >= 300 {
		t.Fatalf("revoke: %d %s", resp.StatusCode, out)
	}
	if resp, _ := e.do("GET", "/api/v1/auth/me", nil, script); resp.StatusCode != 401 {
		t.Fatalf("revoked token: %d, want 401", resp.StatusCode)
	}

	prov := withToken(e.tokens[phusong.RoleProvince])
	if resp, _ := e.do("GET", "/api/v1/auth/me", nil, prov); resp.StatusCode != 200 {
		t.Fatalf("officer: %d", resp.StatusCode)
	}
	if resp, out := e.do("PATCH", "/api/v1/users/test-province", map[string]any{"disabled": true}, withToken(e.tokens[phusong.RoleAdmin])); resp.StatusCode != 200 {
		t.Fatalf("disable: %d %s", resp.StatusCode, out)
	}
	if resp, _ := e.do("GET", "/api/v1/auth/me", nil, prov); resp.StatusCode != 401 {
		t.Fatalf("disabled account's token: %d, want 401", resp.StatusCode)
	}
}
