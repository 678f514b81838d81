package bids

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/phusong/phusong"
)

// Store reads and writes packages, their versions, files and downloads:
// the one place of the bids domain's SQL.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, now: time.Now} }

// Package statuses.
const (
	StatusDraft     = "draft"     // never published
	StatusPublished = "published" // at least one version published; operators see it
	StatusWithdrawn = "withdrawn" // withdrawn with a reason; its versions stay listed
)

// Criterion is one evaluation criterion and its weight in percent.
type Criterion struct {
	NameVI string  `json:"name_vi"`
	NameEN string  `json:"name_en"`
	Weight float64 `json:"weight"`
}

// DefaultCriteria are the evaluation criteria a new draft starts with.
func DefaultCriteria() []Criterion {
	return []Criterion{
		{NameVI: "Giá dự thầu", NameEN: "Bid price", Weight: 60},
		{NameVI: "Giải pháp kỹ thuật và tiến độ phủ sóng", NameEN: "Technical solution and coverage schedule", Weight: 30},
		{NameVI: "Năng lực và kinh nghiệm", NameEN: "Capacity and experience", Weight: 10},
	}
}

// Summary is a package as listed.
type Summary struct {
	ID               int64      `json:"id"`
	Province         string     `json:"province_code"`
	ProvinceName     string     `json:"province_name"`
	Name             string     `json:"name"`
	Status           string     `json:"status"`
	PublishedVersion *int       `json:"published_version"`
	Changed          bool       `json:"changed"` // the working copy differs from the latest version
	Deadline         *time.Time `json:"deadline"`
	CeilingVND       *int64     `json:"ceiling_vnd"`
	WithdrawnReason  string     `json:"withdrawn_reason,omitempty"`
	Totals           Totals     `json:"totals"`
	CreatedBy        string     `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// Detail is a package's working copy (reviewers, province officers) or one
// of its published versions (everyone who may see it).
type Detail struct {
	Summary
	Version            int         `json:"version,omitempty"` // set when this is a published version
	ChangeNote         string      `json:"change_note,omitempty"`
	ProposedCeilingVND int64       `json:"proposed_ceiling_vnd"` // sum of the areas' cost estimates
	Technology         string      `json:"technology"`
	MinRSRPdBm         float64     `json:"min_rsrp_dbm"`
	CoverageDeadline   *time.Time  `json:"coverage_deadline"`
	Requirements       string      `json:"requirements"`
	Criteria           []Criterion `json:"criteria"`
	Areas              []Area      `json:"areas"`
	Versions           []Version   `json:"versions"`
}

// Area is an area of a package, pinned to a version of it.
type Area struct {
	ID         int64   `json:"id"`
	Version    int     `json:"version"`         // the pinned version
	Current    int     `json:"current_version"` // the area's version now
	Status     string  `json:"status"`          // the area's status now
	Stale      bool    `json:"stale"`           // the area changed since it was pinned
	Points     int     `json:"points"`
	Households int     `json:"households"`
	Sites      int     `json:"sites"`
	CostVND    int64   `json:"cost_vnd"`
	Score      float64 `json:"score"`
	SiteList   []Site  `json:"site_list,omitempty"`
	// PublishedElsewhere is set while the latest version of another
	// package that is still published holds the area: this package cannot
	// be published until that one is republished without it or withdrawn.
	PublishedElsewhere *PublishedRef `json:"published_elsewhere,omitempty"`
}

// PublishedRef names a published version of a package.
type PublishedRef struct {
	PackageID int64 `json:"package_id"`
	Version   int   `json:"version"`
}

// Site is a proposed site of a package's area.
type Site struct {
	N          int        `json:"n"`
	Location   [2]float64 `json:"location"` // lon, lat
	Households int        `json:"households"`
	Points     int        `json:"points"`
	Terrain    string     `json:"terrain"`
	CostVND    int64      `json:"cost_vnd"`
}

// Version is one published version and its files.
type Version struct {
	Version        int        `json:"version"`
	ChangeNote     string     `json:"change_note"`
	PublishedBy    string     `json:"published_by"`
	PublishedAt    time.Time  `json:"published_at"`
	ZIPName        string     `json:"zip_name"`
	ZIPSHA256      string     `json:"zip_sha256"`
	ManifestSHA256 string     `json:"manifest_sha256"`
	Files          []FileInfo `json:"files"`
}

// FileInfo describes a stored file of a published version.
type FileInfo struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

func notFound(id int64) error {
	return phusong.Errorf(phusong.ErrNotFound, "package_not_found",
		fmt.Sprintf("Không có gói thầu số %d (hoặc bạn không được xem).", id),
		fmt.Sprintf("There is no package %d (or you may not see it).", id))
}

func reviewersOnly() error {
	return phusong.Errorf(phusong.ErrForbidden, "reviewers_only",
		"Chỉ cán bộ thẩm định mới được lập, sửa, công bố hoặc thu hồi gói thầu.",
		"Only reviewers may build, edit, publish or withdraw packages.")
}

func reviewer(ctx context.Context) (phusong.Actor, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return a, err
	}
	if !a.National() {
		return a, reviewersOnly()
	}
	return a, nil
}

// visible returns the SQL condition (on table alias p) and its argument
// limiting packages to those the actor may see: reviewers all; province
// officers their province's; operators the published ones (withdrawn ones
// stay listed, with the reason).
func visible(a phusong.Actor, args []any) (string, []any) {
	switch {
	case a.National():
		return "true", args
	case a.Role == phusong.RoleProvince:
		args = append(args, a.ProvinceCode)
		return fmt.Sprintf("p.province_code = $%d", len(args)), args
	case a.Role == phusong.RoleOperator:
		return "p.published_version IS NOT NULL", args
	}
	return "false", args
}

// Candidates returns the active areas of a province (all when empty) as
// packaging sees them, with the package each is in.
func (s *Store) Candidates(ctx context.Context, province string) ([]Candidate, error) {
	return candidates(ctx, s.pool, province)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func candidates(ctx context.Context, q querier, province string) ([]Candidate, error) {
	rows, err := q.Query(ctx, `
		SELECT a.id, a.version, a.province_code, ST_X(c.g), ST_Y(c.g), a.points, a.households, a.sites, a.cost_vnd, a.score,
		       coalesce((a.summary->>'dbkk')::int, 0),
		       coalesce((a.summary->'grid_power'->>'yes')::int, 0) + coalesce((a.summary->'grid_power'->>'partial')::int, 0),
		       coalesce(pa.package_id, 0)
		FROM areas a
		LEFT JOIN package_areas pa ON pa.area_id = a.id
		CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS g) c
		WHERE a.status = 'active' AND ($1 = '' OR a.province_code = $1)
		ORDER BY a.id`, province)
	if err != nil {
		return nil, fmt.Errorf("bids: candidates: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		err := r.Scan(&c.ID, &c.Version, &c.Province, &c.Centroid[0], &c.Centroid[1], &c.Points, &c.Households, &c.Sites,
			&c.CostVND, &c.Score, &c.DBKK, &c.GridPower, &c.PackageID)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: candidates: %w", err)
	}
	return cs, nil
}

// Preview is what a rule would make, without saving anything.
type Preview struct {
	Rule     Rule       `json:"rule"`
	Packages []Proposal `json:"packages"`
	Excluded []Excluded `json:"excluded"`
}

// Proposal is one package of a preview.
type Proposal struct {
	Planned
	Name string `json:"name"`
}

// Preview applies r to the current areas. Reviewers only.
func (s *Store) Preview(ctx context.Context, r Rule) (Preview, error) {
	if _, err := reviewer(ctx); err != nil {
		return Preview{}, err
	}
	if err := r.Validate(); err != nil {
		return Preview{}, err
	}
	return s.preview(ctx, s.pool, r)
}

func (s *Store) preview(ctx context.Context, q querier, r Rule) (Preview, error) {
	cs, err := candidates(ctx, q, r.Province)
	if err != nil {
		return Preview{}, err
	}
	planned, excluded := Plan(cs, r)
	names, err := provinceNames(ctx, q)
	if err != nil {
		return Preview{}, err
	}
	perProvince := map[string]int{}
	for _, p := range planned {
		perProvince[p.Province]++
	}
	pv := Preview{Rule: r, Packages: make([]Proposal, len(planned)), Excluded: excluded}
	for i, p := range planned {
		name := "Gói thầu " + names[p.Province]
		if perProvince[p.Province] > 1 {
			name += fmt.Sprintf(" số %d", p.Seq)
		}
		pv.Packages[i] = Proposal{Planned: p, Name: name}
	}
	if pv.Packages == nil {
		pv.Packages = []Proposal{}
	}
	if pv.Excluded == nil {
		pv.Excluded = []Excluded{}
	}
	return pv, nil
}

func provinceNames(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT code, name FROM provinces`)
	if err != nil {
		return nil, fmt.Errorf("bids: province names: %w", err)
	}
	names := map[string]string{}
	var code, name string
	_, err = pgx.ForEachRow(rows, []any{&code, &name}, func() error { names[code] = name; return nil })
	if err != nil {
		return nil, fmt.Errorf("bids: province names: %w", err)
	}
	return names, nil
}

