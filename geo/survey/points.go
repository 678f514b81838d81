package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
)

// StoredPoint is a survey point as stored, with its review state.
type StoredPoint struct {
	ID            int64                `json:"id"`
	ProvinceCode  string               `json:"province_code"`
	CommuneCode   string               `json:"commune_code"`
	VillageName   string               `json:"village_name"`
	RefID         string               `json:"ref_id,omitempty"`
	Location      orb.Point            `json:"-"`
	Households    int                  `json:"households"`
	Population    int                  `json:"population,omitempty"`
	GridPower     string               `json:"grid_power"`
	Terrain       string               `json:"terrain,omitempty"`
	DBKK          *bool                `json:"dbkk,omitempty"`
	Signal        [NumOperators]string `json:"-"`
	Facilities    []string             `json:"facilities"`
	SurveyedOn    time.Time            `json:"surveyed_on"`
	Category      string               `json:"category"`
	Status        string               `json:"status"`
	ReviewComment string               `json:"review_comment,omitempty"`
	SubmissionID  int64                `json:"submission_id"`
	UpdatedAt     time.Time            `json:"updated_at"`
}

// PointFilter selects points; zero fields do not filter. Bound, when set,
// keeps points inside it (lon/lat). Points come in id order; AfterID pages.
type PointFilter struct {
	ProvinceCode string
	Status       string
	Category     string
	SubmissionID int64
	Bound        *orb.Bound
	AfterID      int64
	Limit        int
}

// DefaultPointPage is the page Points returns when PointFilter.Limit is
// zero; MaxPointPage is the largest (a larger Limit is capped to it).
const (
	DefaultPointPage = 1000
	MaxPointPage     = 10_000
)

// PointStatuses are the statuses a stored point can have (a rejected
// submission stores none).
var PointStatuses = []string{StatusSubmitted, StatusAccepted, StatusReturned}

// Categories are the kinds of dead zone a point can be.
var Categories = []string{TrangSong, LomSong}

