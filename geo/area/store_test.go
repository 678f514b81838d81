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

// recompute12 runs one recompute job of province 12 to its end (full or
// incremental) and returns the province's result.
func recompute12(t *testing.T, ctx context.Context, as *area.Store, cfg area.Config, full bool) area.ProvinceResult {
	t.Helper()
	j, err := as.StartJob(ctx, "12", cfg)
	if err != nil {
		t.Fatal(err)
	}
	j.Full = full
	if j, err = as.RunJob(ctx, j, cfg, nil); err != nil || j.Status != "done" || len(j.Results) != 1 {
		t.Fatalf("recompute 12 (full %v): %v %+v", full, err, j)
	}
	return j.Results[0]
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
	recompute := func() { t.Helper(); recompute12(t, ctx, as, cfg, false) }
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
		t.Fatalf("versions: %d %v, want 4 (2 new, 1 merged, 1 merged into it)", versions, err)
	}
}

// TestRetiredAreasShowNoFigures: an area merged into another or left
// without points keeps its id, polygon and history, but its current row
// counts nothing — the points, households, sites and cost now belong to
// the area it merged into, or to none — so a list of every status adds up
// to the active areas' figures. The version before the change keeps what
// the area was. Both the incremental and the full recomputation do it.
func TestRetiredAreasShowNoFigures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status string
		change func(t *testing.T, ctx context.Context, st *survey.Store, b int64)
	}{
		{"merged", "merged", func(t *testing.T, ctx context.Context, st *survey.Store, _ int64) {
			submitAccepted(t, ctx, st, []survey.Point{village("M", 103.518, 22.30)}) // links A and B
		}},
		{"removed", "removed", func(t *testing.T, ctx context.Context, st *survey.Store, b int64) {
			if _, err := st.DecidePoints(ctx, []int64{b}, survey.Decision{Status: survey.StatusReturned, Comment: "Sai toạ độ."}); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		for _, full := range []bool{false, true} {
			name := tc.name + "/incremental"
			if full {
				name = tc.name + "/full"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				pool := dbtest.New(t)
				ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
				st, as := survey.NewStore(pool), area.NewStore(pool)
				submitAccepted(t, ctx, st, []survey.Point{village("A", 103.500, 22.30), village("B", 103.536, 22.30)})
				cfg, err := area.DefaultConfig()
				if err != nil {
					t.Fatal(err)
				}
				recompute := func(full bool) { t.Helper(); recompute12(t, ctx, as, cfg, full) }
				recompute(false)
				first, err := as.Areas(ctx, area.Filter{Province: "12", Sort: "id"})
				if err != nil || len(first) != 2 {
					t.Fatalf("first grouping: %v %d areas, want 2", err, len(first))
				}
				retired := first[1]
				before, err := as.Area(ctx, retired.ID)
				if err != nil || len(before.PointIDs) != 1 || before.Households != 20 || before.CostVND <= 0 {
					t.Fatalf("area before: %v %+v", err, before)
				}
				tc.change(t, ctx, st, before.PointIDs[0])
				recompute(full)

				d, err := as.Area(ctx, retired.ID)
				if err != nil {
					t.Fatal(err)
				}
				if d.Status != tc.status {
					t.Fatalf("status: got %q, want %q", d.Status, tc.status)
				}
				got := []int64{int64(d.Points), int64(d.Villages), int64(d.Households), int64(d.Population), int64(d.TrangSong),
					int64(d.LomSong), int64(d.Sites), d.CostVND, int64(d.Score), int64(len(d.PointIDs)), int64(len(d.SiteList))}
				for i, v := range got {
					if v != 0 {
						t.Fatalf("figures of the %s area (points, villages, households, population, trang_song, lom_song, sites, cost, score, point_ids, site_list): got %v, want all 0 (%d is not)",
							tc.status, got, i)
					}
				}
				if d.Score != 0 {
					t.Fatalf("score: got %g, want 0", d.Score)
				}
				if len(d.History) != 2 || d.History[0].Change != tc.status {
					t.Fatalf("history: %+v, want the removal over the first version", d.History)
				}
				if now, was := d.History[0], d.History[1]; now.Points != 0 || now.Households != 0 || now.CostVND != 0 ||
					was.Points != 1 || was.Households != before.Households || was.CostVND != before.CostVND {
					t.Fatalf("history: now %+v, was %+v; want the removal with no figures over the version with the area's", now, was)
				}
				sum := func(status string) (hh int, cost int64) {
					t.Helper()
					as, err := as.Areas(ctx, area.Filter{Province: "12", Status: status})
					if err != nil {
						t.Fatal(err)
					}
					for _, a := range as {
						hh, cost = hh+a.Households, cost+a.CostVND
					}
					return hh, cost
				}
				hhAll, costAll := sum("all")
				hhActive, costActive := sum("active")
				if hhAll != hhActive || costAll != costActive {
					t.Fatalf("every status: %d households, %d VND; active: %d, %d — retired areas still count", hhAll, costAll, hhActive, costActive)
				}
			})
		}
	}
}