// SavedRule is a packaging rule kept under a name.
type SavedRule struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Rule      Rule      `json:"rule"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SaveRule keeps a rule under a name. Reviewers only.
func (s *Store) SaveRule(ctx context.Context, name string, r Rule) (SavedRule, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return SavedRule{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return SavedRule{}, phusong.Invalid("bad_rule", "Quy tắc lập gói chưa hợp lệ.", "The packaging rule is not valid.",
			phusong.Problem{Column: "name", Code: "required", VI: "Đặt tên cho quy tắc, ví dụ \"20 trạm mỗi gói\".", EN: "Give the rule a name, e.g. \"20 sites per package\"."})
	}
	if err := r.Validate(); err != nil {
		return SavedRule{}, err
	}
	sr := SavedRule{Name: name, Rule: r, CreatedBy: a.Username}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO package_rules (name, params, created_by) VALUES ($1, $2, $3) RETURNING id, created_at`,
			name, r, a.Username).Scan(&sr.ID, &sr.CreatedAt); err != nil {
			return fmt.Errorf("bids: save rule: %w", err)
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package_rule.create", ObjectType: "package_rule",
			ObjectID: strconv.FormatInt(sr.ID, 10), After: sr})
	})
	return sr, err
}

// Rules lists the saved rules, newest first. Reviewers only.
func (s *Store) Rules(ctx context.Context) ([]SavedRule, error) {
	if _, err := reviewer(ctx); err != nil {
		return nil, err
	}
	return rules(ctx, s.pool, 0)
}

