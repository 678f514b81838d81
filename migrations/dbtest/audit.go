package dbtest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// AuditRows returns the decoded before and after of the audit rows with
// action on the object (type and id), oldest first; a null side decodes as
// nil. Tests of every domain check their audit rows through it.
func AuditRows(t *testing.T, pool *pgxpool.Pool, action, objectType, objectID string) (befores, afters []map[string]any) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT coalesce(before, 'null'), coalesce(after, 'null') FROM audit_log
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
