package area

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
)

// Store keeps areas, their versions, points and sites (tables of
// migrations/00007_areas.sql). It reads survey_points (owner: geo/survey)
// in a join, the fast path to the accepted points of a province.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// ProvinceResult is what one province's recomputation did.
type ProvinceResult struct {
	Province   string             `json:"province"`
	Points     int                `json:"points"`
	Areas      int                `json:"areas"`
	Sites      int                `json:"sites"`
	Changes    map[ChangeKind]int `json:"changes"`
	DurationMS float64            `json:"duration_ms"`
}

// Job is a recomputation of one province or all, with its progress.
type Job struct {
	ID         int64            `json:"id"`
	Province   string           `json:"province,omitempty"`
	Status     string           `json:"status"` // running | done | failed
	Done       int              `json:"done"`
	Total      int              `json:"total"`
	Results    []ProvinceResult `json:"results,omitempty"`
	Error      string           `json:"error,omitempty"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt *time.Time       `json:"finished_at,omitempty"`
}

// StartJob records a recomputation of province ("" = every province
// with accepted points) and returns it; RunJob does the work. Only
// reviewers and admins recompute.
func (s *Store) StartJob(ctx context.Context, province string, cfg Config) (Job, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Job{}, err
	}
	if !a.National() {
		return Job{}, phusong.Errorf(phusong.ErrForbidden, "reviewers_only",
			"Chỉ cán bộ thẩm định mới được tính lại vùng lõm sóng.", "Only reviewers may recompute areas.")
	}
	if err := cfg.Validate(); err != nil {
		return Job{}, phusong.Invalid("invalid_parameters", "Tham số tính vùng chưa hợp lệ.", "Invalid grouping parameters.",
			phusong.Problem{Column: "eps", Code: "parameters_invalid", VI: err.Error(), EN: err.Error()})
	}
	provinces, err := s.provincesWithPoints(ctx, province)
	if err != nil {
		return Job{}, err
	}
	params, _ := json.Marshal(map[string]any{"eps": cfg.Eps, "max_diameter_m": cfg.MaxDiameter, "max_sites": cfg.MaxSites})
	j := Job{Province: province, Status: "running", Total: len(provinces)}
	err = s.pool.QueryRow(ctx, `INSERT INTO area_jobs (province_code, params, status, total, requested_by)
		VALUES ($1, $2, 'running', $3, $4) RETURNING id, started_at`, nullText(province), params, len(provinces), a.Username).
		Scan(&j.ID, &j.StartedAt)
	if err != nil {
		return Job{}, fmt.Errorf("area: start job: %w", err)
	}
	return j, nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Store) provincesWithPoints(ctx context.Context, province string) ([]string, error) {
	if province != "" {
		var ok bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provinces WHERE code = $1)`, province).Scan(&ok); err != nil {
			return nil, fmt.Errorf("area: province: %w", err)
		}
		if !ok {
			return nil, phusong.Errorf(phusong.ErrNotFound, "province_not_found",
				"Không có tỉnh mang mã "+province+".", "No province has code "+province+".")
		}
		return []string{province}, nil
	}
	// Provinces with accepted points now, or with areas from before (whose
	// points may all have been withdrawn).
	rows, err := s.pool.Query(ctx, `SELECT province_code FROM survey_points WHERE status = 'accepted'
		UNION SELECT province_code FROM areas WHERE status = 'active' ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("area: provinces: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// RunJob recomputes the job's provinces one by one, each in its own
// transaction, reporting progress after each; the job row ends done or
// failed with its results, and an audit row records the outcome.
func (s *Store) RunJob(ctx context.Context, j Job, cfg Config, progress func(done, total int)) (Job, error) {
	provinces, err := s.provincesWithPoints(ctx, j.Province)
	if err != nil {
		return j, err
	}
	j.Total = len(provinces)
	var runErr error
	for i, p := range provinces {
		res, err := s.recomputeProvince(ctx, p, cfg, j.ID)
		if err != nil {
			runErr = fmt.Errorf("area: recompute province %s: %w", p, err)
			break
		}
		j.Results = append(j.Results, res)
		j.Done = i + 1
		if _, err := s.pool.Exec(ctx, `UPDATE area_jobs SET done = $2 WHERE id = $1`, j.ID, j.Done); err != nil {
			runErr = fmt.Errorf("area: job progress: %w", err)
			break
		}
		if progress != nil {
			progress(j.Done, j.Total)
		}
	}
	j.Status = "done"
	if runErr != nil {
		j.Status, j.Error = "failed", runErr.Error()
	}
	now := time.Now()
	j.FinishedAt = &now
	result, _ := json.Marshal(j.Results)
	err = pgx.BeginFunc(context.WithoutCancel(ctx), s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE area_jobs SET status = $2, done = $3, result = $4, error = $5, finished_at = now() WHERE id = $1`,
			j.ID, j.Status, j.Done, result, nullText(j.Error)); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "areas.recompute", ObjectType: "area_job", ObjectID: strconv.FormatInt(j.ID, 10),
			ProvinceCode: j.Province, After: map[string]any{"status": j.Status, "provinces": j.Done, "results": j.Results, "error": j.Error}})
	})
	if err != nil && runErr == nil {
		runErr = fmt.Errorf("area: finish job: %w", err)
	}
	return j, runErr
}

