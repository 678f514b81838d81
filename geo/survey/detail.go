package survey

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong"
)

// OperatorSignal is what one operator gives at a point.
type OperatorSignal struct {
	Operator string `json:"operator"` // viettel | vinaphone | mobifone | vietnamobile
	Signal   string `json:"signal"`   // none | 2g | 3g | 4g | 5g | "" (not surveyed)
	RSRP     *int   `json:"rsrp_dbm,omitempty"`
}

// Event is one line of a point's history, from the audit trail.
type Event struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	Action  string    `json:"action"` // submission.create | submission.accept | submission.return | point.accept | point.return
	Status  string    `json:"status,omitempty"`
	Comment string    `json:"comment,omitempty"`
}

// PointDetail is everything the review map shows about one point.
type PointDetail struct {
	StoredPoint
	Lon        float64          `json:"lon"` // WGS 84
	Lat        float64          `json:"lat"`
	RoadAccess string           `json:"road_access,omitempty"`
	SurveyedBy string           `json:"surveyed_by,omitempty"`
	Notes      string           `json:"notes,omitempty"`
	SourceCRS  string           `json:"source_crs"`
	Signals    []OperatorSignal `json:"signals"`
	Submission Submission       `json:"submission"`
	History    []Event          `json:"history"`
}

var operatorNames = [NumOperators]string{"viettel", "vinaphone", "mobifone", "vietnamobile"}

// Point returns one point with its signal per operator, its submission
// and its history (oldest first). ErrNotFound when it does not exist or
// the actor may not see it: province officers see their province's points,
// reviewers and admins all, operators none (survey points are unpublished).
func (s *Store) Point(ctx context.Context, id int64) (PointDetail, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return PointDetail{}, err
	}
	cond, args := scope(a, "province_code", []any{id})
	var d PointDetail
	p := &d.StoredPoint
	var rsrp [NumOperators]*int
	err = s.pool.QueryRow(ctx, `
		SELECT id, province_code, commune_code, village_name, coalesce(ref_id, ''), ST_X(geom), ST_Y(geom),
		       households, coalesce(population, 0), grid_power, coalesce(road_access, ''), coalesce(terrain, ''), dbkk,
		       coalesce(signal_viettel, ''), coalesce(signal_vinaphone, ''), coalesce(signal_mobifone, ''), coalesce(signal_vietnamobile, ''),
		       rsrp_viettel, rsrp_vinaphone, rsrp_mobifone, rsrp_vietnamobile,
		       facilities, surveyed_on, surveyed_by, notes, source_crs, category, status, review_comment, submission_id, updated_at
		FROM survey_points WHERE id = $1 AND `+cond, args...).Scan(
		&p.ID, &p.ProvinceCode, &p.CommuneCode, &p.VillageName, &p.RefID, &p.Location[0], &p.Location[1],
		&p.Households, &p.Population, &p.GridPower, &d.RoadAccess, &p.Terrain, &p.DBKK,
		&p.Signal[Viettel], &p.Signal[VinaPhone], &p.Signal[MobiFone], &p.Signal[Vietnamobile],
		&rsrp[Viettel], &rsrp[VinaPhone], &rsrp[MobiFone], &rsrp[Vietnamobile],
		&p.Facilities, &p.SurveyedOn, &d.SurveyedBy, &d.Notes, &d.SourceCRS, &p.Category, &p.Status, &p.ReviewComment, &p.SubmissionID, &p.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return PointDetail{}, phusong.Errorf(phusong.ErrNotFound, "point_not_found",
			fmt.Sprintf("Không có điểm khảo sát số %d (hoặc bạn không được xem).", id),
			fmt.Sprintf("There is no survey point %d (or you may not see it).", id))
	}
	if err != nil {
		return PointDetail{}, fmt.Errorf("survey: point %d: %w", id, err)
	}
	d.Lon, d.Lat = p.Location[0], p.Location[1]
	for i := range NumOperators {
		d.Signals = append(d.Signals, OperatorSignal{Operator: operatorNames[i], Signal: p.Signal[i], RSRP: rsrp[i]})
	}
	if d.Submission, err = scanSubmission(s.pool.QueryRow(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, p.SubmissionID)); err != nil {
		return PointDetail{}, fmt.Errorf("survey: point %d submission: %w", id, err)
	}
	// audit_log is written through audit_write() by every package and read
	// by api/auth; here only the rows about this point and its submission.
	// Point decisions name their points as a comma-separated object_id.
	rows, err := s.pool.Query(ctx, `
		SELECT at, actor_name, actor_role, action, coalesce(after->>'status', ''), coalesce(after->>'comment', '')
		FROM audit_log
		WHERE (object_type = 'submission' AND object_id = $1)
		   OR (object_type = 'survey_point' AND province_code = $3 AND $2 = ANY (string_to_array(object_id, ',')))
		ORDER BY at, id`, strconv.FormatInt(p.SubmissionID, 10), strconv.FormatInt(id, 10), p.ProvinceCode)
	if err != nil {
		return PointDetail{}, fmt.Errorf("survey: point %d history: %w", id, err)
	}
	d.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		err := r.Scan(&e.At, &e.Actor, &e.Role, &e.Action, &e.Status, &e.Comment)
		return e, err
	})
	if err != nil {
		return PointDetail{}, fmt.Errorf("survey: point %d history: %w", id, err)
	}
	if d.History == nil {
		d.History = []Event{}
	}
	return d, nil
}
