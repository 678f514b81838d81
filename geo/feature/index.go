package feature

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/tile"
)

// Pages of survey points are chosen from an in-memory copy and only their
// rows are read from the database.
//
// A page in id order of the points in a box costs PostgreSQL a walk of the
// primary key past every point before it, the box tested on each: the
// points of the densest z8 tile are 9 % of a million, so offset 1,900 at
// limit 100 walked 32,000 rows (15 ms) and offset 19,000 at limit 1,000
// walked 300,000 (170 ms). In memory the same walk over the provinces'
// points in id order takes microseconds; the page is then read by primary
// key (id = ANY, ~0.1 ms for 100 rows), the query repeating every condition
// of the page (scope, box, filters), so the copy can only choose rows the
// query would also return.
//
// The copy is geo/tile's per-province snapshot, at a known points version
// of tile_versions, which moves in the transaction of every change of
// survey points (migrations/00011_tile_versions.sql). The page's query
// checks in its own snapshot that every province consulted is still at
// that version; when one moved, or a row no longer meets the conditions,
// the versions are read again and this page is made by the plain query.
// Pages are therefore identical to the query's (index_test.go compares
// them), never stale.
//
// Only what the copy holds is answered from it: bbox, province, status,
// category and submission_id; datetime and commune go to the query.

// indexable reports whether a page can be chosen from the PointIndex.
func indexable(pq *pageQuery) bool {
	if pq.c.ID != "points" || pq.start != nil || pq.end != nil || (!pq.scope.all && pq.scope.province == "") {
		return false
	}
	for _, f := range pq.filters {
		switch f.Name {
		case "province", "status", "category", "submission_id":
		default:
			return false
		}
	}
	return true
}

// versionGuard holds when the provinces of the first array (sorted
// bytewise) are at the versions of the second: tile_versions is geo/tile's
// table, read here only. (An ARRAY sublink plans and runs ~0.1 ms faster
// a page than a join with unnest.)
const versionGuard = `ARRAY(SELECT version FROM tile_versions
	WHERE layer = 'points' AND province_code = ANY($?::text[]) ORDER BY province_code COLLATE "C") = $?::int8[]`

// indexedItems makes the page from the PointIndex; ok is false when the
// database is at another version than the copy (the caller then queries).
func (s *Store) indexedItems(ctx context.Context, pq *pageQuery, dst []byte) (Page, bool, error) {
	var provinces []string // nil: all
	if pq.scope.province != "" {
		provinces = []string{pq.scope.province}
	}
	m := pointMatch{submission: -1}
	if pq.bound != nil {
		m.box = newBoxTest(*pq.bound)
	}
	for _, f := range pq.filters {
		v, _ := f.value.(string)
		switch f.Name {
		case "province":
			if provinces != nil && provinces[0] != v {
				provinces = []string{} // another province than the officer's: nothing
			} else {
				provinces = []string{v}
			}
		case "status":
			m.status = &v
		case "category":
			m.category = &v
		case "submission_id":
			m.submission = f.value.(int64)
		}
	}
	p := Page{Matched: -1, Features: dst}
	var lists []tile.IDPoints
	if provinces == nil || len(provinces) > 0 {
		var err error
		if lists, err = s.points.PointsByID(ctx, provinces); err != nil {
			return Page{}, false, fmt.Errorf("feature: points items: %w", err)
		}
	}
	ids := m.page(lists, pq.offset, pq.limit+1)
	if len(ids) > pq.limit {
		p.More, ids = true, ids[:pq.limit]
	}
	slices.SortFunc(lists, func(a, b tile.IDPoints) int { return strings.Compare(a.Province, b.Province) })
	codes := make([]string, len(lists))
	versions := make([]int64, len(lists))
	for i, l := range lists {
		codes[i], versions[i] = l.Province, l.Version
	}
	c := pq.c
	switch {
	case len(lists) == 0:
		// No province to read (an unknown one, or another than the
		// officer's): the query would find no row either.
	case len(ids) == 0:
		var w conds
		w.add(versionGuard, codes, versions)
		var current bool
		if err := s.pool.QueryRow(ctx, "SELECT "+w.String(), w.args...).Scan(&current); err != nil {
			return Page{}, false, fmt.Errorf("feature: points versions: %w", err)
		}
		if !current {
			return Page{}, false, s.resync(ctx)
		}
	default:
		var w conds
		pq.conds(&w)
		w.add("id = ANY($?)", ids)
		w.add(versionGuard, codes, versions)
		rows, err := s.pool.Query(ctx, "SELECT "+c.selectList()+" FROM "+c.table+" WHERE "+w.String()+" ORDER BY "+c.order, w.args...)
		if err != nil {
			return Page{}, false, fmt.Errorf("feature: %s items: %w", c.ID, err)
		}
		buf := slices.Grow(dst, featureSize*len(ids))
		err = eachFeature(rows, c, func(f []byte) {
			if p.Returned > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, f...)
			p.Returned++
		})
		if err != nil {
			return Page{}, false, fmt.Errorf("feature: %s items: %w", c.ID, err)
		}
		if p.Returned != len(ids) {
			return Page{}, false, s.resync(ctx)
		}
		p.Features = buf
	}
	p.setMatched(pq.offset)
	return p, true, nil
}