// JobByID returns a recomputation job.
func (s *Store) JobByID(ctx context.Context, id int64) (Job, error) {
	var j Job
	var province *string
	var result []byte
	var errText *string
	err := s.pool.QueryRow(ctx, `SELECT id, province_code, status, done, total, result, error, started_at, finished_at
		FROM area_jobs WHERE id = $1`, id).Scan(&j.ID, &province, &j.Status, &j.Done, &j.Total, &result, &errText, &j.StartedAt, &j.FinishedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Job{}, phusong.Errorf(phusong.ErrNotFound, "job_not_found", "Không có lượt tính này.", "There is no such job.")
	}
	if err != nil {
		return Job{}, fmt.Errorf("area: job %d: %w", id, err)
	}
	if province != nil {
		j.Province = *province
	}
	if errText != nil {
		j.Error = *errText
	}
	if len(result) > 0 {
		_ = json.Unmarshal(result, &j.Results)
	}
	return j, nil
}

// loadAccepted reads the accepted points of a province, in id order.
func loadAccepted(ctx context.Context, tx pgx.Tx, province string) ([]int64, []survey.Point, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, commune_code, village_name, ST_X(geom), ST_Y(geom), households, coalesce(population, 0), grid_power,
		       coalesce(terrain, ''), CASE dbkk WHEN true THEN 'yes' WHEN false THEN 'no' ELSE '' END,
		       coalesce(signal_viettel, ''), coalesce(signal_vinaphone, ''), coalesce(signal_mobifone, ''), coalesce(signal_vietnamobile, ''),
		       facilities, category
		FROM survey_points WHERE province_code = $1 AND status = 'accepted' ORDER BY id`, province)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var pts []survey.Point
	for rows.Next() {
		var id int64
		p := survey.Point{ProvinceCode: province}
		if err := rows.Scan(&id, &p.CommuneCode, &p.VillageName, &p.Location[0], &p.Location[1], &p.Households, &p.Population,
			&p.GridPower, &p.Terrain, &p.DBKK, &p.Signal[survey.Viettel], &p.Signal[survey.VinaPhone], &p.Signal[survey.MobiFone],
			&p.Signal[survey.Vietnamobile], &p.Facilities, &p.Category); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		pts = append(pts, p)
	}
	return ids, pts, rows.Err()
}

type storedArea struct {
	households int
	cost       int64
	score      float64
	sites      int
	version    int
}

// recomputeProvince regroups one province in one transaction: build the
// areas, give them stable ids against the stored ones, and write a new
// version for every area that changed.
func (s *Store) recomputeProvince(ctx context.Context, province string, cfg Config, jobID int64) (ProvinceResult, error) {
	start := time.Now()
	res := ProvinceResult{Province: province, Changes: map[ChangeKind]int{}}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One recomputation of a province at a time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('areas:' || $1))`, province); err != nil {
			return err
		}
		ids, pts, err := loadAccepted(ctx, tx, province)
		if err != nil {
			return fmt.Errorf("load points: %w", err)
		}
		var areas []Area
		if len(pts) > 0 {
			if _, areas, err = Build(ctx, pts, cfg); err != nil {
				return fmt.Errorf("build: %w", err)
			}
		}
		prev, stored, err := previous(ctx, tx, province)
		if err != nil {
			return err
		}
		next := make([][]int64, len(areas))
		for i, a := range areas {
			next[i] = make([]int64, len(a.Points))
			for k, idx := range a.Points {
				next[i][k] = ids[idx]
			}
		}
		areaIDs, changes, err := Assign(prev, next, func() (int64, error) {
			var id int64
			err := tx.QueryRow(ctx, `SELECT nextval('areas_id_seq')`).Scan(&id)
			return id, err
		})
		if err != nil {
			return fmt.Errorf("assign ids: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM area_sites WHERE province_code = $1`, province); err != nil {
			return err
		}
		var pointIDs, pointAreas []int64
		for _, c := range changes {
			if c.Kind == Removed {
				if err := removeArea(ctx, tx, c, jobID); err != nil {
					return err
				}
				res.Changes[c.Kind]++
				continue
			}
			a := areas[c.Index]
			old, had := stored[c.ID]
			kind := c.Kind
			if kind == Kept && had && old.households == a.Households && old.cost == a.Cost.Total && old.sites == len(a.Sites) && old.score == a.Score.Value {
				// Same points, same figures: no new version.
			} else {
				if kind == Kept {
					kind = Changed
					c.Reason = phusong.Message{VI: "Tính lại với tham số hoặc dữ liệu mới; các điểm không đổi.",
						EN: "Recomputed with new parameters or data; same points."}
				}
				if err := writeArea(ctx, tx, province, c.ID, old.version+1, kind, c.Reason, a, next[c.Index], jobID); err != nil {
					return err
				}
			}
			res.Changes[kind]++
			if err := writeSites(ctx, tx, province, c.ID, a, pts); err != nil {
				return err
			}
			for _, pid := range next[c.Index] {
				pointIDs = append(pointIDs, pid)
				pointAreas = append(pointAreas, c.ID)
			}
			res.Sites += len(a.Sites)
		}
		_ = areaIDs
		if err := writeMembership(ctx, tx, province, prev, pointIDs, pointAreas); err != nil {
			return err
		}
		res.Points, res.Areas = len(pts), len(areas)
		return audit(ctx, tx, phusong.AuditEntry{Action: "areas.recompute_province", ObjectType: "province", ObjectID: province,
			ProvinceCode: province, After: map[string]any{"job": jobID, "points": res.Points, "areas": res.Areas, "changes": res.Changes}})
	})
	res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	return res, err
}

