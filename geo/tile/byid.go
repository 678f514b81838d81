package tile

import (
	"context"
	"slices"

	"github.com/paulmach/orb"
)

// IDPoint is a survey point as geo/feature selects OGC items from it: the
// columns its fast path filters on.
type IDPoint struct {
	ID, SubmissionID int64
	Lon, Lat         float64 // as stored (ST_X, ST_Y), EPSG:4326
	Category, Status string
}

// IDPoints are one province's survey points in id order, as its points
// snapshot holds them.
type IDPoints struct {
	Province string
	// Version is the province's points version (tile_versions) that the
	// points are at: a reader can check in its own query that the
	// database is still at it.
	Version int64
	Bound   orb.Bound // of the points; meaningless when there are none
	Points  []IDPoint // ascending ID
}

// idPointsOf copies a snapshot's points into id order.
func idPointsOf(province string, version int64, pts []memPoint) IDPoints {
	out := IDPoints{Province: province, Version: version, Points: make([]IDPoint, len(pts))}
	for i := range pts {
		p := &pts[i]
		out.Points[i] = IDPoint{ID: p.id, SubmissionID: p.submitted, Lon: p.lon, Lat: p.lat, Category: p.category, Status: p.status}
		if i == 0 {
			out.Bound = orb.Bound{Min: orb.Point{p.lon, p.lat}, Max: orb.Point{p.lon, p.lat}}
		} else {
			out.Bound = out.Bound.Extend(orb.Point{p.lon, p.lat})
		}
	}
	// Rows come from the table about in id order (it is loaded so), which
	// pdqsort handles in near-linear time.
	slices.SortFunc(out.Points, func(a, b IDPoint) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// PointsByID returns the survey points of the provinces (nil: every
// province; unknown codes are left out) in id order, from the snapshots
// the points layer is made from, each built first when older than its
// province's current points version. The slices are shared: read them,
// never modify them. Scoping is the caller's: this hands out every
// province asked for.
func (s *Store) PointsByID(ctx context.Context, provinces []string) ([]IDPoints, error) {
	if err := s.versions.ensure(ctx); err != nil {
		return nil, err
	}
	if provinces == nil {
		for _, pb := range s.bounds {
			provinces = append(provinces, pb.code)
		}
	}
	out := make([]IDPoints, 0, len(provinces))
	for _, p := range provinces {
		if s.holders[p] == nil {
			continue
		}
		snap, err := s.snapshotOf(ctx, p, s.versions.Of(versionPoints, p))
		if err != nil {
			return nil, err
		}
		out = append(out, snap.byID)
	}
	return out, nil
}