// Rule returns one saved rule. Reviewers only.
func (s *Store) Rule(ctx context.Context, id int64) (SavedRule, error) {
	if _, err := reviewer(ctx); err != nil {
		return SavedRule{}, err
	}
	rs, err := rules(ctx, s.pool, id)
	if err != nil {
		return SavedRule{}, err
	}
	if len(rs) == 0 {
		return SavedRule{}, phusong.Errorf(phusong.ErrNotFound, "rule_not_found",
			fmt.Sprintf("Không có quy tắc lập gói số %d.", id), fmt.Sprintf("There is no packaging rule %d.", id))
	}
	return rs[0], nil
}

func rules(ctx context.Context, q querier, id int64) ([]SavedRule, error) {
	rows, err := q.Query(ctx, `SELECT id, name, params, created_by, created_at FROM package_rules WHERE $1 = 0 OR id = $1 ORDER BY id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("bids: rules: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SavedRule, error) {
		var sr SavedRule
		err := r.Scan(&sr.ID, &sr.Name, &sr.Rule, &sr.CreatedBy, &sr.CreatedAt)
		return sr, err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: rules: %w", err)
	}
	return rs, nil
}

// CreateDrafts applies r and saves each package it makes as a draft, in one
// transaction: all of them or none. ruleID (0: none) records the saved rule
// used. Reviewers only.
func (s *Store) CreateDrafts(ctx context.Context, r Rule, ruleID int64) (Preview, []Summary, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Preview{}, nil, err
	}
	if err := r.Validate(); err != nil {
		return Preview{}, nil, err
	}
	var pv Preview
	var ids []int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One planner at a time, so two reviewers cannot put the same area
		// into two drafts (the UNIQUE (area_id) would refuse one anyway).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('phusong.packages'))`); err != nil {
			return fmt.Errorf("bids: lock: %w", err)
		}
		pv, err = s.preview(ctx, tx, r)
		if err != nil {
			return err
		}
		if len(pv.Packages) == 0 {
			return phusong.Errorf(phusong.ErrConflict, "no_areas",
				"Quy tắc này không tạo ra gói nào: không còn vùng nào đủ điều kiện (xem danh sách vùng bị loại).",
				"This rule makes no package: no eligible area is left (see the excluded areas).")
		}
		criteria, _ := json.Marshal(DefaultCriteria())
		var rid any
		if ruleID != 0 {
			rid = ruleID
		}
		for _, p := range pv.Packages {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO packages (province_code, name, status, rule_id, ceiling_vnd, criteria, created_by)
				VALUES ($1, $2, 'draft', $3, $4, $5, $6) RETURNING id`,
				p.Province, p.Name, rid, nullPositive(p.Totals.CostVND), criteria, a.Username).Scan(&id); err != nil {
				return fmt.Errorf("bids: create draft: %w", err)
			}
			areaIDs, versions := make([]int64, len(p.Areas)), make([]int32, len(p.Areas))
			for i, c := range p.Areas {
				areaIDs[i], versions[i] = c.ID, int32(c.Version)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO package_areas (package_id, area_id, area_version, position)
				SELECT $1, a, v, o FROM unnest($2::bigint[], $3::int[]) WITH ORDINALITY AS u(a, v, o)`, id, areaIDs, versions); err != nil {
				return fmt.Errorf("bids: draft %d areas: %w", id, err)
			}
			if err := audit(ctx, tx, phusong.AuditEntry{Action: "package.create", ObjectType: "package",
				ObjectID: strconv.FormatInt(id, 10), ProvinceCode: p.Province,
				After: map[string]any{"name": p.Name, "areas": areaIDs, "rule": r, "rule_id": rid, "totals": p.Totals}}); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return Preview{}, nil, conflictOnUnique(err)
	}
	sums, err := s.List(ctx, ListFilter{IDs: ids})
	return pv, sums, err
}

func nullPositive(v int64) any {
	if v <= 0 {
		return nil
	}
	return v
}

// conflictOnUnique turns a unique violation on package_areas (someone put
// the area into another package meanwhile) into a 409 the user can act on.
func conflictOnUnique(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == "package_areas_one_package" {
		return phusong.Errorf(phusong.ErrConflict, "area_in_other_package",
			"Vùng này vừa được đưa vào một gói thầu khác. Tải lại và thử lại.",
			"The area was just put into another package. Reload and try again.")
	}
	return err
}

// ListFilter selects packages.
type ListFilter struct {
	Province string
	Status   string
	IDs      []int64
}

