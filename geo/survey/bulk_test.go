package survey_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

func bulkPoint(province, commune, ref string, lon, lat float64) survey.Point {
	return survey.Point{ProvinceCode: province, CommuneCode: commune, VillageName: "Bản " + ref, RefID: ref,
		Location: orb.Point{lon, lat}, Households: 12, GridPower: "no",
		Signal: [survey.NumOperators]string{"none", "none", "none", "none"}, Category: survey.TrangSong,
		SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
}

func source(pts []survey.Point, errs int) func(emit func(survey.Point) error) (survey.Result, error) {
	return func(emit func(survey.Point) error) (survey.Result, error) {
		for _, p := range pts {
			if err := emit(p); err != nil {
				return survey.Result{}, err
			}
		}
		return survey.Result{Rows: len(pts) + errs, InvalidRows: errs, ErrorCount: errs}, nil
	}
}

// TestBulkLoad: a national first load stores every province's rows in one
// transaction, one submission each, and leaves the table's indexes and
// foreign keys in place; a file with errors stores nothing (and the
// indexes are back); a second bulk load is refused; officers may not.
func TestBulkLoad(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	admin := phusong.WithActor(context.Background(), phusong.Actor{Username: "admin", Role: phusong.RoleAdmin})
	st := survey.NewStore(pool)
	pts := []survey.Point{
		bulkPoint("12", "03430", "LC-1", 103.583419, 22.258136),
		bulkPoint("12", "03430", "LC-2", 103.59, 22.26),
		bulkPoint("08", "00769", "TQ-1", 105.409769, 23.18024),
	}
	officer := phusong.WithActor(context.Background(), phusong.Actor{Username: "lc", Role: phusong.RoleProvince, ProvinceCode: "12"})
	if _, err := st.BulkLoad(officer, "x.csv", source(pts, 0)); !errors.Is(err, phusong.ErrForbidden) {
		t.Fatalf("officer: got %v, want ErrForbidden", err)
	}
	res, err := st.BulkLoad(admin, "bad.csv", source(pts, 1))
	if err != nil || !res.Rejected {
		t.Fatalf("file with errors: %v %+v", err, res)
	}
	count := func(q string) int {
		var n int
		if err := pool.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const indexes = `SELECT count(*) FROM pg_indexes WHERE tablename = 'survey_points'`
	const fkeys = `SELECT count(*) FROM pg_constraint WHERE conrelid = 'survey_points'::regclass AND contype = 'f'`
	if n := count(`SELECT count(*) FROM survey_points`) + count(`SELECT count(*) FROM submissions`); n != 0 {
		t.Fatalf("a rejected bulk load stored %d rows", n)
	}
	wantIdx, wantFK := count(indexes), count(fkeys)
	if wantIdx != 4 || wantFK != 3 {
		t.Fatalf("after a rollback: %d indexes, %d foreign keys; want 4 and 3", wantIdx, wantFK)
	}
	res, err = st.BulkLoad(admin, "vn.csv", source(pts, 0))
	if err != nil || res.Rejected || len(res.Submissions) != 2 {
		t.Fatalf("bulk load: %v %+v", err, res)
	}
	for _, s := range res.Submissions {
		want := map[string]int{"12": 2, "08": 1}[s.ProvinceCode]
		if s.Inserted != want || s.Status != survey.StatusSubmitted {
			t.Errorf("submission of %s: %+v, want %d inserted", s.ProvinceCode, s, want)
		}
	}
	if count(indexes) != wantIdx || count(fkeys) != wantFK {
		t.Fatalf("after a bulk load: %d indexes, %d foreign keys; want %d and %d", count(indexes), count(fkeys), wantIdx, wantFK)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'submission.create'`); n != 2 {
		t.Fatalf("audit rows: %d, want 2", n)
	}
	if _, err := st.BulkLoad(admin, "again.csv", source(pts, 0)); !errors.Is(err, phusong.ErrConflict) {
		t.Fatalf("second bulk load: got %v, want ErrConflict (table not empty)", err)
	}
}
