package progress_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/progress"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

func village(province, commune, ref string, at orb.Point, households int) survey.Point {
	return survey.Point{ProvinceCode: province, CommuneCode: commune, VillageName: "Bản " + ref, RefID: ref,
		Location: at, Households: households, GridPower: "no", Terrain: "mountainous",
		Signal: [survey.NumOperators]string{"none", "none", "none", "none"}, Category: survey.TrangSong,
		SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
}

func submit(t *testing.T, ctx context.Context, st *survey.Store, province string, pts ...survey.Point) survey.Submission {
	t.Helper()
	sub, err := st.Submit(ctx, survey.NewSubmission{ProvinceCode: province}, func(emit func(survey.Point) error) (survey.Result, error) {
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
	return sub
}

// TestDashboard: Lai Châu (12) has an accepted submission of two villages
// grouped into one area and a returned one; Tuyên Quang (08) has one
// submission awaiting review and the one it superseded; the 32 other
// provinces have nothing.
func TestDashboard(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	st := survey.NewStore(pool)

	a := submit(t, ctx, st, "12", village("12", "03430", "A", orb.Point{103.500, 22.30}, 20), village("12", "03430", "B", orb.Point{103.510, 22.30}, 30))
	if _, err := st.Decide(ctx, a.ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	r := submit(t, ctx, st, "12", village("12", "03430", "C", orb.Point{103.700, 22.40}, 7))
	if _, err := st.Decide(ctx, r.ID, survey.Decision{Status: survey.StatusReturned, Comment: "thiếu ảnh"}); err != nil {
		t.Fatal(err)
	}
	tq := ref.ProvinceCommunes("08")[0]
	submit(t, ctx, st, "08", village("08", tq.Code, "T", tq.Point, 11))
	// Sent again: the second file takes the village over and the first is
	// superseded, no longer pending (nothing left in it to review).
	submit(t, ctx, st, "08", village("08", tq.Code, "T", tq.Point, 11))

	as := area.NewStore(pool)
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	job, err := as.StartJob(ctx, "12", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if job, err = as.RunJob(ctx, job, cfg, nil); err != nil || job.Status != "done" {
		t.Fatalf("areas: %v %+v", err, job)
	}
	areas, err := as.Areas(ctx, area.Filter{Province: "12"})
	if err != nil || len(areas) != 1 {
		t.Fatalf("areas of 12: %v %d, want 1", err, len(areas))
	}

	// Anyone may read the aggregates: an anonymous context works.
	d, err := progress.NewStore(pool).Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Provinces) != 34 {
		t.Fatalf("got %d provinces, want 34", len(d.Provinces))
	}
	share := func(f float64) *float64 { return &f }
	lc := d.Provinces[0]
	want := progress.Province{Code: "12", Name: lc.Name, FullName: "Tỉnh Lai Châu", Submissions: 2,
		PointsSubmitted: 3, PointsAccepted: 2, PointsReturned: 1, PointsUncovered: 2,
		HouseholdsReported: 57, HouseholdsAccepted: 50, HouseholdsUncovered: 50,
		Areas: 1, Sites: areas[0].Sites, CostVND: areas[0].CostVND,
		ShareWithoutSignal: share(2.0 / 3), Score: 33.3, Rank: 1}
	if diff := cmp.Diff(want, lc); diff != "" {
		t.Errorf("Lai Châu (-want +got):\n%s", diff)
	}
	if lc.Sites == 0 || lc.CostVND == 0 {
		t.Errorf("Lai Châu: %d sites costing %d VND, want some", lc.Sites, lc.CostVND)
	}
	// Tuyên Quang: nothing decided, so not ranked, but after every ranked province.
	var tqRow progress.Province
	for i, p := range d.Provinces {
		if p.Code == "08" {
			tqRow = p
			if i == 0 {
				t.Errorf("an unranked province is listed first")
			}
		}
		if p.Code != "12" && p.Rank != 0 {
			t.Errorf("province %s ranked %d with nothing decided", p.Code, p.Rank)
		}
	}
	if tqRow.PointsPending != 1 || tqRow.SubmissionsPending != 1 || tqRow.Submissions != 2 || tqRow.Rank != 0 || *tqRow.ShareWithoutSignal != 0 {
		t.Errorf("Tuyên Quang: %+v, want 2 submissions, 1 point and 1 submission pending, not ranked, share 0", tqRow)
	}
	if d.Totals.PointsSubmitted != 4 || d.Totals.HouseholdsUncovered != 50 || *d.Totals.ShareWithoutSignal != 0.5 {
		t.Errorf("totals: %+v, want 4 points, 50 households uncovered, share 0.5", d.Totals)
	}
	if d.PackagesKnown || d.Totals.PackagesPublished != 0 {
		t.Errorf("packages: known %v, %d published; want none until bids are wired", d.PackagesKnown, d.Totals.PackagesPublished)
	}

	// With packages wired in, covered households raise the score and
	// lower the share without signal.
	s := progress.NewStore(pool)
	s.Packages = func(context.Context) (map[string]progress.Covered, error) {
		return map[string]progress.Covered{"12": {Packages: 1, Points: 1, Households: 25}}, nil
	}
	d, err = s.Dashboard(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lc = d.Provinces[0]
	if lc.PackagesPublished != 1 || lc.HouseholdsUncovered != 25 || *lc.ShareWithoutSignal != 1.0/3 || lc.Score != 58.3 {
		t.Errorf("with a package: %+v, want 1 package, 25 households uncovered, share 1/3, score 58.3", lc)
	}
}
