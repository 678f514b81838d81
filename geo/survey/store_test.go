package survey_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// point returns a valid point of Lai Châu (12) near (lon, lat).
func point(row int, name, ref string, lon, lat float64) survey.Point {
	return survey.Point{ProvinceCode: "12", CommuneCode: "03466", VillageName: name, RefID: ref,
		Location: orb.Point{lon, lat}, SourceCRS: "EPSG:4326", Households: 10, GridPower: "yes",
		Signal:     [survey.NumOperators]string{"none", "2g", "", ""},
		RSRP:       [survey.NumOperators]int{-120, 0, 0, 0},
		Facilities: []string{"school"}, SurveyedOn: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		Category: survey.LomSong, Row: row}
}

func submit(t *testing.T, s *survey.Store, ctx context.Context, mode string, pts []survey.Point, errs int) survey.Submission {
	t.Helper()
	sub, err := s.Submit(ctx, survey.NewSubmission{ProvinceCode: "12", Mode: mode}, func(emit func(survey.Point) error) (survey.Result, error) {
		for _, p := range pts {
			if err := emit(p); err != nil {
				return survey.Result{}, err
			}
		}
		return survey.Result{Format: "csv", Rows: len(pts) + errs, InvalidRows: errs, ErrorCount: errs}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestSubmitPaths: the first submission of a province is copied straight
// into survey_points, later ones go through the staging table and its
// checks; both store the same row.
func TestSubmitPaths(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	s := survey.NewStore(pool)
	ctx := phusong.WithActor(context.Background(), phusong.System)
	n := func(q string) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A rejected first file stores nothing.
	sub := submit(t, s, ctx, survey.ModeAll, []survey.Point{point(2, "Bản A", "A1", 103.1, 22.3)}, 1)
	if sub.Status != survey.StatusRejected || n(`SELECT count(*) FROM survey_points`) != 0 {
		t.Fatalf("rejected: got %+v, %d points", sub, n(`SELECT count(*) FROM survey_points`))
	}

	first := []survey.Point{point(2, "Bản A", "A1", 103.1, 22.3), point(3, "Bản B", "", 103.2, 22.3), point(4, "Bản C", "C1", 103.3, 22.3)}
	sub = submit(t, s, ctx, survey.ModeAll, first, 0)
	if sub.Status != survey.StatusSubmitted || sub.Inserted != 3 || sub.Updated != 0 {
		t.Fatalf("first: got %+v", sub)
	}
	direct := n(`SELECT count(*) FROM survey_points WHERE submission_id = ` + fmt.Sprint(sub.ID) + ` AND ST_SRID(geom) = 4326
		AND abs(ST_X(geom) - 103.1) < 1e-9 AND village_key = 'ban a' AND rsrp_viettel = -120 AND facilities = '{school}'
		AND signal_vinaphone = '2g' AND signal_mobifone IS NULL AND dbkk IS NULL AND population IS NULL AND source_row = 2 AND status = 'submitted'`)
	if direct != 1 {
		t.Fatalf("directly copied row differs")
	}

	// Same ref_id: update. Same name within 100 m under no ref_id: refused.
	second := []survey.Point{point(2, "Bản A", "A1", 103.1001, 22.3), point(3, "Bản B", "", 103.2003, 22.3), point(4, "Bản D", "D1", 103.4, 22.3)}
	sub = submit(t, s, ctx, survey.ModeAll, second, 0)
	if sub.Status != survey.StatusRejected || sub.ErrorCount != 1 || n(`SELECT count(*) FROM survey_points`) != 3 {
		t.Fatalf("duplicate: got %+v", sub)
	}
	sub = submit(t, s, ctx, survey.ModeValidOnly, second, 0)
	if sub.Status != survey.StatusSubmitted || sub.Inserted != 1 || sub.Updated != 1 || n(`SELECT count(*) FROM survey_points`) != 4 {
		t.Fatalf("valid_only: got %+v, %d points", sub, n(`SELECT count(*) FROM survey_points`))
	}
	if n(`SELECT count(*) FROM survey_points WHERE ref_id = 'A1' AND abs(ST_X(geom) - 103.1001) < 1e-9`) != 1 {
		t.Fatal("A1 not updated")
	}
}

// TestSubmitConcurrent: files of one province sent at once never store the
// same village twice.
func TestSubmitConcurrent(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	s := survey.NewStore(pool)
	ctx := phusong.WithActor(context.Background(), phusong.System)
	var wg sync.WaitGroup
	subs := make([]survey.Submission, 6)
	for i := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pts := []survey.Point{point(2, "Bản Chung", "", 103.1+float64(i)*0.0001, 22.3), point(3, "Bản Riêng "+fmt.Sprint(i), "R"+fmt.Sprint(i), 103.5, 22.3+float64(i)*0.01)}
			subs[i] = submit(t, s, ctx, survey.ModeValidOnly, pts, 0)
		}()
	}
	wg.Wait()
	var chung, all int
	pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE village_key = 'ban chung'), count(*) FROM survey_points`).Scan(&chung, &all)
	if chung != 1 || all != 7 {
		t.Fatalf("got %d copies of Bản Chung, %d points; want 1, 7", chung, all)
	}
}