// List returns the packages the actor may see, newest first. Operators see
// the figures of the latest published version, never a working copy.
func (s *Store) List(ctx context.Context, f ListFilter) ([]Summary, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := visible(a, nil)
	where := []string{cond}
	if f.Province != "" {
		args = append(args, f.Province)
		where = append(where, fmt.Sprintf("p.province_code = $%d", len(args)))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("p.status = $%d", len(args)))
	}
	if f.IDs != nil {
		args = append(args, f.IDs)
		where = append(where, fmt.Sprintf("p.id = ANY($%d)", len(args)))
	}
	// Totals come from the working copy for those who edit it, and from the
	// published snapshot for operators.
	totals := `(SELECT jsonb_build_object('areas', count(*), 'points', coalesce(sum(cardinality(v.point_ids)), 0),
	                   'households', coalesce(sum(v.households), 0), 'sites', coalesce(sum(jsonb_array_length(v.sites)), 0),
	                   'cost_vnd', coalesce(sum(v.cost_vnd), 0))
	            FROM package_areas pa JOIN area_versions v ON v.area_id = pa.area_id AND v.version = pa.area_version
	            WHERE pa.package_id = p.id)`
	name, deadline, ceiling, from := "p.name", "p.deadline", "p.ceiling_vnd", ""
	if a.Role == phusong.RoleOperator {
		// The latest published version, joined once.
		from = ` JOIN package_versions pv ON pv.package_id = p.id AND pv.version = p.published_version`
		totals, name = `pv.snapshot->'totals'`, "pv.name"
		deadline, ceiling = `(pv.snapshot->>'deadline')::timestamptz`, `(pv.snapshot->>'ceiling_vnd')::bigint`
	}
	q := `SELECT p.id, p.province_code, pr.name, ` + name + `, p.status, p.published_version, p.changed, ` + deadline + `, ` + ceiling + `,
	             p.withdrawn_reason, ` + totals + `, p.created_by, p.created_at, p.updated_at
	      FROM packages p JOIN provinces pr ON pr.code = p.province_code` + from + `
	      WHERE ` + strings.Join(where, " AND ") + ` ORDER BY p.id DESC LIMIT 1000`
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("bids: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Summary, error) {
		var m Summary
		err := r.Scan(&m.ID, &m.Province, &m.ProvinceName, &m.Name, &m.Status, &m.PublishedVersion, &m.Changed, &m.Deadline,
			&m.CeilingVND, &m.WithdrawnReason, &m.Totals, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: list: %w", err)
	}
	if a.Role == phusong.RoleOperator {
		for i := range out {
			out[i].Changed = false
		}
	}
	if out == nil {
		out = []Summary{}
	}
	return out, nil
}

const packageColumns = `p.id, p.province_code, pr.name, p.name, p.status, p.published_version, p.changed, p.deadline, p.ceiling_vnd,
	p.withdrawn_reason, p.created_by, p.created_at, p.updated_at, p.technology, p.min_rsrp_dbm, p.coverage_deadline,
	p.requirements, p.criteria`

func scanDetail(row pgx.Row) (Detail, error) {
	var d Detail
	err := row.Scan(&d.ID, &d.Province, &d.ProvinceName, &d.Name, &d.Status, &d.PublishedVersion, &d.Changed, &d.Deadline,
		&d.CeilingVND, &d.WithdrawnReason, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt, &d.Technology, &d.MinRSRPdBm,
		&d.CoverageDeadline, &d.Requirements, &d.Criteria)
	return d, err
}

// Get returns a package: the working copy with its areas and versions for
// reviewers and province officers, the latest published version for
// operators.
func (s *Store) Get(ctx context.Context, id int64) (Detail, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Detail{}, err
	}
	if a.Role == phusong.RoleOperator {
		return s.Version(ctx, id, 0)
	}
	return s.detail(ctx, a, id)
}

// working reads the working copy of a package the actor may see, with its
// areas and totals (no versions); lock takes the package's row lock.
func (s *Store) working(ctx context.Context, q querier, a phusong.Actor, id int64, lock bool) (Detail, error) {
	cond, args := visible(a, []any{id})
	sql := `SELECT ` + packageColumns + ` FROM packages p JOIN provinces pr ON pr.code = p.province_code WHERE p.id = $1 AND ` + cond
	if lock {
		sql += ` FOR UPDATE OF p`
	}
	d, err := scanDetail(q.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return Detail{}, notFound(id)
	}
	if err != nil {
		return Detail{}, fmt.Errorf("bids: package %d: %w", id, err)
	}
	if d.Areas, err = workingAreas(ctx, q, id); err != nil {
		return Detail{}, err
	}
	for _, ar := range d.Areas {
		d.Totals.Areas++
		d.Totals.Points += ar.Points
		d.Totals.Households += ar.Households
		d.Totals.Sites += ar.Sites
		d.Totals.CostVND += ar.CostVND
	}
	d.ProposedCeilingVND = d.Totals.CostVND
	return d, nil
}

