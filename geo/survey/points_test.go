package survey_test

import (
	"context"
	"fmt"
	"testing"

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