// writeMembership brings area_points to the new membership, touching only
// the points whose area changed: after an accept, a recomputation of a
// province of 90,000 points rewrites a handful of rows, not all of them.
func writeMembership(ctx context.Context, tx pgx.Tx, province string, prev []Previous, pointIDs, pointAreas []int64) error {
	old := make(map[int64]int64)
	for _, p := range prev {
		for _, id := range p.Points {
			old[id] = p.ID
		}
	}
	var upIDs, upAreas []int64
	for i, id := range pointIDs {
		if a, ok := old[id]; !ok || a != pointAreas[i] {
			upIDs = append(upIDs, id)
			upAreas = append(upAreas, pointAreas[i])
		}
		delete(old, id)
	}
	gone := make([]int64, 0, len(old))
	for id := range old {
		gone = append(gone, id)
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM area_points WHERE point_id = ANY($1)`, gone); err != nil {
			return fmt.Errorf("area points: %w", err)
		}
	}
	if len(upIDs) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO area_points (point_id, area_id, province_code)
			SELECT p, a, $3 FROM unnest($1::bigint[], $2::bigint[]) AS t(p, a)
			ON CONFLICT (point_id) DO UPDATE SET area_id = EXCLUDED.area_id`, upIDs, upAreas, province); err != nil {
			return fmt.Errorf("area points: %w", err)
		}
	}
	return nil
}

// previous reads the stored active areas of a province: members for Assign,
// figures to tell a real change from a no-op.
func previous(ctx context.Context, tx pgx.Tx, province string) ([]Previous, map[int64]storedArea, error) {
	rows, err := tx.Query(ctx, `
		SELECT a.id, a.version, a.households, a.cost_vnd, a.score, a.sites,
		       coalesce((SELECT array_agg(point_id ORDER BY point_id) FROM area_points ap WHERE ap.area_id = a.id), '{}')
		FROM areas a WHERE a.province_code = $1 AND a.status = 'active' ORDER BY a.id`, province)
	if err != nil {
		return nil, nil, fmt.Errorf("previous areas: %w", err)
	}
	defer rows.Close()
	var prev []Previous
	stored := map[int64]storedArea{}
	for rows.Next() {
		var p Previous
		var st storedArea
		if err := rows.Scan(&p.ID, &st.version, &st.households, &st.cost, &st.score, &st.sites, &p.Points); err != nil {
			return nil, nil, err
		}
		prev = append(prev, p)
		stored[p.ID] = st
	}
	return prev, stored, rows.Err()
}