// detail is the working copy as the API shows it: with every published
// version and its files. Edits lock and read the working copy alone.
func (s *Store) detail(ctx context.Context, a phusong.Actor, id int64) (Detail, error) {
	d, err := s.working(ctx, s.pool, a, id, false)
	if err != nil {
		return d, err
	}
	if d.Versions, err = versions(ctx, s.pool, id); err != nil {
		return Detail{}, err
	}
	return d, nil
}

// workingAreas reads the areas of a package's working copy, each with the
// other published package whose latest version still holds it, if any.
// Working copies share no area (UNIQUE (area_id)), but an area moved out of
// a published package stays in that package's latest version until it is
// republished or withdrawn.
func workingAreas(ctx context.Context, q querier, id int64) ([]Area, error) {
	// The published packages' latest versions are read once and joined, not
	// looked up per area: package_version_areas has no index on area_id.
	rows, err := q.Query(ctx, `
		SELECT pa.area_id, pa.area_version, a.version, a.status, cardinality(v.point_ids), v.households, v.cost_vnd, v.score, v.sites,
		       held.package_id, held.version
		FROM package_areas pa
		JOIN area_versions v ON v.area_id = pa.area_id AND v.version = pa.area_version
		JOIN areas a ON a.id = pa.area_id
		LEFT JOIN (SELECT DISTINCT ON (pva.area_id) pva.area_id, o.id AS package_id, o.published_version AS version
		           FROM packages o JOIN package_version_areas pva ON pva.package_id = o.id AND pva.version = o.published_version
		           WHERE o.status = 'published' AND o.id <> $1
		           ORDER BY pva.area_id, o.id) held ON held.area_id = pa.area_id
		WHERE pa.package_id = $1 ORDER BY pa.position, pa.area_id`, id)
	if err != nil {
		return nil, fmt.Errorf("bids: package %d areas: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Area, error) {
		var ar Area
		var sites []byte
		var heldBy *int64
		var heldVersion *int
		if err := r.Scan(&ar.ID, &ar.Version, &ar.Current, &ar.Status, &ar.Points, &ar.Households, &ar.CostVND, &ar.Score, &sites,
			&heldBy, &heldVersion); err != nil {
			return ar, err
		}
		if heldBy != nil && heldVersion != nil {
			ar.PublishedElsewhere = &PublishedRef{PackageID: *heldBy, Version: *heldVersion}
		}
		ss, err := parseSites(sites)
		if err != nil {
			return ar, fmt.Errorf("area %d version %d: %w", ar.ID, ar.Version, err)
		}
		ar.SiteList, ar.Sites = ss, len(ss)
		ar.Stale = ar.Current != ar.Version || ar.Status != "active"
		return ar, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bids: package %d areas: %w", id, err)
	}
	if out == nil {
		out = []Area{}
	}
	return out, nil
}

// storedSite is a site as area_versions.sites holds it (site.Site's JSON).
type storedSite struct {
	Location   [2]float64 `json:"location"`
	Terrain    string     `json:"terrain"`
	Points     []int      `json:"points"`
	Households int        `json:"households"`
	Cost       struct {
		Total int64 `json:"total"`
	} `json:"cost"`
}

func parseSites(b []byte) ([]Site, error) {
	var ss []storedSite
	if err := json.Unmarshal(b, &ss); err != nil {
		return nil, fmt.Errorf("sites: %w", err)
	}
	out := make([]Site, len(ss))
	for i, s := range ss {
		out[i] = Site{N: i + 1, Location: s.Location, Households: s.Households, Points: len(s.Points), Terrain: s.Terrain, CostVND: s.Cost.Total}
	}
	return out, nil
}

func versions(ctx context.Context, q querier, id int64) ([]Version, error) {
	rows, err := q.Query(ctx, `
		SELECT v.version, v.change_note, v.published_by, v.published_at, v.zip_name, v.zip_sha256, v.manifest_sha256,
		       coalesce((SELECT jsonb_agg(jsonb_build_object('name', f.name, 'content_type', f.content_type, 'size', f.size, 'sha256', f.sha256)
		                 ORDER BY f.name = v.zip_name DESC, f.name = 'manifest.json', f.name)
		                 FROM package_files f WHERE f.package_id = v.package_id AND f.version = v.version), '[]')
		FROM package_versions v WHERE v.package_id = $1 ORDER BY v.version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("bids: package %d versions: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Version, error) {
		var v Version
		err := r.Scan(&v.Version, &v.ChangeNote, &v.PublishedBy, &v.PublishedAt, &v.ZIPName, &v.ZIPSHA256, &v.ManifestSHA256, &v.Files)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: package %d versions: %w", id, err)
	}
	if out == nil {
		out = []Version{}
	}
	return out, nil
}

// Version returns published version v of a package as it was published
// (0: the latest), with every version's files.
func (s *Store) Version(ctx context.Context, id int64, v int) (Detail, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Detail{}, err
	}
	cond, args := visible(a, []any{id, v})
	var snap []byte
	var status, reason string
	var latest int
	err = s.pool.QueryRow(ctx, `
		SELECT pv.snapshot, p.status, p.withdrawn_reason, p.published_version
		FROM packages p JOIN package_versions pv ON pv.package_id = p.id AND pv.version = CASE WHEN $2 = 0 THEN p.published_version ELSE $2 END
		WHERE p.id = $1 AND `+cond, args...).Scan(&snap, &status, &reason, &latest)
	if errors.Is(err, pgx.ErrNoRows) {
		if v == 0 {
			return Detail{}, phusong.Errorf(phusong.ErrNotFound, "package_not_published",
				fmt.Sprintf("Gói thầu số %d chưa được công bố (hoặc bạn không được xem).", id),
				fmt.Sprintf("Package %d is not published (or you may not see it).", id))
		}
		return Detail{}, phusong.Errorf(phusong.ErrNotFound, "version_not_found",
			fmt.Sprintf("Gói thầu số %d không có phiên bản %d đã công bố.", id, v),
			fmt.Sprintf("Package %d has no published version %d.", id, v))
	}
	if err != nil {
		return Detail{}, fmt.Errorf("bids: package %d version %d: %w", id, v, err)
	}
	var d Detail
	if err := json.Unmarshal(snap, &d); err != nil {
		return Detail{}, fmt.Errorf("bids: package %d version %d snapshot: %w", id, v, err)
	}
	// The package's state now: a later version or a withdrawal is news to
	// whoever reads an old version.
	d.Status, d.WithdrawnReason, d.PublishedVersion, d.Changed = status, reason, &latest, false
	if d.Versions, err = versions(ctx, s.pool, id); err != nil {
		return Detail{}, err
	}
	return d, nil
}

// Patch is an edit of a package's working copy; nil fields stay.
type Patch struct {
	Name             *string      `json:"name"`
	Deadline         *time.Time   `json:"deadline"`
	CeilingVND       *int64       `json:"ceiling_vnd"`
	Technology       *string      `json:"technology"`
	MinRSRPdBm       *float64     `json:"min_rsrp_dbm"`
	CoverageDeadline *time.Time   `json:"coverage_deadline"`
	Requirements     *string      `json:"requirements"`
	Criteria         *[]Criterion `json:"criteria"`
}

func (p Patch) validate() error {
	var ps []phusong.Problem
	if p.Name != nil && strings.TrimSpace(*p.Name) == "" {
		ps = append(ps, phusong.Problem{Column: "name", Code: "required", VI: "Tên gói thầu không được để trống.", EN: "The package name cannot be empty."})
	}
	if p.Name != nil && len([]rune(*p.Name)) > 200 {
		ps = append(ps, phusong.Problem{Column: "name", Code: "too_long", VI: "Tên gói thầu tối đa 200 ký tự.", EN: "The package name is at most 200 characters."})
	}
	if p.CeilingVND != nil && *p.CeilingVND <= 0 {
		ps = append(ps, phusong.Problem{Column: "ceiling_vnd", Code: "bad_amount", Value: strconv.FormatInt(*p.CeilingVND, 10),
			VI: "Giá trần là số đồng dương, ví dụ 12500000000.", EN: "The ceiling price is a positive amount of VND, e.g. 12500000000."})
	}
	if p.Technology != nil {
		switch *p.Technology {
		case "4G", "5G":
		default:
			ps = append(ps, phusong.Problem{Column: "technology", Code: "bad_technology", Value: *p.Technology,
				VI: "Công nghệ tối thiểu là 4G hoặc 5G.", EN: "The least technology is 4G or 5G."})
		}
	}
	if p.MinRSRPdBm != nil && (*p.MinRSRPdBm < -140 || *p.MinRSRPdBm > -44 || math.IsNaN(*p.MinRSRPdBm)) {
		ps = append(ps, phusong.Problem{Column: "min_rsrp_dbm", Code: "bad_rsrp", Value: fmtFloat(*p.MinRSRPdBm),
			VI: "RSRP tối thiểu từ -140 đến -44 dBm, ví dụ -110.", EN: "The minimum RSRP is from -140 to -44 dBm, e.g. -110."})
	}
	if p.Requirements != nil && len(*p.Requirements) > 20000 {
		ps = append(ps, phusong.Problem{Column: "requirements", Code: "too_long", VI: "Yêu cầu kỹ thuật tối đa 20.000 ký tự.", EN: "Technical requirements are at most 20,000 characters."})
	}
	if p.Criteria != nil {
		ps = append(ps, criteriaProblems(*p.Criteria)...)
	}
	if len(ps) > 0 {
		return phusong.Invalid("bad_package", "Thông tin gói thầu chưa hợp lệ.", "The package fields are not valid.", ps...)
	}
	return nil
}

func criteriaProblems(cs []Criterion) []phusong.Problem {
	var ps []phusong.Problem
	var sum float64
	for i, c := range cs {
		if strings.TrimSpace(c.NameVI) == "" || c.Weight <= 0 || c.Weight > 100 {
			ps = append(ps, phusong.Problem{Column: fmt.Sprintf("criteria[%d]", i), Code: "bad_criterion",
				VI: "Mỗi tiêu chí cần tên tiếng Việt và trọng số từ 0 đến 100.", EN: "Each criterion needs a Vietnamese name and a weight from 0 to 100."})
		}
		sum += c.Weight
	}
	if len(cs) == 0 || math.Abs(sum-100) > 0.001 {
		ps = append(ps, phusong.Problem{Column: "criteria", Code: "weights_not_100", Value: fmtFloat(sum),
			VI: fmt.Sprintf("Tổng trọng số các tiêu chí phải bằng 100 (hiện là %s).", fmtFloat(sum)),
			EN: fmt.Sprintf("The criteria weights must add up to 100 (now %s).", fmtFloat(sum))})
	}
	return ps
}

// Update edits the working copy of a package that is not withdrawn.
// Reviewers only.
func (s *Store) Update(ctx context.Context, id int64, p Patch) (Detail, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Detail{}, err
	}
	if err := p.validate(); err != nil {
		return Detail{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var criteria any
		if p.Criteria != nil {
			criteria, _ = json.Marshal(*p.Criteria)
		}
		var name any
		if p.Name != nil {
			name = strings.TrimSpace(*p.Name)
		}
		if _, err := tx.Exec(ctx, `UPDATE packages SET
			name = coalesce($2, name), deadline = coalesce($3, deadline), ceiling_vnd = coalesce($4, ceiling_vnd),
			technology = coalesce($5, technology), min_rsrp_dbm = coalesce($6, min_rsrp_dbm),
			coverage_deadline = coalesce($7, coverage_deadline), requirements = coalesce($8, requirements),
			criteria = coalesce($9, criteria), changed = true, updated_at = now() WHERE id = $1`,
			id, name, p.Deadline, p.CeilingVND, p.Technology, p.MinRSRPdBm, p.CoverageDeadline, p.Requirements, criteria); err != nil {
			return fmt.Errorf("bids: update package %d: %w", id, err)
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.update", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: before.Province, Before: fieldsOf(before), After: p})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, id)
}

func fieldsOf(d Detail) map[string]any {
	return map[string]any{"name": d.Name, "deadline": d.Deadline, "ceiling_vnd": d.CeilingVND, "technology": d.Technology,
		"min_rsrp_dbm": d.MinRSRPdBm, "coverage_deadline": d.CoverageDeadline, "requirements": d.Requirements, "criteria": d.Criteria}
}

// editable locks a package's row and returns its working copy, refusing a
// withdrawn one.
func (s *Store) editable(ctx context.Context, tx pgx.Tx, a phusong.Actor, id int64) (Detail, error) {
	d, err := s.working(ctx, tx, a, id, true)
	if err != nil {
		return d, err
	}
	if d.Status == StatusWithdrawn {
		return d, phusong.Errorf(phusong.ErrConflict, "package_withdrawn",
			fmt.Sprintf("Gói thầu số %d đã bị thu hồi và không sửa được nữa; hãy lập gói mới.", id),
			fmt.Sprintf("Package %d was withdrawn and cannot be edited; build a new package.", id))
	}
	return d, nil
}

// AddArea puts an active area of the package's province into the package,
// pinned to the area's current version, moving it out of the package it was
// in (which then changes too). Reviewers only.
func (s *Store) AddArea(ctx context.Context, id, areaID int64) (Detail, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Detail{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var province, status string
		var version int
		var from *int64
		err = tx.QueryRow(ctx, `SELECT a.province_code, a.status, a.version, pa.package_id FROM areas a
			LEFT JOIN package_areas pa ON pa.area_id = a.id WHERE a.id = $1 FOR UPDATE OF a`, areaID).Scan(&province, &status, &version, &from)
		if errors.Is(err, pgx.ErrNoRows) {
			return phusong.Errorf(phusong.ErrNotFound, "area_not_found", fmt.Sprintf("Không có vùng số %d.", areaID), fmt.Sprintf("There is no area %d.", areaID))
		}
		if err != nil {
			return fmt.Errorf("bids: area %d: %w", areaID, err)
		}
		switch {
		case status != "active":
			return phusong.Errorf(phusong.ErrConflict, "area_not_active",
				fmt.Sprintf("Vùng số %d không còn hoạt động (đã gộp hoặc bị bỏ); hãy chọn vùng hiện hành.", areaID),
				fmt.Sprintf("Area %d is no longer active (merged or removed); pick a current area.", areaID))
		case province != d.Province:
			return phusong.Errorf(phusong.ErrConflict, "area_other_province",
				fmt.Sprintf("Vùng số %d thuộc tỉnh khác; gói thầu chỉ gồm vùng của một tỉnh.", areaID),
				fmt.Sprintf("Area %d is in another province; a package holds one province's areas.", areaID))
		case from != nil && *from == id:
			return phusong.Errorf(phusong.ErrConflict, "area_already_in_package",
				fmt.Sprintf("Vùng số %d đã ở trong gói này.", areaID), fmt.Sprintf("Area %d is already in this package.", areaID))
		}
		if from != nil {
			if _, err := s.editable(ctx, tx, a, *from); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM package_areas WHERE package_id = $1 AND area_id = $2`, *from, areaID); err != nil {
				return fmt.Errorf("bids: move area %d: %w", areaID, err)
			}
			if err := markChanged(ctx, tx, *from); err != nil {
				return err
			}
			// The source package changes too, so its own audit trail says
			// where the area went (the row below is on this package only).
			if err := audit(ctx, tx, phusong.AuditEntry{Action: "package.area_drop", ObjectType: "package",
				ObjectID: strconv.FormatInt(*from, 10), ProvinceCode: d.Province, Before: map[string]any{"area_id": areaID},
				After: map[string]any{"moved_to_package_id": id}}); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO package_areas (package_id, area_id, area_version, position)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM package_areas WHERE package_id = $1))`, id, areaID, version); err != nil {
			return fmt.Errorf("bids: add area %d: %w", areaID, err)
		}
		if err := markChanged(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.area_add", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: d.Province, Before: map[string]any{"package_id": from}, After: map[string]any{"area_id": areaID, "area_version": version}})
	})
	if err != nil {
		return Detail{}, conflictOnUnique(err)
	}
	return s.detail(ctx, a, id)
}

// RemoveArea drops an area from a package's working copy. Reviewers only.
func (s *Store) RemoveArea(ctx context.Context, id, areaID int64) (Detail, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Detail{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM package_areas WHERE package_id = $1 AND area_id = $2`, id, areaID)
		if err != nil {
			return fmt.Errorf("bids: drop area %d: %w", areaID, err)
		}
		if tag.RowsAffected() == 0 {
			return phusong.Errorf(phusong.ErrNotFound, "area_not_in_package",
				fmt.Sprintf("Vùng số %d không có trong gói thầu số %d.", areaID, id), fmt.Sprintf("Area %d is not in package %d.", areaID, id))
		}
		if err := markChanged(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.area_drop", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: d.Province, Before: map[string]any{"area_id": areaID}})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, id)
}

