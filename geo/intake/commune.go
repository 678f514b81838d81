package intake

import (
	"math"

	"github.com/paulmach/orb"
)

// communeIndex answers "is this point inside its declared commune?" fast,
// so that the commune check does not dominate a large import: the polygon
// test of admin.CommuneDistance walks every vertex of the commune (~2 µs a
// row, 2 s for a million rows), while a commune's edges bucketed in latitude
// bands leave a few dozen to test. It is built lazily, per commune seen,
// from the boundary the reference data holds; a point it finds outside is
// measured exactly by Reference.CommuneDistance, so it only ever saves time.
type communeIndex struct {
	ref   Reference
	bands map[string]*bands
}

func newCommuneIndex(ref Reference) *communeIndex {
	return &communeIndex{ref: ref, bands: map[string]*bands{}}
}

// distance returns 0 when p is inside commune code, else the distance in
// metres to its boundary; ok is false for an unknown code.
func (ci *communeIndex) distance(code string, p orb.Point) (float64, bool) {
	b, seen := ci.bands[code]
	if !seen {
		if c, ok := ci.ref.Commune(code); ok && len(c.Boundary) > 0 {
			b = newBands(c.Boundary)
		}
		ci.bands[code] = b
	}
	if b != nil && b.contains(p) {
		return 0, true
	}
	return ci.ref.CommuneDistance(code, p)
}

// bands holds a multipolygon's edges per latitude band. Even-odd ray casting
// over the edges of the point's band tells inside from outside (holes and
// several polygons included); float32 is enough, as a point within a metre
// of the boundary is measured exactly anyway or is well inside the 50 m
// allowance.
type bands struct {
	bound  orb.Bound
	minLat float64
	step   float64 // band height in degrees
	edges  [][]edge
}

type edge struct{ x1, y1, x2, y2 float32 }

// bandDeg is the target band height: ~220 m, a few edges of a simplified
// commune boundary per band.
const bandDeg = 0.002

func newBands(mp orb.MultiPolygon) *bands {
	bound := mp.Bound()
	n := int(math.Ceil((bound.Max[1] - bound.Min[1]) / bandDeg))
	n = min(max(n, 1), 1024)
	b := &bands{bound: bound, minLat: bound.Min[1], step: (bound.Max[1] - bound.Min[1]) / float64(n), edges: make([][]edge, n)}
	if b.step <= 0 {
		b.step = 1
	}
	// Two passes: count the edges of each band, then fill one backing array.
	counts := make([]int, n)
	each := func(f func(k int, e edge)) {
		for _, poly := range mp {
			for _, ring := range poly {
				for i := 1; i < len(ring); i++ {
					a, c := ring[i-1], ring[i]
					e := edge{float32(a[0]), float32(a[1]), float32(c[0]), float32(c[1])}
					for k := b.band(math.Min(a[1], c[1])); k <= b.band(math.Max(a[1], c[1])); k++ {
						f(k, e)
					}
				}
			}
		}
	}
	each(func(k int, _ edge) { counts[k]++ })
	total := 0
	for _, c := range counts {
		total += c
	}
	all := make([]edge, 0, total)
	for k, c := range counts {
		b.edges[k] = all[len(all) : len(all) : len(all)+c]
		all = all[:len(all)+c]
	}
	each(func(k int, e edge) { b.edges[k] = append(b.edges[k], e) })
	return b
}

func (b *bands) band(lat float64) int {
	k := int((lat - b.minLat) / b.step)
	return min(max(k, 0), len(b.edges)-1)
}

func (b *bands) contains(p orb.Point) bool {
	if !b.bound.Contains(p) {
		return false
	}
	x, y := float32(p[0]), float32(p[1])
	in := false
	for _, e := range b.edges[b.band(p[1])] {
		if (e.y1 > y) != (e.y2 > y) && x < e.x1+(y-e.y1)*(e.x2-e.x1)/(e.y2-e.y1) {
			in = !in
		}
	}
	return in
}