func summaryOf(a Area) map[string]any {
	return map[string]any{
		"communes": a.Communes, "grid_power": a.GridPower, "terrain": a.Terrain, "facilities": a.Facilities.Present(),
		"facility_counts": a.Facilities, "dbkk": a.DBKK, "public_facilities": a.PublicFacilities,
		"diameter_m": a.Diameter, "margin_m": a.Margin, "cost": a.Cost, "score": a.Score,
	}
}

func writeArea(ctx context.Context, tx pgx.Tx, province string, id int64, version int, kind ChangeKind, reason phusong.Message,
	a Area, pointIDs []int64, jobID int64) error {
	geom, err := wkb.Marshal(a.Polygon)
	if err != nil {
		return fmt.Errorf("area %d polygon: %w", id, err)
	}
	summary, _ := json.Marshal(summaryOf(a))
	sites, _ := json.Marshal(a.Sites)
	if _, err := tx.Exec(ctx, `
		INSERT INTO areas (id, province_code, version, status, geom, points, villages, households, population,
		                   trang_song, lom_song, sites, cost_vnd, score, summary)
		VALUES ($1, $2, $3, 'active', ST_Multi(ST_GeomFromWKB($4, 4326)), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = 'active', merged_into = NULL, geom = EXCLUDED.geom,
		    points = EXCLUDED.points, villages = EXCLUDED.villages, households = EXCLUDED.households,
		    population = EXCLUDED.population, trang_song = EXCLUDED.trang_song, lom_song = EXCLUDED.lom_song,
		    sites = EXCLUDED.sites, cost_vnd = EXCLUDED.cost_vnd, score = EXCLUDED.score, summary = EXCLUDED.summary,
		    updated_at = now()`,
		id, province, version, geom, len(a.Points), a.Villages, a.Households, a.Population, a.TrangSong, a.LomSong,
		len(a.Sites), a.Cost.Total, a.Score.Value, summary); err != nil {
		return fmt.Errorf("area %d: %w", id, err)
	}
	reasonText, _ := json.Marshal(reason)
	if _, err := tx.Exec(ctx, `
		INSERT INTO area_versions (area_id, version, province_code, change, reason, geom, point_ids, sites, summary,
		                           households, cost_vnd, score, job_id)
		VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_GeomFromWKB($6, 4326)), $7, $8, $9, $10, $11, $12, $13)`,
		id, version, province, string(kind), string(reasonText), geom, pointIDs, sites, summary, a.Households, a.Cost.Total, a.Score.Value, jobID); err != nil {
		return fmt.Errorf("area %d version %d: %w", id, version, err)
	}
	return nil
}

func removeArea(ctx context.Context, tx pgx.Tx, c Change, jobID int64) error {
	status := "removed"
	var into any
	if c.MergedInto != 0 {
		status, into = "merged", c.MergedInto
	}
	reason, _ := json.Marshal(c.Reason)
	if _, err := tx.Exec(ctx, `
		WITH a AS (UPDATE areas SET status = $2, merged_into = $3, version = version + 1, updated_at = now()
		           WHERE id = $1 RETURNING id, version, province_code, geom, summary, households, cost_vnd, score)
		INSERT INTO area_versions (area_id, version, province_code, change, reason, geom, point_ids, sites, summary,
		                           households, cost_vnd, score, job_id)
		SELECT id, version, province_code, $4, $5, geom, '{}', '[]', summary, households, cost_vnd, score, $6 FROM a`,
		c.ID, status, into, string(Removed), string(reason), jobID); err != nil {
		return fmt.Errorf("remove area %d: %w", c.ID, err)
	}
	return nil
}

