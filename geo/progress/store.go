package progress

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PackageCounter tells, per province code, what published bid packages
// cover (bids.Store.Coverage).
type PackageCounter func(ctx context.Context) (map[string]Covered, error)

// Store reads the dashboard figures.
type Store struct {
	pool *pgxpool.Pool
	// Packages counts what published packages cover (bids.Store.Coverage,
	// set by the API's wiring: geo does not import bids); nil counts none.
	Packages PackageCounter
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// dashboardSQL is one row per province of the 2025 list (all 34, with
// zeros where nothing was submitted). survey_points and submissions are
// geo/survey's, areas geo/area's, provinces geo/admin's: read here, never
// written. One scan of survey_points; the areas and submissions tables are
// small next to it. A submission is pending while it waits for review and
// owns points: not once superseded, nor when a later one took all its
// points some other way (nothing left to decide).
const dashboardSQL = `
WITH p AS (
	SELECT province_code, count(*) AS submitted,
	       count(*) FILTER (WHERE status = 'submitted') AS pending,
	       count(*) FILTER (WHERE status = 'accepted') AS accepted,
	       count(*) FILTER (WHERE status = 'returned') AS returned,
	       sum(households) AS households,
	       coalesce(sum(households) FILTER (WHERE status = 'accepted'), 0) AS households_accepted
	FROM survey_points GROUP BY province_code),
s AS (
	SELECT province_code, count(*) AS n, count(*) FILTER (WHERE status = 'submitted' AND points_now > 0) AS pending
	FROM submissions WHERE status <> 'rejected' GROUP BY province_code),
a AS (
	SELECT province_code, count(*) AS n, sum(sites) AS sites, sum(cost_vnd) AS cost
	FROM areas WHERE status = 'active' GROUP BY province_code)
SELECT pr.code, pr.name, pr.full_name, coalesce(s.n, 0), coalesce(s.pending, 0),
       coalesce(p.submitted, 0), coalesce(p.pending, 0), coalesce(p.accepted, 0), coalesce(p.returned, 0),
       coalesce(p.households, 0), coalesce(p.households_accepted, 0),
       coalesce(a.n, 0), coalesce(a.sites, 0), coalesce(a.cost, 0)
FROM provinces pr
LEFT JOIN p ON p.province_code = pr.code
LEFT JOIN s ON s.province_code = pr.code
LEFT JOIN a ON a.province_code = pr.code
ORDER BY pr.code`

// Dashboard returns every province's figures in ranking order, the
// national totals and the definitions. Aggregates only: the API may serve
// it to anyone it admits, anonymous visitors included.
func (s *Store) Dashboard(ctx context.Context) (Dashboard, error) {
	rows, err := s.pool.Query(ctx, dashboardSQL)
	if err != nil {
		return Dashboard{}, fmt.Errorf("progress: dashboard: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Province, error) {
		var p Province
		err := r.Scan(&p.Code, &p.Name, &p.FullName, &p.Submissions, &p.SubmissionsPending,
			&p.PointsSubmitted, &p.PointsPending, &p.PointsAccepted, &p.PointsReturned,
			&p.HouseholdsReported, &p.HouseholdsAccepted, &p.Areas, &p.Sites, &p.CostVND)
		return p, err
	})
	if err != nil {
		return Dashboard{}, fmt.Errorf("progress: dashboard: %w", err)
	}
	var covered map[string]Covered
	if s.Packages != nil {
		if covered, err = s.Packages(ctx); err != nil {
			return Dashboard{}, fmt.Errorf("progress: published packages: %w", err)
		}
	}
	rank(ps, covered)
	return Dashboard{
		Provinces:     ps,
		Totals:        totals(ps),
		ScoreFormula:  scoreFormula,
		Weights:       map[string]float64{"quality": WeightQuality, "coverage": WeightCoverage},
		ShareFormula:  shareFormula,
		PackagesKnown: s.Packages != nil,
	}, nil
}