// TestMergeCountsOnce: a village accepted between two areas merges them.
// The job's result counts that merge once, as merged, and nothing as
// removed (no area lost all its points); the merged-away area's latest
// version says merged, into the area that kept the older id, with no
// figures. A truly removed area (all its points returned) still counts and
// reads as removed. Both the incremental and the full recomputation.
func TestMergeCountsOnce(t *testing.T) {
	t.Parallel()
	for _, full := range []bool{false, true} {
		name := "incremental"
		if full {
			name = "full"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.New(t)
			ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
			st, as := survey.NewStore(pool), area.NewStore(pool)
			submitAccepted(t, ctx, st, []survey.Point{village("A", 103.500, 22.30), village("B", 103.536, 22.30),
				village("C", 103.700, 22.30)})
			cfg, err := area.DefaultConfig()
			if err != nil {
				t.Fatal(err)
			}
			recompute12(t, ctx, as, cfg, false)
			first, err := as.Areas(ctx, area.Filter{Province: "12", Sort: "id"})
			if err != nil || len(first) != 3 {
				t.Fatalf("first grouping: %v %d areas, want 3", err, len(first))
			}
			submitAccepted(t, ctx, st, []survey.Point{village("M", 103.518, 22.30)}) // links A and B
			r := recompute12(t, ctx, as, cfg, full)
			if r.Changes[area.Merged] != 1 || r.Changes[area.Removed] != 0 || r.Changes[area.Kept] != 1 || len(r.Changes) != 2 {
				t.Fatalf("changes after the merge: %v, want kept:1 merged:1 and nothing removed", r.Changes)
			}
			d, err := as.Area(ctx, first[1].ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != "merged" || d.MergedInto == nil || *d.MergedInto != first[0].ID {
				t.Fatalf("merged-away area: status %q into %v, want merged into %d", d.Status, d.MergedInto, first[0].ID)
			}
			if len(d.History) != 2 || d.History[0].Change != string(area.Merged) || d.History[0].Points != 0 ||
				d.History[0].Households != 0 || d.History[0].CostVND != 0 {
				t.Fatalf("history of the merged-away area: %+v, want a merged version with no figures on top", d.History)
			}
			var removed int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM area_versions WHERE change = 'removed'`).Scan(&removed); err != nil || removed != 0 {
				t.Fatalf("removal versions: %d %v, want 0", removed, err)
			}

			// C's only point returned: C is removed, and says so.
			c, err := as.Area(ctx, first[2].ID)
			if err != nil || len(c.PointIDs) != 1 {
				t.Fatalf("area C: %v %+v", err, c)
			}
			if _, err := st.DecidePoints(ctx, c.PointIDs, survey.Decision{Status: survey.StatusReturned, Comment: "Sai toạ độ."}); err != nil {
				t.Fatal(err)
			}
			r = recompute12(t, ctx, as, cfg, full)
			if r.Changes[area.Removed] != 1 || r.Changes[area.Merged] != 0 {
				t.Fatalf("changes after the removal: %v, want removed:1", r.Changes)
			}
			if c, err = as.Area(ctx, first[2].ID); err != nil || c.Status != "removed" || len(c.History) != 2 || c.History[0].Change != string(area.Removed) {
				t.Fatalf("removed area: %v %+v", err, c)
			}
		})
	}
}