func writeSites(ctx context.Context, tx pgx.Tx, province string, id int64, a Area, pts []survey.Point) error {
	if len(a.Sites) == 0 {
		return nil
	}
	n := len(a.Sites)
	nums, lons, lats, hh, cnt, costs := make([]int32, n), make([]float64, n), make([]float64, n), make([]int32, n), make([]int32, n), make([]int64, n)
	terr := make([]string, n)
	for i, st := range a.Sites {
		nums[i], lons[i], lats[i] = int32(i+1), st.Location[0], st.Location[1]
		hh[i], cnt[i], terr[i], costs[i] = int32(st.Households), int32(len(st.Points)), st.Terrain, st.Cost.Total
	}
	_, err := tx.Exec(ctx, `INSERT INTO area_sites (area_id, n, province_code, geom, households, points, terrain, cost_vnd)
		SELECT $1, n, $2, ST_SetSRID(ST_MakePoint(x, y), 4326), h, c, t, k
		FROM unnest($3::int[], $4::float8[], $5::float8[], $6::int[], $7::int[], $8::text[], $9::bigint[]) AS u(n, x, y, h, c, t, k)`,
		id, province, nums, lons, lats, hh, cnt, terr, costs)
	if err != nil {
		return fmt.Errorf("area %d sites: %w", id, err)
	}
	return nil
}

