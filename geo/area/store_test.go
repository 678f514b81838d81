package area_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// submitAccepted stores points of Lai Châu (12) as one accepted submission.
func submitAccepted(t *testing.T, ctx context.Context, st *survey.Store, pts []survey.Point) {
	t.Helper()
	sub, err := st.Submit(ctx, survey.NewSubmission{ProvinceCode: "12"}, func(emit func(survey.Point) error) (survey.Result, error) {
		for _, p := range pts {
			if err := emit(p); err != nil {
				return survey.Result{}, err
			}
		}
		return survey.Result{Rows: len(pts)}, nil
	})
	if err != nil || sub.Status != survey.StatusSubmitted {
		t.Fatalf("submit: %v %+v", err, sub)
	}
	if _, err := st.Decide(ctx, sub.ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
}

func village(ref string, lon, lat float64) survey.Point {
	return survey.Point{ProvinceCode: "12", CommuneCode: "03430", VillageName: "Bản " + ref, RefID: ref,
		Location: orb.Point{lon, lat}, Households: 20, GridPower: "no", Terrain: "mountainous",
		Signal: [survey.NumOperators]string{"none", "none", "none", "none"}, Category: survey.TrangSong,
		SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
}

// TestRecomputeKeepsIdentities: two areas 4 km apart; a village accepted
// between them merges them: the merged area keeps the older id, the other
// is recorded as merged into it, and each change is a version.
func TestRecomputeKeepsIdentities(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	st, as := survey.NewStore(pool), area.NewStore(pool)
	// 0.036° of longitude at 22.3°N is about 3.7 km: two areas at eps 2 km.
	submitAccepted(t, ctx, st, []survey.Point{village("A", 103.500, 22.30), village("B", 103.536, 22.30)})
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	recompute := func() {
		t.Helper()
		j, err := as.StartJob(ctx, "12", cfg)
		if err != nil {
			t.Fatal(err)
		}
		if j, err = as.RunJob(ctx, j, cfg, nil); err != nil || j.Status != "done" {
			t.Fatalf("job: %v %+v", err, j)
		}
	}
	recompute()
	first, err := as.Areas(ctx, area.Filter{Province: "12", Sort: "id"})
	if err != nil || len(first) != 2 {
		t.Fatalf("first grouping: %v %d areas, want 2", err, len(first))
	}
	// A village in the middle links both (1.85 km to each side).
	submitAccepted(t, ctx, st, []survey.Point{village("M", 103.518, 22.30)})
	recompute()
	active, err := as.Areas(ctx, area.Filter{Province: "12", Sort: "id"})
	if err != nil || len(active) != 1 {
		t.Fatalf("after the bridge: %v %d areas, want 1", err, len(active))
	}
	if active[0].ID != first[0].ID || active[0].Points != 3 || active[0].Version != 2 {
		t.Fatalf("merged area: %+v, want id %d with 3 points at version 2", active[0], first[0].ID)
	}
	gone, err := as.Areas(ctx, area.Filter{Province: "12", Status: "merged"})
	if err != nil || len(gone) != 1 || gone[0].ID != first[1].ID || gone[0].MergedInto == nil || *gone[0].MergedInto != first[0].ID {
		t.Fatalf("merged-away area: %v %+v", err, gone)
	}
	d, err := as.Area(ctx, first[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.History) != 2 || d.History[0].Change != string(area.Merged) || d.History[1].Change != string(area.New) {
		t.Fatalf("history: %+v", d.History)
	}
	// A province officer of another province cannot read it.
	other := phusong.WithActor(context.Background(), phusong.Actor{Username: "tq", Role: phusong.RoleProvince, ProvinceCode: "08"})
	if _, err := as.Area(other, first[0].ID); err == nil {
		t.Fatal("another province read the area")
	}
	var versions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM area_versions`).Scan(&versions); err != nil || versions != 4 {
		t.Fatalf("versions: %d %v, want 4 (2 new, 1 merged, 1 removed)", versions, err)
	}
}
