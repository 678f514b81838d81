package api_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/phusong/phusong"
)

// TestTokenCannotOutliveCallerToken: a caller authenticated with an API
// token may only create tokens that expire no later than it (never a
// token without expiry); a password session may create any lifetime.
func TestTokenCannotOutliveCallerToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := phusong.WithActor(context.Background(), phusong.System)
	rev, err := e.store.UserByName(ctx, "test-reviewer")
	if err != nil {
		t.Fatal(err)
	}
	short, err := e.store.CreateToken(phusong.WithActor(ctx, rev.Actor()), "ten days", 10*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resp, out := e.do("POST", "/api/v1/auth/login", map[string]string{"username": "test-reviewer", "password": testPasswords[phusong.RoleReviewer]})
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, out)
	}
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(out, &login)
	session := []reqOpt{withHeader("Cookie", "phusong_session="+cookieOf(resp, "phusong_session").Value), withHeader("X-CSRF-Token", login.CSRF)}

	tests := []struct {
		name    string
		as      []reqOpt
		ttlDays int
		want    int
	}{
		{"session, no expiry", session, 0, 201},
		{"session, ten years", session, 3650, 201},
		{"token without expiry, no expiry", []reqOpt{withToken(e.tokens[phusong.RoleReviewer])}, 0, 403},
		{"token without expiry, 30 days", []reqOpt{withToken(e.tokens[phusong.RoleReviewer])}, 30, 201},
		{"10-day token, no expiry", []reqOpt{withToken(short.Secret)}, 0, 403},
		{"10-day token, 30 days", []reqOpt{withToken(short.Secret)}, 30, 403},
		{"10-day token, 10 days", []reqOpt{withToken(short.Secret)}, 10, 403},
		{"10-day token, 9 days", []reqOpt{withToken(short.Secret)}, 9, 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do("POST", "/api/v1/auth/tokens", map[string]any{"name": tc.name, "ttl_days": tc.ttlDays}, tc.as...)
			if resp.StatusCode != tc.want {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, out, tc.want)
			}
			if tc.want == 403 {
				if code := decodeErr(t, out).Error.Code; code != "token_outlives_caller" {
					t.Fatalf("code: got %s, want token_outlives_caller", code)
				}
				return
			}
			var tok struct {
				ExpiresAt *time.Time `json:"expires_at"`
			}
			json.Unmarshal(out, &tok)
			if (tok.ExpiresAt == nil) != (tc.ttlDays == 0) {
				t.Fatalf("expires_at %v for ttl_days %d", tok.ExpiresAt, tc.ttlDays)
			}
		})
	}
}