func (s *Store) resync(ctx context.Context) error {
	if err := s.points.Sync(ctx); err != nil {
		return fmt.Errorf("feature: points versions: %w", err)
	}
	return nil
}

// pointMatch is the conditions of a page on one point, as the query
// evaluates them.
type pointMatch struct {
	box              *boxTest
	status, category *string
	submission       int64 // -1: any (ids are positive)
}

func (m *pointMatch) ok(p *tile.IDPoint) bool {
	return (m.box == nil || m.box.meets(p.Lon, p.Lat)) &&
		(m.status == nil || p.Status == *m.status) &&
		(m.category == nil || p.Category == *m.category) &&
		(m.submission < 0 || p.SubmissionID == m.submission)
}

// page walks the points of the lists in id order (a k-way merge: each list
// is in id order, and their ids are disjoint) and returns the ids of the
// matching points past the first offset, at most n.
func (m *pointMatch) page(lists []tile.IDPoints, offset, n int) []int64 {
	// A heap of the lists' remaining points, by their first id.
	var h [][]tile.IDPoint
	for _, l := range lists {
		if len(l.Points) > 0 && (m.box == nil || m.box.meetsBound(l.Bound)) {
			h = append(h, l.Points)
		}
	}
	less := func(i, j int) bool { return h[i][0].ID < h[j][0].ID }
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(h) {
				return
			}
			if c+1 < len(h) && less(c+1, c) {
				c++
			}
			if !less(c, i) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := make([]int64, 0, min(n, 1024))
	skip := offset
	for len(h) > 0 && len(out) < n {
		// Take from the first list every point before the next list's
		// first: one heap step per run rather than per point.
		next := int64(math.MaxInt64)
		if len(h) > 1 {
			next = h[1][0].ID
		}
		if len(h) > 2 {
			next = min(next, h[2][0].ID)
		}
		pts := h[0]
		i := 0
		for ; i < len(pts) && pts[i].ID < next && len(out) < n; i++ {
			if !m.ok(&pts[i]) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, pts[i].ID)
		}
		if i == len(pts) {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		} else {
			h[0] = pts[i:]
		}
		down(0)
	}
	return out
}

// boxTest is PostGIS's && between a point and ST_MakeEnvelope, to the bit.
// && compares float4 boxes: each double is rounded outwards to a float4
// (PostGIS's next_float_down for minima, next_float_up for maxima), the
// point's box as the envelope's, so points up to one float4 step (~1 m at
// 105°E) outside the box still meet it. A point (x, y) meets the box when
// xlo < x < xhi and ylo < y < yhi:
//
//	down32(x) ≤ up32(maxX)  ⇔  x < next32(up32(maxX))  (= xhi)
//	up32(x) ≥ down32(minX)  ⇔  x > prev32(down32(minX)) (= xlo)
type boxTest struct{ xlo, xhi, ylo, yhi float64 }

func newBoxTest(b orb.Bound) *boxTest {
	below := func(v float64) float64 { return float64(math.Nextafter32(down32(v), float32(math.Inf(-1)))) }
	above := func(v float64) float64 { return float64(math.Nextafter32(up32(v), float32(math.Inf(1)))) }
	return &boxTest{xlo: below(b.Min[0]), xhi: above(b.Max[0]), ylo: below(b.Min[1]), yhi: above(b.Max[1])}
}

func (t *boxTest) meets(x, y float64) bool {
	return t.xlo < x && x < t.xhi && t.ylo < y && y < t.yhi
}

// meetsBound reports whether a point inside b may meet the box.
func (t *boxTest) meetsBound(b orb.Bound) bool {
	return t.xlo < b.Max[0] && b.Min[0] < t.xhi && t.ylo < b.Max[1] && b.Min[1] < t.yhi
}

// down32 is the largest float32 ≤ v; up32 the smallest ≥ v.
func down32(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up32(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}