func audit(ctx context.Context, tx pgx.Tx, e phusong.AuditEntry) error {
	if _, err := tx.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Stored is an area as listed.
type Stored struct {
	ID         int64           `json:"id"`
	Province   string          `json:"province_code"`
	Version    int             `json:"version"`
	Status     string          `json:"status"`
	MergedInto *int64          `json:"merged_into,omitempty"`
	Points     int             `json:"points"`
	Villages   int             `json:"villages"`
	Households int             `json:"households"`
	Population int             `json:"population"`
	TrangSong  int             `json:"trang_song"`
	LomSong    int             `json:"lom_song"`
	Sites      int             `json:"sites"`
	CostVND    int64           `json:"cost_vnd"`
	Score      float64         `json:"score"`
	Summary    json.RawMessage `json:"summary"`
	Polygon    orb.Geometry    `json:"-"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Filter selects areas. Sort is one of score, households, points, sites,
// cost (descending) or id (ascending).
type Filter struct {
	Province string
	Status   string // default active
	Category string // trang_song: areas with trắng sóng points; lom_song: only lõm sóng
	MinScore float64
	Sort     string
	Limit    int
	Offset   int
	Geometry bool // also read the polygons
}

var sorts = map[string]string{
	"score": "score DESC, id", "households": "households DESC, id", "points": "points DESC, id",
	"sites": "sites DESC, id", "cost": "cost_vnd DESC, id", "id": "id",
}

// Areas lists the areas the actor may see: province officers their
// province's; reviewers and admins all; operators none (until published).
func (s *Store) Areas(ctx context.Context, f Filter) ([]Stored, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(c, len(args)))
	}
	switch {
	case a.National():
	case a.Role == phusong.RoleProvince:
		add("province_code = $%d", a.ProvinceCode)
	default:
		return nil, nil
	}
	if f.Province != "" {
		add("province_code = $%d", f.Province)
	}
	if f.Status == "" {
		f.Status = "active"
	}
	if f.Status != "all" {
		add("status = $%d", f.Status)
	}
	switch f.Category {
	case "trang_song":
		where = append(where, "trang_song > 0")
	case "lom_song":
		where = append(where, "trang_song = 0")
	}
	if f.MinScore > 0 {
		add("score >= $%d", f.MinScore)
	}
	order, ok := sorts[f.Sort]
	if !ok {
		order = sorts["score"]
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 500
	}
	geomCol := "NULL::bytea"
	if f.Geometry {
		geomCol = "ST_AsBinary(ST_ForcePolygonCCW(geom))"
	}
	q := `SELECT id, province_code, version, status, merged_into, points, villages, households, population, trang_song, lom_song,
	             sites, cost_vnd, score, summary, updated_at, ` + geomCol + ` FROM areas`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit, f.Offset)
	q += fmt.Sprintf(" ORDER BY %s LIMIT $%d OFFSET $%d", order, len(args)-1, len(args))
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("area: list: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Stored, error) {
		var st Stored
		var g []byte
		err := r.Scan(&st.ID, &st.Province, &st.Version, &st.Status, &st.MergedInto, &st.Points, &st.Villages, &st.Households,
			&st.Population, &st.TrangSong, &st.LomSong, &st.Sites, &st.CostVND, &st.Score, &st.Summary, &st.UpdatedAt, &g)
		if err == nil && g != nil {
			st.Polygon, err = wkb.Unmarshal(g)
		}
		return st, err
	})
}

// Version is one stored version of an area.
type Version struct {
	Version    int             `json:"version"`
	Change     string          `json:"change"`
	Reason     json.RawMessage `json:"reason"`
	Points     int             `json:"points"`
	Households int             `json:"households"`
	CostVND    int64           `json:"cost_vnd"`
	Score      float64         `json:"score"`
	JobID      *int64          `json:"job_id,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

// SiteRow is a proposed site as stored.
type SiteRow struct {
	N          int       `json:"n"`
	Location   orb.Point `json:"location"`
	Households int       `json:"households"`
	Points     int       `json:"points"`
	Terrain    string    `json:"terrain"`
	CostVND    int64     `json:"cost_vnd"`
}

// Detail is one area with its points, sites and history.
type Detail struct {
	Stored
	PointIDs []int64   `json:"point_ids"`
	SiteList []SiteRow `json:"site_list"`
	History  []Version `json:"history"`
}

// Area returns one area the actor may see. ErrNotFound otherwise.
func (s *Store) Area(ctx context.Context, id int64) (Detail, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Detail{}, err
	}
	notFound := phusong.Errorf(phusong.ErrNotFound, "area_not_found",
		fmt.Sprintf("Không có vùng số %d (hoặc bạn không được xem).", id), fmt.Sprintf("There is no area %d (or you may not see it).", id))
	if !a.National() && a.Role != phusong.RoleProvince {
		return Detail{}, notFound
	}
	var d Detail
	var g []byte
	err = s.pool.QueryRow(ctx, `SELECT id, province_code, version, status, merged_into, points, villages, households, population,
		trang_song, lom_song, sites, cost_vnd, score, summary, updated_at, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM areas WHERE id = $1`, id).
		Scan(&d.ID, &d.Province, &d.Version, &d.Status, &d.MergedInto, &d.Points, &d.Villages, &d.Households, &d.Population,
			&d.TrangSong, &d.LomSong, &d.Sites, &d.CostVND, &d.Score, &d.Summary, &d.UpdatedAt, &g)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !a.CanSeeProvince(d.Province)) {
		return Detail{}, notFound
	}
	if err != nil {
		return Detail{}, fmt.Errorf("area %d: %w", id, err)
	}
	if d.Polygon, err = wkb.Unmarshal(g); err != nil {
		return Detail{}, fmt.Errorf("area %d polygon: %w", id, err)
	}
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(array_agg(point_id ORDER BY point_id), '{}') FROM area_points WHERE area_id = $1`, id).Scan(&d.PointIDs); err != nil {
		return Detail{}, fmt.Errorf("area %d points: %w", id, err)
	}
	rows, err := s.pool.Query(ctx, `SELECT n, ST_X(geom), ST_Y(geom), households, points, terrain, cost_vnd FROM area_sites WHERE area_id = $1 ORDER BY n`, id)
	if err != nil {
		return Detail{}, fmt.Errorf("area %d sites: %w", id, err)
	}
	if d.SiteList, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (SiteRow, error) {
		var s SiteRow
		err := r.Scan(&s.N, &s.Location[0], &s.Location[1], &s.Households, &s.Points, &s.Terrain, &s.CostVND)
		return s, err
	}); err != nil {
		return Detail{}, fmt.Errorf("area %d sites: %w", id, err)
	}
	rows, err = s.pool.Query(ctx, `SELECT version, change, reason, cardinality(point_ids), households, cost_vnd, score, job_id, created_at
		FROM area_versions WHERE area_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return Detail{}, fmt.Errorf("area %d history: %w", id, err)
	}
	if d.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Version, error) {
		var v Version
		var reason string
		err := r.Scan(&v.Version, &v.Change, &reason, &v.Points, &v.Households, &v.CostVND, &v.Score, &v.JobID, &v.CreatedAt)
		v.Reason = json.RawMessage(reason)
		return v, err
	}); err != nil {
		return Detail{}, fmt.Errorf("area %d history: %w", id, err)
	}
	return d, nil
}
