package survey_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// TestDecideManyPoints: a reviewer accepts 2,000 points in one decision
// (a selection dragged over a dense commune). It used to fail at about 400:
// the audit row named every id in its btree-indexed object_id.
func TestDecideManyPoints(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	admin := phusong.WithActor(context.Background(), phusong.Actor{Username: "admin", Role: phusong.RoleAdmin})
	st := survey.NewStore(pool)
	var pts []survey.Point
	for i := range 2000 {
		pts = append(pts, bulkPoint("12", "03430", fmt.Sprintf("LC-%d", i), 103.5+float64(i%50)*0.002, 22.2+float64(i/50)*0.002))
	}
	sub, err := st.Submit(admin, survey.NewSubmission{ProvinceCode: "12", Filename: "many.csv"}, source(pts, 0))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	rows, err := pool.Query(context.Background(), `SELECT id FROM survey_points WHERE submission_id = $1`, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	n, err := st.DecidePoints(admin, ids, survey.Decision{Status: survey.StatusAccepted})
	if err != nil || n != len(ids) {
		t.Fatalf("deciding %d points: %d, %v", len(ids), n, err)
	}
	var objectID string
	var listed int
	if err := pool.QueryRow(context.Background(), `SELECT object_id, jsonb_array_length(after->'point_ids') FROM audit_log WHERE action = 'point.accept'`).
		Scan(&objectID, &listed); err != nil || listed != len(ids) || len(objectID) > 100 {
		t.Fatalf("audit row: %q, %d ids listed, %v", objectID, listed, err)
	}
}

// TestDecidePointsAuditBefore: a point decision's audit row records the
// points' statuses before it (counts and ids per previous status), so a
// village's previous status is not lost.
func TestDecidePointsAuditBefore(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	admin := phusong.WithActor(context.Background(), phusong.Actor{Username: "admin", Role: phusong.RoleAdmin})
	st := survey.NewStore(pool)
	var pts []survey.Point
	for i := range 3 {
		pts = append(pts, bulkPoint("12", "03430", fmt.Sprintf("LC-%d", i), 103.5+float64(i)*0.01, 22.2))
	}
	sub, err := st.Submit(admin, survey.NewSubmission{ProvinceCode: "12", Filename: "three.csv"}, source(pts, 0))
	if err != nil {
		t.Fatal(err)
	}
	p := pointIDsOf(t, pool, sub.ID)
	if len(p) != 3 {
		t.Fatalf("%d points stored, want 3", len(p))
	}
	accept := survey.Decision{Status: survey.StatusAccepted}
	ret := survey.Decision{Status: survey.StatusReturned, Comment: "Thiếu ảnh hiện trường."}
	steps := []struct {
		name string
		ids  []int64
		d    survey.Decision
		want string // the audit row's before
	}{
		{"accept one", p[:1], accept,
			fmt.Sprintf(`{"status_counts": {"submitted": 1}, "point_ids_by_status": {"submitted": [%d]}}`, p[0])},
		{"return two", p[:2], ret,
			fmt.Sprintf(`{"status_counts": {"accepted": 1, "submitted": 1}, "point_ids_by_status": {"accepted": [%d], "submitted": [%d]}}`, p[0], p[1])},
		{"accept all", p, accept,
			fmt.Sprintf(`{"status_counts": {"returned": 2, "submitted": 1}, "point_ids_by_status": {"returned": [%d, %d], "submitted": [%d]}}`, p[0], p[1], p[2])},
	}
	for _, s := range steps {
		if _, err := st.DecidePoints(admin, s.ids, s.d); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		var same bool
		var got string
		if err := pool.QueryRow(context.Background(), `SELECT coalesce(before = $1::jsonb, false), coalesce(before::text, 'null')
			FROM audit_log WHERE action LIKE 'point.%' ORDER BY id DESC LIMIT 1`, s.want).Scan(&same, &got); err != nil {
			t.Fatal(err)
		}
		if !same {
			t.Errorf("%s: audit before = %s, want %s", s.name, got, s.want)
		}
	}
}

// TestUpdatesStoredPointStatusInWords: the updates_stored_point warning
// names the stored point's status in Vietnamese words in its Vietnamese
// text (and keeps the English word in English).
func TestUpdatesStoredPointStatusInWords(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	admin := phusong.WithActor(context.Background(), phusong.Actor{Username: "admin", Role: phusong.RoleAdmin})
	st := survey.NewStore(pool)
	tests := []struct {
		status string
		d      *survey.Decision // nil: left submitted
		vi     string
	}{
		{survey.StatusSubmitted, nil, "trạng thái chờ thẩm định)"},
		{survey.StatusAccepted, &survey.Decision{Status: survey.StatusAccepted}, "trạng thái đã chấp nhận)"},
		{survey.StatusReturned, &survey.Decision{Status: survey.StatusReturned, Comment: "Sai toạ độ."}, "trạng thái bị trả lại)"},
	}
	var pts []survey.Point
	for i := range tests {
		pts = append(pts, bulkPoint("12", "03430", fmt.Sprintf("S-%d", i), 103.5+float64(i)*0.01, 22.2))
	}
	first, err := st.Submit(admin, survey.NewSubmission{ProvinceCode: "12", Filename: "first.csv"}, source(pts, 0))
	if err != nil {
		t.Fatal(err)
	}
	ids := pointIDsOf(t, pool, first.ID)
	if len(ids) != len(tests) {
		t.Fatalf("%d points stored, want %d", len(ids), len(tests))
	}
	for i, tc := range tests {
		if tc.d != nil {
			if _, err := st.DecidePoints(admin, ids[i:i+1], *tc.d); err != nil {
				t.Fatal(err)
			}
		}
	}
	again, err := st.Submit(admin, survey.NewSubmission{ProvinceCode: "12", Filename: "again.csv"}, source(pts, 0))
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]phusong.Problem{}
	for _, p := range again.Problems {
		if p.Code == "updates_stored_point" {
			byRef[p.Value] = p
		}
	}
	for i, tc := range tests {
		p := byRef[fmt.Sprintf("S-%d", i)]
		if !strings.Contains(p.VI, tc.vi) || !strings.Contains(p.EN, ", "+tc.status+")") {
			t.Errorf("%s: warning %q / %q, want %q and the English %q", tc.status, p.VI, p.EN, tc.vi, tc.status)
		}
	}
}

// pointIDsOf returns the ids of the points a submission owns, in order.
func pointIDsOf(t *testing.T, pool *pgxpool.Pool, submission int64) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT id FROM survey_points WHERE submission_id = $1 ORDER BY id`, submission)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
