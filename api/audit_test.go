package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/phusong/phusong"
)

// auditRows returns the decoded before and after of the audit rows with
// action on object (type and id), oldest first; a null side decodes as nil.
func (e *env) auditRows(t *testing.T, action, objectType, objectID string) (befores, afters []map[string]any) {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT coalesce(before, 'null'), coalesce(after, 'null') FROM audit_log
		WHERE action = $1 AND object_type = $2 AND object_id = $3 ORDER BY id`, action, objectType, objectID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b, a []byte
		if err := rows.Scan(&b, &a); err != nil {
			t.Fatal(err)
		}
		var bm, am map[string]any
		if err := json.Unmarshal(b, &bm); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(a, &am); err != nil {
			t.Fatal(err)
		}
		befores, afters = append(befores, bm), append(afters, am)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return befores, afters
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
