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
	Province string `json:"province"`
	Points   int    `json:"points"`
	Areas    int    `json:"areas"`
	Sites    int    `json:"sites"`
	// Changes counts the areas by change kind. A merge counts once, as
	// merged (the area that kept the oldest id); the areas merged into it
	// count nothing, and removed counts only areas left without points.
	Changes map[ChangeKind]int `json:"changes"`
	// Mode is ModeFull or ModeIncremental; Regrouped counts the points
	// grouped again (all of Points in a full recomputation).
	Mode       string  `json:"mode"`
	Regrouped  int     `json:"regrouped"`
	DurationMS float64 `json:"duration_ms"`
}

// Job is a recomputation of one province or all, with its progress.
type Job struct {
	ID       int64  `json:"id"`
	Province string `json:"province,omitempty"`
	Status   string `json:"status"` // running | done | failed
	// Full asks RunJob to regroup every accepted point of each province,
	// not only the groups that changes since the last recomputation touch.
	Full       bool             `json:"full,omitempty"`
	Done       int              `json:"done"`
	Total      int              `json:"total"`
	Results    []ProvinceResult `json:"results,omitempty"`
	Error      string           `json:"error,omitempty"`
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt *time.Time       `json:"finished_at,omitempty"`
}

// CheckEps returns a *phusong.InputError (eps_out_of_range) unless eps, the
// linking distance a caller chose, is 1 … MaxEps metres. StartJob checks it;
// the CLI calls it too, to refuse --eps before it opens the database.
func CheckEps(eps float64) error {
	if eps >= 1 && eps <= MaxEps { // false for NaN too
		return nil
	}
	return phusong.Invalid("invalid_parameters", "Tham số tính vùng chưa hợp lệ.", "Invalid grouping parameters.",
		phusong.Problem{Column: "eps", Code: "eps_out_of_range", Value: strconv.FormatFloat(eps, 'f', -1, 64),
			VI: fmt.Sprintf("eps (khoảng cách nối các điểm thành một vùng) phải từ 1 đến %d mét. Hãy ghi một số mét trong khoảng đó, hoặc bỏ eps để dùng mặc định %d m.", MaxEps, DefaultEps),
			EN: fmt.Sprintf("eps (the distance that links points into one area) must be 1 to %d metres. Give a number of metres in that range, or leave eps out for the default of %d m.", MaxEps, DefaultEps)})
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
	// eps is the one parameter a caller chooses (the API's body, the CLI's
	// --eps): it gets a message a reviewer can act on. The rest of cfg comes
	// from DefaultConfig, so any other fault is ours, not the caller's.
	if err := CheckEps(cfg.Eps); err != nil {
		return Job{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Job{}, fmt.Errorf("area: start job: %w", err)
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
		res, err := s.recomputeProvince(ctx, p, cfg, j.ID, j.Full)
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
		if _, err := tx.Exec(ctx, `UPDATE area_jobs SET status = $2, done = $3, result = $4, error = $5, finished_at = now(),
			params = params || jsonb_build_object('full', $6::boolean) WHERE id = $1`,
			j.ID, j.Status, j.Done, result, nullText(j.Error), j.Full); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "areas.recompute", ObjectType: "area_job", ObjectID: strconv.FormatInt(j.ID, 10),
			ProvinceCode: j.Province, After: map[string]any{"status": j.Status, "full": j.Full, "provinces": j.Done, "results": j.Results, "error": j.Error}})
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

// The values Filter accepts; the API refuses others rather than ignore them.
var (
	Statuses   = []string{"active", "merged", "removed", "all"}
	Categories = []string{"trang_song", "lom_song"}
	SortKeys   = []string{"score", "households", "points", "sites", "cost", "id"}
)

// DefaultLimit and MaxLimit bound a page of Areas.
const (
	DefaultLimit = 500
	MaxLimit     = 5000
)

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
	if f.Limit <= 0 || f.Limit > MaxLimit {
		f.Limit = DefaultLimit
	}
	if f.Offset < 0 { // OFFSET -1 is an SQL error; the API refuses it before
		f.Offset = 0
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