// Refresh re-pins every area of the working copy to the area's current
// version and drops the areas that were merged or removed since. Reviewers
// only.
func (s *Store) Refresh(ctx context.Context, id int64) (Detail, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Detail{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var dropped, repinned []int64
		for _, ar := range d.Areas {
			switch {
			case ar.Status != "active":
				dropped = append(dropped, ar.ID)
			case ar.Current != ar.Version:
				repinned = append(repinned, ar.ID)
			}
		}
		if len(dropped)+len(repinned) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM package_areas WHERE package_id = $1 AND area_id = ANY($2)`, id, dropped); err != nil {
			return fmt.Errorf("bids: refresh %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE package_areas pa SET area_version = a.version FROM areas a
			WHERE pa.package_id = $1 AND a.id = pa.area_id AND a.id = ANY($2)`, id, repinned); err != nil {
			return fmt.Errorf("bids: refresh %d: %w", id, err)
		}
		if err := markChanged(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.refresh", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: d.Province, After: map[string]any{"dropped": dropped, "repinned": repinned}})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, id)
}

// Withdraw withdraws a package with a reason. Its published versions stay
// listed (operators see the reason) but are no longer downloadable, and its
// areas are freed for other packages. Reviewers only.
func (s *Store) Withdraw(ctx context.Context, id int64, reason string) (Detail, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Detail{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Detail{}, phusong.Invalid("bad_withdrawal", "Cần lý do thu hồi.", "A reason is needed to withdraw.",
			phusong.Problem{Column: "reason", Code: "required", VI: "Ghi lý do thu hồi gói thầu; nhà mạng sẽ thấy lý do này.",
				EN: "Write why the package is withdrawn; operators will see it."})
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM package_areas WHERE package_id = $1`, id); err != nil {
			return fmt.Errorf("bids: withdraw %d: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE packages SET status = 'withdrawn', withdrawn_reason = $2, updated_at = now() WHERE id = $1`, id, reason); err != nil {
			return fmt.Errorf("bids: withdraw %d: %w", id, err)
		}
		areaIDs := make([]int64, len(d.Areas))
		for i, ar := range d.Areas {
			areaIDs[i] = ar.ID
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.withdraw", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: d.Province, Before: map[string]any{"status": d.Status, "areas": areaIDs}, After: map[string]any{"status": StatusWithdrawn, "reason": reason}})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, a, id)
}

// markChanged notes that a package's working copy now differs from its
// latest version, so it may be published again.
func markChanged(ctx context.Context, tx pgx.Tx, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE packages SET changed = true, updated_at = now() WHERE id = $1`, id); err != nil {
		return fmt.Errorf("bids: package %d: %w", id, err)
	}
	return nil
}

func audit(ctx context.Context, tx pgx.Tx, e phusong.AuditEntry) error {
	if _, err := tx.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Polygons returns the polygons (EPSG:4326, counter-clockwise) of the
// given active areas, for the preview map. Reviewers only.
func (s *Store) Polygons(ctx context.Context, ids []int64) (map[int64]orb.Geometry, error) {
	if _, err := reviewer(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, ST_AsBinary(ST_ForcePolygonCCW(geom)) FROM areas WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("bids: polygons: %w", err)
	}
	out := make(map[int64]orb.Geometry, len(ids))
	var id int64
	var g []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &g}, func() error {
		geom, err := wkb.Unmarshal(g)
		out[id] = geom
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: polygons: %w", err)
	}
	return out, nil
}
