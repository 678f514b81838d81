package bids_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// freeAreas stores n accepted villages of Lai Châu (12) about 10 km apart
// and groups them, so each is an area of its own; it returns their ids.
func freeAreas(t *testing.T, ctx context.Context, st *survey.Store, as *area.Store, n int) []int64 {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("Bản V%d", i)
	}
	got := groupVillages(t, ctx, st, as, names, 0.1)
	if len(got) != n {
		t.Fatalf("%d areas, want %d", len(got), n)
	}
	ids := make([]int64, n)
	for i, a := range got {
		ids[i] = a.ID
	}
	return ids
}

// groupVillages stores accepted villages of Lai Châu (12) with these names
// (ref_ids LC-1, LC-2, …), step degrees of longitude apart, groups the
// province and returns its areas by id.
func groupVillages(t *testing.T, ctx context.Context, st *survey.Store, as *area.Store, names []string, step float64) []area.Stored {
	t.Helper()
	sub, err := st.Submit(ctx, survey.NewSubmission{ProvinceCode: "12"}, func(emit func(survey.Point) error) (survey.Result, error) {
		for i, name := range names {
			if err := emit(survey.Point{ProvinceCode: "12", CommuneCode: "03430", VillageName: name, RefID: fmt.Sprintf("LC-%d", i+1),
				Location: orb.Point{103.5 + step*float64(i), 22.3}, Households: 20, GridPower: "no", Terrain: "mountainous",
				Signal: [survey.NumOperators]string{"none", "none", "none", "none"}, Category: survey.TrangSong,
				SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}); err != nil {
				return survey.Result{}, err
			}
		}
		return survey.Result{Rows: len(names)}, nil
	})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if _, err := st.Decide(ctx, sub.ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	j, err := as.StartJob(ctx, "12", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if j, err = as.RunJob(ctx, j, cfg, nil); err != nil || j.Status != "done" {
		t.Fatalf("group: %v %+v", err, j)
	}
	got, err := as.Areas(ctx, area.Filter{Province: "12", Sort: "id"})
	if err != nil {
		t.Fatalf("areas: %v", err)
	}
	return got
}

// readyDrafts makes the drafts of rule (want of them) and gives each a
// deadline in 30 days and a ceiling, all publishing needs; it returns
// their ids in the order made.
func readyDrafts(t *testing.T, ctx context.Context, bs *bids.Store, rule bids.Rule, want int) []int64 {
	t.Helper()
	_, sums, err := bs.CreateDrafts(ctx, rule, 0)
	if err != nil || len(sums) != want {
		t.Fatalf("drafts: %v %d, want %d", err, len(sums), want)
	}
	ids := make([]int64, len(sums))
	for i, s := range sums {
		deadline, ceiling := time.Now().Add(30*24*time.Hour), int64(9_000_000_000)
		if _, err := bs.Update(ctx, s.ID, bids.Patch{Deadline: &deadline, CeilingVND: &ceiling}); err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	return ids
}

// problemCodes returns the codes of an *InputError's problems by the
// value they name ("" for none), or nil when err is no InputError.
func problemCodes(err error) map[string]string {
	var in *phusong.InputError
	if !errors.As(err, &in) {
		return nil
	}
	out := map[string]string{}
	for _, p := range in.Problems {
		out[p.Value] = p.Code
	}
	return out
}

// TestPublishAreaHeldByAnotherPublishedPackage: an area may move between
// working copies, but a package holding an area that the latest version
// of another, still published package holds is not published (the same
// area tendered twice); once that package is republished without the
// area, or withdrawn, it is.
func TestPublishAreaHeldByAnotherPublishedPackage(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	bs := bids.NewStore(pool)
	ids := freeAreas(t, ctx, survey.NewStore(pool), area.NewStore(pool), 3)
	a1, a2, a3 := ids[0], ids[1], ids[2]

	// One draft per area (each is over a cap of 1 household), in area order.
	pkg := map[int64]int64{} // area → package
	for _, id := range readyDrafts(t, ctx, bs, bids.Rule{Province: "12", Mode: "cap", CapKind: "households", Cap: 1}, 3) {
		d, err := bs.Get(ctx, id)
		if err != nil || len(d.Areas) != 1 {
			t.Fatalf("draft %d: %v %+v", id, err, d.Areas)
		}
		pkg[d.Areas[0].ID] = id
	}
	p1, p2, p3 := pkg[a1], pkg[a2], pkg[a3]
	move := func(to, areaID int64) func() error {
		return func() error { _, err := bs.AddArea(ctx, to, areaID); return err }
	}
	publish := func(id int64, note string) func() error {
		return func() error { _, err := bs.Publish(ctx, id, note); return err }
	}
	withdraw := func(id int64) func() error {
		return func() error { _, err := bs.Withdraw(ctx, id, "Vùng đã được phủ sóng."); return err }
	}

	const held = "area_in_published_package"
	steps := []struct {
		name string
		do   func() error
		// refused maps the area ids named by the refusal to their problem
		// code; nil: the step succeeds.
		refused map[int64]string
	}{
		{"package 1 takes area 3", move(p1, a3), nil},
		{"package 1 is published with areas 1 and 3", publish(p1, ""), nil},
		{"area 1 moves into package 2's working copy", move(p2, a1), nil},
		{"package 2 holding area 1 is refused", publish(p2, ""), map[int64]string{a1: held}},
		{"package 1 republished without area 1", publish(p1, "Chuyển vùng sang gói khác."), nil},
		{"then package 2 is published", publish(p2, ""), nil},
		{"area 1 moves on into package 3", move(p3, a1), nil},
		{"package 3 holding area 1 is refused", publish(p3, ""), map[int64]string{a1: held}},
		{"package 2 is withdrawn", withdraw(p2), nil},
		{"then package 3 is published", publish(p3, "Nhận vùng của gói đã thu hồi."), nil},
	}
	for _, s := range steps {
		err := s.do()
		switch {
		case s.refused == nil && err != nil:
			t.Fatalf("%s: %v", s.name, err)
		case s.refused != nil:
			got := problemCodes(err)
			for areaID, code := range s.refused {
				if got[fmt.Sprint(areaID)] != code {
					t.Fatalf("%s: got %v, want problem %s on area %d", s.name, err, code, areaID)
				}
			}
		}
	}

	// No area is in the latest version of two published packages.
	var twice int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT pva.area_id FROM package_version_areas pva
		JOIN packages p ON p.id = pva.package_id AND p.published_version = pva.version AND p.status = 'published'
		GROUP BY pva.area_id HAVING count(*) > 1) x`).Scan(&twice); err != nil || twice != 0 {
		t.Fatalf("areas in two published packages: %d (%v)", twice, err)
	}
}
