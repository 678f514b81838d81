package area

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

type xy struct{ x, y float64 }

// hull returns the convex hull of pts counter-clockwise, without repeated
// or collinear vertices: one vertex for coincident points, two for
// collinear ones. It reorders pts. Andrew's monotone chain, after the
// Akl–Toussaint filter drops the points inside the quadrilateral of the
// four extreme points (most of them, for large sets).
func hull(pts []xy, out []xy) []xy {
	out = out[:0]
	if len(pts) == 0 {
		return out
	}
	if len(pts) > 16 {
		pts = aklToussaint(pts)
	}
	slices.SortFunc(pts, func(a, b xy) int {
		if a.x != b.x {
			return cmpF(a.x, b.x)
		}
		return cmpF(a.y, b.y)
	})
	// Drop exact duplicates.
	pts = slices.Compact(pts)
	if len(pts) <= 2 {
		return append(out, pts...)
	}
	for _, p := range pts { // lower chain
		for len(out) >= 2 && cross(out[len(out)-2], out[len(out)-1], p) <= 0 {
			out = out[:len(out)-1]
		}
		out = append(out, p)
	}
	lower := len(out) + 1
	for i := len(pts) - 2; i >= 0; i-- { // upper chain
		p := pts[i]
		for len(out) >= lower && cross(out[len(out)-2], out[len(out)-1], p) <= 0 {
			out = out[:len(out)-1]
		}
		out = append(out, p)
	}
	out = out[:len(out)-1] // the last is the first
	if len(out) == 2 && out[0] == out[1] {
		out = out[:1]
	}
	return out
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cross is the z of (b − a) × (c − a): positive when a, b, c turn left.
func cross(a, b, c xy) float64 {
	return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
}

// aklToussaint keeps the points not strictly inside the quadrilateral of
// the points with least and greatest x and y (in place).
func aklToussaint(pts []xy) []xy {
	l, r, b, t := pts[0], pts[0], pts[0], pts[0]
	for _, p := range pts {
		if p.x < l.x {
			l = p
		}
		if p.x > r.x {
			r = p
		}
		if p.y < b.y {
			b = p
		}
		if p.y > t.y {
			t = p
		}
	}
	quad := []xy{l, b, r, t} // counter-clockwise
	out := pts[:0]
	for _, p := range pts {
		inside := true
		for i := range quad {
			if cross(quad[i], quad[(i+1)%4], p) <= 0 {
				inside = false
				break
			}
		}
		if !inside {
			out = append(out, p)
		}
	}
	return out
}

// diameter returns the largest distance between two vertices of a convex
// polygon (the diameter of the points it is the hull of).
func diameter(h []xy) float64 {
	d := 0.0
	for i := range h {
		for j := i + 1; j < len(h); j++ {
			d = math.Max(d, math.Hypot(h[i].x-h[j].x, h[i].y-h[j].y))
		}
	}
	return d
}

// arcSteps is the number of sides a full circle of the buffer gets.
const arcSteps = 32

// buffer returns a convex polygon (counter-clockwise, not closed) holding
// every point within m of the convex polygon h: h grown by m, each arc at a
// vertex cut into pieces no wider than 2π/arcSteps and drawn as the
// tangents at the pieces' ends. Two tangents meet at the middle direction
// of their piece, m / cos(half its width) from the vertex, and the first
// and last tangents of an arc are the offset edges, so those meeting points
// are all the vertices: the polygon is the intersection of half-planes
// tangent to the true buffer, outside it by at most m·(1/cos(π/32) − 1) =
// 0.5 % of m.
func buffer(h []xy, m float64, out []xy) []xy {
	out = out[:0]
	step := 2 * math.Pi / arcSteps
	if len(h) == 1 {
		r := m / math.Cos(step/2)
		for j := range arcSteps {
			a := float64(j) * step
			out = append(out, xy{h[0].x + r*math.Cos(a), h[0].y + r*math.Sin(a)})
		}
		return out
	}
	n := len(h)
	for i := range n {
		prev, v, next := h[(i+n-1)%n], h[i], h[(i+1)%n]
		// Outward normals of the edges into and out of v (counter-clockwise
		// polygon: the edge direction turned right).
		a0 := math.Atan2(-(v.x - prev.x), v.y-prev.y)
		a1 := math.Atan2(-(next.x - v.x), next.y-v.y)
		span := a1 - a0
		for span <= 0 {
			span += 2 * math.Pi
		}
		if n == 2 {
			span = math.Pi
		}
		k := max(1, int(math.Ceil(span/step-1e-9)))
		w := span / float64(k)
		r := m / math.Cos(w/2)
		for j := range k {
			a := a0 + (float64(j)+0.5)*w
			out = append(out, xy{v.x + r*math.Cos(a), v.y + r*math.Sin(a)})
		}
	}
	return out
}

// polygon unprojects a counter-clockwise ring and returns it as a
// MultiPolygon of one closed ring in lon/lat.
func polygon(ring []xy, proj Projection) orb.MultiPolygon {
	if len(ring) == 0 {
		return nil
	}
	r := make(orb.Ring, 0, len(ring)+1)
	for _, p := range ring {
		r = append(r, proj.Inverse(p.x, p.y))
	}
	r = append(r, r[0])
	return orb.MultiPolygon{orb.Polygon{r}}
}
