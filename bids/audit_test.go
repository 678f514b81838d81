package bids_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// auditJSON returns the before and after of the audit rows with action
// on package objectID, oldest first, as decoded JSON.
func auditJSON(t *testing.T, pool *pgxpool.Pool, action string, objectID int64) (befores, afters []map[string]any) {
	t.Helper()
	return dbtest.AuditRows(t, pool, action, "package", fmt.Sprint(objectID))
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
	id := readyDrafts(t, ctx, bs, bids.Rule{Province: "12", Mode: "cap", CapKind: "households", Cap: 1}, 1)[0]
	ceiling := int64(9_000_000_001) // readyDrafts' ceiling, changed
	if _, err := bs.Publish(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
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

// TestAddAreaAuditsTheSourcePackage: moving an area from one package's
// working copy into another records the drop on the source package too,
// saying where the area went; a plain add records nothing on another one.
func TestAddAreaAuditsTheSourcePackage(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	bs := bids.NewStore(pool)
	ids := freeAreas(t, ctx, survey.NewStore(pool), area.NewStore(pool), 3)
	// One draft per area; the third area is then freed from its package.
	_, sums, err := bs.CreateDrafts(ctx, bids.Rule{Province: "12", Mode: "cap", CapKind: "households", Cap: 1}, 0)
	if err != nil || len(sums) != 3 {
		t.Fatalf("drafts: %v %d, want 3", err, len(sums))
	}
	pkg := map[int64]int64{}
	for _, s := range sums {
		d, err := bs.Get(ctx, s.ID)
		if err != nil || len(d.Areas) != 1 {
			t.Fatalf("draft %d: %v %+v", s.ID, err, d.Areas)
		}
		pkg[d.Areas[0].ID] = s.ID
	}
	if _, err := bs.RemoveArea(ctx, pkg[ids[2]], ids[2]); err != nil {
		t.Fatal(err)
	}
	p1, p2 := pkg[ids[0]], pkg[ids[1]]
	steps := []struct {
		name   string
		to     int64
		areaID int64
		// want: the package.area_drop rows on p1 and p2 after the step
		want map[int64][]map[string]any
	}{
		{"free area into package 2", p2, ids[2], map[int64][]map[string]any{p1: nil, p2: nil}},
		{"area 1 moves from package 1 to 2", p2, ids[0], map[int64][]map[string]any{
			p1: {{"area_id": float64(ids[0]), "moved_to_package_id": float64(p2)}}, p2: nil}},
	}
	for _, s := range steps {
		if _, err := bs.AddArea(ctx, s.to, s.areaID); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for p, want := range s.want {
			befores, afters := auditJSON(t, pool, "package.area_drop", p)
			var got []map[string]any
			for i := range befores {
				got = append(got, map[string]any{"area_id": befores[i]["area_id"], "moved_to_package_id": afters[i]["moved_to_package_id"]})
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: package %d area_drop rows %v, want %v", s.name, p, got, want)
			}
		}
	}
}
