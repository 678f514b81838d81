package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
)

// TestAdminsCannotLockThemselvesOut: an administrator cannot disable their
// own account, and nobody (API or CLI) can disable the last active
// administrator; a disabled account is enabled again with
// {"disabled": false}. The steps run in order on one database.
func TestAdminsCannotLockThemselvesOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := phusong.WithActor(context.Background(), phusong.System)
	if _, err := e.store.CreateUser(ctx, auth.NewUser{Username: "second-admin", Password: "second-admin-pass", Role: phusong.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	first := withToken(e.tokens[phusong.RoleAdmin])

	steps := []struct {
		name     string
		as       reqOpt // nil: the CLI's system actor, through the store
		username string
		disabled bool
		want     int
		code     string // error code, "" on success
	}{
		{"admin disables self", first, "test-admin", true, 409, "cannot_disable_self"},
		{"admin disables another admin", first, "second-admin", true, 200, ""},
		{"CLI disables the last admin", nil, "test-admin", true, 409, "last_admin"},
		{"admin enables the other admin", first, "second-admin", false, 200, ""},
		{"CLI disables one of two admins", nil, "test-admin", true, 200, ""},
		{"CLI disables the last admin again", nil, "second-admin", true, 409, "last_admin"},
		{"CLI enables the first admin", nil, "test-admin", false, 200, ""},
		{"CLI disables a non-admin", nil, "test-province", true, 200, ""},
	}
	for _, s := range steps {
		if s.as == nil {
			_, err := e.store.UpdateUser(ctx, s.username, auth.UserUpdate{Disabled: &s.disabled})
			var ke *phusong.KindError
			switch {
			case s.code == "" && err != nil:
				t.Fatalf("%s: %v", s.name, err)
			case s.code != "" && (!errors.As(err, &ke) || ke.Code != s.code || !errors.Is(err, phusong.ErrConflict)):
				t.Fatalf("%s: got %v, want %s (conflict)", s.name, err, s.code)
			}
			continue
		}
		resp, out := e.do("PATCH", "/api/v1/users/"+s.username, map[string]any{"disabled": s.disabled}, s.as)
		if resp.StatusCode != s.want {
			t.Fatalf("%s: got %d %s, want %d", s.name, resp.StatusCode, out, s.want)
		}
		if s.code != "" {
			if got := decodeErr(t, out).Error.Code; got != s.code {
				t.Fatalf("%s: got code %s, want %s", s.name, got, s.code)
			}
		}
	}
	resp, out := e.do("GET", "/api/v1/audit?object_type=user&action=user.enable", nil, withToken(e.tokens[phusong.RoleReviewer]))
	if resp.StatusCode != 200 || strings.Count(string(out), `"user.enable"`) != 2 {
		t.Fatalf("audit of the two enables: %d %s", resp.StatusCode, out)
	}
}
