package bids

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong/geo/progress"
)

// coverageSQL counts, per province, the published packages and what their
// latest published versions cover: the accepted points of the pinned area
// versions, and their households. Withdrawn packages cover nothing.
// area_versions is geo/area's, survey_points geo/survey's: read here, in a
// join, as the fast path.
const coverageSQL = `
WITH pub AS (
	SELECT id, province_code, published_version FROM packages
	WHERE status = 'published' AND published_version IS NOT NULL),
covered AS (
	SELECT DISTINCT unnest(av.point_ids) AS point_id
	FROM pub
	JOIN package_version_areas pva ON pva.package_id = pub.id AND pva.version = pub.published_version
	JOIN area_versions av ON av.area_id = pva.area_id AND av.version = pva.area_version),
pts AS (
	SELECT sp.province_code, count(*) AS points, sum(sp.households) AS households
	FROM covered JOIN survey_points sp ON sp.id = covered.point_id
	WHERE sp.status = 'accepted'
	GROUP BY sp.province_code),
pkgs AS (SELECT province_code, count(*) AS n FROM pub GROUP BY province_code)
SELECT coalesce(pkgs.province_code, pts.province_code), coalesce(pkgs.n, 0), coalesce(pts.points, 0), coalesce(pts.households, 0)
FROM pkgs FULL JOIN pts ON pts.province_code = pkgs.province_code`

// Coverage tells the national dashboard (geo/progress) what published
// packages cover in each province. Aggregates only: it needs no actor, like
// the dashboard it feeds.
func (s *Store) Coverage(ctx context.Context) (map[string]progress.Covered, error) {
	rows, err := s.pool.Query(ctx, coverageSQL)
	if err != nil {
		return nil, fmt.Errorf("bids: coverage: %w", err)
	}
	out := map[string]progress.Covered{}
	var province string
	var c progress.Covered
	if _, err := pgx.ForEachRow(rows, []any{&province, &c.Packages, &c.Points, &c.Households}, func() error {
		out[province] = c
		return nil
	}); err != nil {
		return nil, fmt.Errorf("bids: coverage: %w", err)
	}
	return out, nil
}
