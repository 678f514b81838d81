package admin

import (
	"math"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

// metresPerDegree is the length of one degree of latitude on orb's sphere
// (radius 6,378,137 m), the sphere orbgeo.Distance uses.
const metresPerDegree = orb.EarthRadius * math.Pi / 180

// CommuneDistance returns 0 when p (lon/lat) is inside the boundary of
// commune code, else the distance in metres from p to the boundary's nearest
// point. The boundary is simplified (~11 m), so allow some tens of metres
// before calling a point outside its commune. ok is false for an unknown code.
func (d *Data) CommuneDistance(code string, p orb.Point) (metres float64, ok bool) {
	c, ok := d.Commune(code)
	if !ok {
		return 0, false
	}
	return boundaryDistance(c.Boundary, p), true
}

// boundaryDistance is 0 inside mp, else the distance in metres to mp's
// nearest point: found in an equirectangular projection centred on p, then
// measured with orbgeo.Distance.
func boundaryDistance(mp orb.MultiPolygon, p orb.Point) float64 {
	if planar.MultiPolygonContains(mp, p) {
		return 0
	}
	kx, ky := metresPerDegree*math.Cos(p[1]*math.Pi/180), metresPerDegree
	best, nearest := math.Inf(1), p
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				a, b := ring[i-1], ring[i]
				ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
				bx, by := (b[0]-p[0])*kx, (b[1]-p[1])*ky
				if d := segmentDist2(ax, ay, bx, by); d < best {
					best = d
					t := segmentParam(ax, ay, bx, by)
					nearest = orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
				}
			}
		}
	}
	if math.IsInf(best, 1) {
		return math.Inf(1)
	}
	return orbgeo.Distance(p, nearest)
}

// segmentParam returns t in [0, 1] such that a + t(b−a) is the point of
// segment a–b nearest the origin.
func segmentParam(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return 0
	}
	return min(max(-(ax*dx+ay*dy)/l2, 0), 1)
}

// segmentDist2 returns the squared distance from the origin to segment a–b.
func segmentDist2(ax, ay, bx, by float64) float64 {
	t := segmentParam(ax, ay, bx, by)
	x, y := ax+t*(bx-ax), ay+t*(by-ay)
	return x*x + y*y
}
