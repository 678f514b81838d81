package survey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// TestTakeOver: a later submission that sends ref_ids again takes their
// points over. A submission waiting for review left with none is
// superseded (out of the queue, not decidable); one left with some stays
// in the queue with its current count. An accepted or returned one keeps
// its status (a decision already made, and a returned file is meant to be
// sent again) but, owning nothing, cannot be decided again either.
func TestTakeOver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		older      string   // ref_ids of the older submission, one letter each
		decided    string   // how the older one was decided before the later ones came, "" not at all
		later      []string // ref_ids of the later submissions, in order
		wantStatus string
		wantPoints int
		wantBy     int    // index in later of superseded_by, -1 for none
		wantDecide string // problem code when the older one is then accepted (returned if decided accepted), "" decided
	}{
		{"all taken", "ABC", "", []string{"ABC"}, survey.StatusSuperseded, 0, 0, "submission_empty"},
		{"all taken and more", "AB", "", []string{"ABCD"}, survey.StatusSuperseded, 0, 0, "submission_empty"},
		{"some taken", "ABC", "", []string{"AD"}, survey.StatusSubmitted, 2, -1, ""},
		{"taken in two goes", "ABC", "", []string{"A", "BC"}, survey.StatusSuperseded, 0, 1, "submission_empty"},
		{"accepted, all sent again", "AB", survey.StatusAccepted, []string{"AB"}, survey.StatusAccepted, 0, 0, "submission_empty"},
		{"returned, all sent again", "AB", survey.StatusReturned, []string{"AB"}, survey.StatusReturned, 0, 0, "submission_empty"},
		{"accepted, some sent again", "AB", survey.StatusAccepted, []string{"B"}, survey.StatusAccepted, 1, -1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := dbtest.New(t)
			s := survey.NewStore(pool)
			ctx := phusong.WithActor(context.Background(), phusong.System)
			pts := func(refs string) []survey.Point {
				var out []survey.Point
				for i, r := range refs {
					// The same ref_id is always the same village at the same place.
					out = append(out, point(i+2, "Bản "+string(r), string(r), 103.1+float64(r-'A')*0.01, 22.3))
				}
				return out
			}
			older := submit(t, s, ctx, survey.ModeAll, pts(tc.older), 0)
			if older.PointsNow != len(tc.older) {
				t.Fatalf("older: got %d points now, want %d", older.PointsNow, len(tc.older))
			}
			if tc.decided != "" {
				d := survey.Decision{Status: tc.decided, Comment: "thiếu ảnh"}
				if _, err := s.Decide(ctx, older.ID, d); err != nil {
					t.Fatal(err)
				}
			}
			var later []survey.Submission
			for _, refs := range tc.later {
				sub := submit(t, s, ctx, survey.ModeAll, pts(refs), 0)
				if sub.Status != survey.StatusSubmitted || sub.PointsNow != len(refs) {
					t.Fatalf("later: got %s with %d points, want submitted with %d", sub.Status, sub.PointsNow, len(refs))
				}
				later = append(later, sub)
			}

			got, err := s.Submission(ctx, older.ID)
			if err != nil {
				t.Fatal(err)
			}
			var owned int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM survey_points WHERE submission_id = $1`, older.ID).Scan(&owned); err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.wantStatus || got.PointsNow != tc.wantPoints || owned != tc.wantPoints {
				t.Errorf("got %s, %d points now (%d owned), want %s, %d", got.Status, got.PointsNow, owned, tc.wantStatus, tc.wantPoints)
			}
			// inserted and updated stay what the upload did.
			if got.Inserted+got.Updated != len(tc.older) {
				t.Errorf("got %d inserted + %d updated, want %d", got.Inserted, got.Updated, len(tc.older))
			}
			var wantBy *int64
			if tc.wantBy >= 0 {
				wantBy = &later[tc.wantBy].ID
			}
			if (got.SupersededBy == nil) != (wantBy == nil) || wantBy != nil && *got.SupersededBy != *wantBy {
				t.Errorf("got superseded_by %v, want %v", got.SupersededBy, wantBy)
			}
			var audited int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'submission.supersede' AND object_id = $1
				AND after->>'superseded_by' = $2`, fmt.Sprint(older.ID), fmt.Sprint(later[len(later)-1].ID)).Scan(&audited); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1}[tc.wantStatus == survey.StatusSuperseded]; audited != want {
				t.Errorf("got %d supersede audit rows, want %d", audited, want)
			}
			var queued bool
			queue, err := s.Submissions(ctx, survey.SubmissionFilter{Status: survey.StatusSubmitted})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range queue {
				queued = queued || q.ID == older.ID
			}
			if queued != (tc.wantStatus == survey.StatusSubmitted) {
				t.Errorf("in the review queue: got %v, want %v", queued, !queued)
			}

			d := survey.Decision{Status: survey.StatusAccepted}
			if tc.decided == survey.StatusAccepted {
				d = survey.Decision{Status: survey.StatusReturned, Comment: "sai tọa độ"}
			}
			dec, err := s.Decide(ctx, older.ID, d)
			var ke *phusong.KindError
			switch {
			case tc.wantDecide == "" && err != nil:
				t.Fatalf("decide: %v", err)
			case tc.wantDecide == "":
				var n int
				if err := pool.QueryRow(ctx, `SELECT count(*) FROM survey_points WHERE status = $1`, d.Status).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if dec.Status != d.Status || n != tc.wantPoints {
					t.Errorf("decide: got %s and %d points %s, want %s and %d", dec.Status, n, d.Status, d.Status, tc.wantPoints)
				}
			case !errors.As(err, &ke) || ke.Code != tc.wantDecide || !errors.Is(err, phusong.ErrConflict):
				t.Fatalf("decide: got %v, want %s (conflict)", err, tc.wantDecide)
			case wantBy != nil && !strings.Contains(ke.Message.EN, fmt.Sprintf("submission %d", *wantBy)):
				t.Errorf("decide: %q does not name submission %d", ke.Message.EN, *wantBy)
			}
		})
	}
}