// Points lists the points the actor may see (province officers: their
// province; reviewers, admins: all; operators: none, since survey points
// are unpublished).
func (s *Store) Points(ctx context.Context, f PointFilter) ([]StoredPoint, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := scope(a, "province_code", nil)
	where := []string{cond}
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(c, len(args)))
	}
	if f.ProvinceCode != "" {
		add("province_code = $%d", f.ProvinceCode)
	}
	if f.Status != "" {
		add("status = $%d", f.Status)
	}
	if f.Category != "" {
		add("category = $%d", f.Category)
	}
	if f.SubmissionID > 0 {
		add("submission_id = $%d", f.SubmissionID)
	}
	if f.AfterID > 0 {
		add("id > $%d", f.AfterID)
	}
	if f.Bound != nil {
		args = append(args, f.Bound.Min[0], f.Bound.Min[1], f.Bound.Max[0], f.Bound.Max[1])
		n := len(args)
		where = append(where, fmt.Sprintf("geom && ST_MakeEnvelope($%d, $%d, $%d, $%d, 4326)", n-3, n-2, n-1, n))
	}
	switch {
	case f.Limit <= 0:
		f.Limit = DefaultPointPage
	case f.Limit > MaxPointPage:
		f.Limit = MaxPointPage // capped, never a smaller default: a larger page must not shrink
	}
	args = append(args, f.Limit)
	rows, err := s.pool.Query(ctx, `
		SELECT id, province_code, commune_code, village_name, coalesce(ref_id, ''), ST_X(geom), ST_Y(geom),
		       households, coalesce(population, 0), grid_power, coalesce(terrain, ''), dbkk,
		       coalesce(signal_viettel, ''), coalesce(signal_vinaphone, ''), coalesce(signal_mobifone, ''), coalesce(signal_vietnamobile, ''),
		       facilities, surveyed_on, category, status, review_comment, submission_id, updated_at
		FROM survey_points WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("survey: points: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StoredPoint, error) {
		var p StoredPoint
		err := r.Scan(&p.ID, &p.ProvinceCode, &p.CommuneCode, &p.VillageName, &p.RefID, &p.Location[0], &p.Location[1],
			&p.Households, &p.Population, &p.GridPower, &p.Terrain, &p.DBKK,
			&p.Signal[Viettel], &p.Signal[VinaPhone], &p.Signal[MobiFone], &p.Signal[Vietnamobile],
			&p.Facilities, &p.SurveyedOn, &p.Category, &p.Status, &p.ReviewComment, &p.SubmissionID, &p.UpdatedAt)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("survey: points: %w", err)
	}
	return out, nil
}

// DecidePoints accepts or returns the given points (reviewers only), e.g.
// a selection on the map. Every id must exist; the change is one
// transaction with one audit row per province touched.
func (s *Store) DecidePoints(ctx context.Context, ids []int64, d Decision) (int, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	if !a.National() {
		return 0, phusong.Errorf(phusong.ErrForbidden, "reviewers_only",
			"Chỉ cán bộ thẩm định mới được duyệt hoặc trả lại điểm khảo sát.", "Only reviewers may accept or return survey points.")
	}
	if err := d.validate(); err != nil {
		return 0, err
	}
	if len(ids) == 0 || len(ids) > MaxPointPage {
		return 0, phusong.Invalid("invalid_decision", "Danh sách điểm chưa hợp lệ.", "Invalid list of points.",
			phusong.Problem{Column: "point_ids", Code: "point_ids_count",
				VI: fmt.Sprintf("Chọn từ 1 đến %d điểm.", MaxPointPage), EN: fmt.Sprintf("Select 1 to %d points.", MaxPointPage)})
	}
	var n int
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// old locks the rows and keeps their statuses before the change, for
		// the audit row's before.
		rows, err := tx.Query(ctx, `UPDATE survey_points p SET status = $2, review_comment = $3, updated_at = now()
			FROM (SELECT id, status FROM survey_points WHERE id = ANY($1) FOR UPDATE) old
			WHERE p.id = old.id RETURNING p.id, p.province_code, old.status`, ids, d.Status, d.Comment)
		if err != nil {
			return err
		}
		byProvince := map[string][]int64{}
		previous := map[string]map[string][]int64{} // province → previous status → ids
		for rows.Next() {
			var id int64
			var pc, was string
			if err := rows.Scan(&id, &pc, &was); err != nil {
				return err
			}
			byProvince[pc] = append(byProvince[pc], id)
			if previous[pc] == nil {
				previous[pc] = map[string][]int64{}
			}
			previous[pc][was] = append(previous[pc][was], id)
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != len(uniq(ids)) {
			return phusong.Errorf(phusong.ErrNotFound, "point_not_found",
				"Có điểm trong danh sách không tồn tại.", "Some of the points do not exist.")
		}
		for pc, got := range byProvince {
			if err := audit(ctx, tx, phusong.AuditEntry{Action: "point." + map[string]string{StatusAccepted: "accept", StatusReturned: "return"}[d.Status],
				ObjectType: "survey_point", ObjectID: pointsObjectID(got), ProvinceCode: pc,
				Before: previousStatuses(previous[pc]),
				After:  map[string]any{"status": d.Status, "comment": d.Comment, "count": len(got), "point_ids": got}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		var ke *phusong.KindError
		if errors.As(err, &ke) {
			return 0, err
		}
		return 0, fmt.Errorf("survey: decide points: %w", err)
	}
	return n, nil
}

// previousStatuses summarises the points' statuses before a decision: how
// many had each status and which ids. The ids are bounded like the after's
// point_ids (at most MaxPointPage per decision); only object_id, which is
// indexed, is shortened (pointsObjectID).
func previousStatuses(byStatus map[string][]int64) map[string]any {
	counts := make(map[string]int, len(byStatus))
	for st, ids := range byStatus {
		slices.Sort(ids)
		counts[st] = len(ids)
	}
	return map[string]any{"status_counts": counts, "point_ids_by_status": byStatus}
}

// pointsObjectID names the points of one audit row: their ids when there
// are few, else the first and last and how many. The audit trail's
// object_id is btree-indexed (a row of a few thousand ids would not fit
// the index: a decision on ~400 points failed); every id is in the row's
// "after" summary anyway.
func pointsObjectID(ids []int64) string {
	const listed = 20
	if len(ids) <= listed {
		strs := make([]string, len(ids))
		for i, id := range ids {
			strs[i] = strconv.FormatInt(id, 10)
		}
		return strings.Join(strs, ",")
	}
	return fmt.Sprintf("%d…%d (%d)", slices.Min(ids), slices.Max(ids), len(ids))
}

func uniq(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
