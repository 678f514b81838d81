package api_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/migrations/dbtest"
)

// auditRows returns the decoded before and after of the audit rows with
// action on object (type and id), oldest first.
func (e *env) auditRows(t *testing.T, action, objectType, objectID string) (befores, afters []map[string]any) {
	t.Helper()
	return dbtest.AuditRows(t, e.pool, action, objectType, objectID)
}

// TestAuditUserFullName: renaming a user is recorded, with the old and the
// new full name.
func TestAuditUserFullName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	steps := []struct{ from, to string }{{"", "QA One"}, {"QA One", "QA Two"}}
	for _, s := range steps {
		resp, out := e.do("PATCH", "/api/v1/users/test-province", map[string]any{"full_name": s.to}, withToken(e.tokens[phusong.RoleAdmin]))
		if resp.StatusCode != 200 {
			t.Fatalf("rename to %q: %d %s", s.to, resp.StatusCode, out)
		}
	}
	var id string
	if err := e.pool.QueryRow(context.Background(), `SELECT id::text FROM users WHERE username = 'test-province'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	befores, afters := e.auditRows(t, "user.update", "user", id)
	if len(befores) != len(steps) {
		t.Fatalf("%d user.update rows, want %d", len(befores), len(steps))
	}
	for i, s := range steps {
		got := []any{befores[i]["full_name"], afters[i]["full_name"]}
		if want := []any{s.from, s.to}; !reflect.DeepEqual(got, want) {
			t.Errorf("rename %d: full_name before, after = %q, want %q", i, got, want)
		}
	}
}
