package bids_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// auditJSON returns the before and after of the audit rows with action
// on object_id, oldest first, as decoded JSON.
func auditJSON(t *testing.T, pool *pgxpool.Pool, action string, objectID int64) (befores, afters []map[string]any) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT coalesce(before, 'null'), coalesce(after, 'null') FROM audit_log
		WHERE action = $1 AND object_id = $2 ORDER BY id`, action, fmt.Sprint(objectID))
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

// TestPublishAuditBefore: each package.publish audit row records the
// package as it was before, a draft on the first publication and the
// previous published version on a later one (not the new status).
func TestPublishAuditBefore(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	bs := bids.NewStore(pool)
	freeAreas(t, ctx, survey.NewStore(pool), area.NewStore(pool), 1)
	_, sums, err := bs.CreateDrafts(ctx, bids.Rule{Province: "12", Mode: "cap", CapKind: "households", Cap: 1}, 0)
	if err != nil || len(sums) != 1 {
		t.Fatalf("drafts: %v %d, want 1", err, len(sums))
	}
	id := sums[0].ID
	deadline, ceiling := time.Now().Add(30*24*time.Hour), int64(9_000_000_000)
	if _, err := bs.Update(ctx, id, bids.Patch{Deadline: &deadline, CeilingVND: &ceiling}); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.Publish(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	ceiling++
	if _, err := bs.Update(ctx, id, bids.Patch{CeilingVND: &ceiling}); err != nil {
		t.Fatal(err)
	}
	if _, err := bs.Publish(ctx, id, "Tăng giá trần."); err != nil {
		t.Fatal(err)
	}
	befores, _ := auditJSON(t, pool, "package.publish", id)
	want := []map[string]any{
		{"status": "draft"},
		{"status": "published", "version": float64(1)},
	}
	if !reflect.DeepEqual(befores, want) {
		t.Errorf("publish audit before = %v, want %v", befores, want)
	}
}
