package area

import (
	"math"
)

// Single linkage on a uniform grid with union-find: the partition
// ST_ClusterDBSCAN(geom, eps, minpoints => 1) gives, computed in O(n) time
// for points of bounded density.
//
// With one eps for all points (linkUniform), cells have side eps·0.7071, a
// hair under eps/√2: two points in one cell are always within eps, so a
// cell is one node of the union-find, and two cells link when some pair of
// their points does. Points within eps lie at most two cells apart, so each
// cell is compared with the 12 cells after it in a 5 × 5 block. With an eps
// per point (linkVarying, eps by terrain) cells have side max eps, every
// pair within a cell and with the 4 cells after it in a 3 × 3 block is
// tested, and a pair links when within the smaller of its two eps.

// cellFactor is the cell side over eps in linkUniform: below 1/√2 =
// 0.70710678 by 1.1·10⁻⁵, so the diagonal of a cell is under eps by ~2 cm at
// 2 km, far more than floating-point error, and same-cell points are
// within eps whatever their rounding.
const cellFactor = 0.7071

// linkUniform returns a component id in [0, k) for each point and k.
func linkUniform(xs, ys []float64, eps float64) ([]int32, int) {
	c := newCells(xs, ys, eps*cellFactor)
	uf := newUnionFind(c.n())
	offsets := [...][2]int64{{0, 1}, {0, 2}, {1, -2}, {1, -1}, {1, 0}, {1, 1}, {1, 2}, {2, -2}, {2, -1}, {2, 0}, {2, 1}, {2, 2}}
	c.eachNeighbour(offsets[:], func(a, b int32, bx, by int64) {
		if uf.find(a) != uf.find(b) && c.anyWithin(a, b, bx, by, eps) {
			uf.union(a, b)
		}
	})
	return c.components(uf, len(xs))
}

// linkVarying returns a component id in [0, k) for each point and k; two
// points link when within the smaller of their eps.
func linkVarying(xs, ys, eps []float64) ([]int32, int) {
	maxEps := 0.0
	for _, e := range eps {
		maxEps = math.Max(maxEps, e)
	}
	c := newCells(xs, ys, maxEps)
	// Here a cell is not one component, so the union-find is over points
	// in the cells' order.
	ce := make([]float64, len(xs))
	for j, i := range c.perm {
		ce[j] = eps[i]
	}
	uf := newUnionFind(len(xs))
	link := func(i, j int32) {
		if uf.find(i) == uf.find(j) {
			return
		}
		dx, dy := c.x[j]-c.x[i], c.y[j]-c.y[i]
		if math.Sqrt(float64(dx*dx)+float64(dy*dy)) <= math.Min(ce[i], ce[j]) {
			uf.union(i, j)
		}
	}
	for a := range int32(c.n()) {
		s, e := c.start[a], c.start[a+1]
		for i := s; i < e; i++ {
			for j := i + 1; j < e; j++ {
				link(i, j)
			}
		}
	}
	offsets := [...][2]int64{{0, 1}, {1, -1}, {1, 0}, {1, 1}}
	c.eachNeighbour(offsets[:], func(a, b int32, _, _ int64) {
		for i := c.start[a]; i < c.start[a+1]; i++ {
			for j := c.start[b]; j < c.start[b+1]; j++ {
				link(i, j)
			}
		}
	})
	comp := make([]int32, len(xs))
	ids := make([]int32, len(xs))
	for i := range ids {
		ids[i] = -1
	}
	k := int32(0)
	for j, i := range c.perm {
		r := uf.find(int32(j))
		if ids[r] < 0 {
			ids[r] = k
			k++
		}
		comp[i] = ids[r]
	}
	return comp, int(k)
}

// cells is a uniform grid over points, the points sorted by cell.
type cells struct {
	side       float64
	minX, minY float64
	h          int64     // cells per column
	w          int64     // columns
	key        []uint64  // per non-empty cell, ascending: column·h + row
	start      []int32   // per non-empty cell, its first point in x, y; one more entry closes the last
	perm       []int32   // point in cell order → input index
	x, y       []float64 // coordinates in cell order
}

func newCells(xs, ys []float64, side float64) *cells {
	n := len(xs)
	c := &cells{side: side, minX: math.Inf(1), minY: math.Inf(1)}
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i := range xs {
		c.minX, maxX = math.Min(c.minX, xs[i]), math.Max(maxX, xs[i])
		c.minY, maxY = math.Min(c.minY, ys[i]), math.Max(maxY, ys[i])
	}
	if n == 0 {
		c.start = []int32{0}
		return c
	}
	c.w = int64((maxX-c.minX)/side) + 1
	c.h = int64((maxY-c.minY)/side) + 1
	keys := make([]uint64, n)
	var maxKey uint64
	for i := range xs {
		k := uint64(int64((xs[i]-c.minX)/side)*c.h + int64((ys[i]-c.minY)/side))
		keys[i] = k
		maxKey = max(maxKey, k)
	}
	keys, c.perm = radixSort(keys, maxKey)
	c.x, c.y = make([]float64, n), make([]float64, n)
	for j, i := range c.perm {
		c.x[j], c.y[j] = xs[i], ys[i]
	}
	for j := 0; j < n; j++ {
		if j == 0 || keys[j] != keys[j-1] {
			c.key = append(c.key, keys[j])
			c.start = append(c.start, int32(j))
		}
	}
	c.start = append(c.start, int32(n))
	return c
}

func (c *cells) n() int { return len(c.key) }

// eachNeighbour calls f(a, b, bx, by) for every pair of non-empty cells a,
// b where b is a at one of the offsets (column, row); bx, by are b's column
// and row. It walks one cursor per offset: for a fixed offset the key of
// the wanted cell grows with a's.
func (c *cells) eachNeighbour(offsets [][2]int64, f func(a, b int32, bx, by int64)) {
	cursor := make([]int, len(offsets))
	for a, k := range c.key {
		ax, ay := int64(k)/c.h, int64(k)%c.h
		for o, d := range offsets {
			bx, by := ax+d[0], ay+d[1]
			if bx >= c.w || by < 0 || by >= c.h {
				continue
			}
			want := uint64(bx*c.h + by)
			p := cursor[o]
			for p < len(c.key) && c.key[p] < want {
				p++
			}
			cursor[o] = p
			if p < len(c.key) && c.key[p] == want {
				f(int32(a), int32(p), bx, by)
			}
		}
	}
}

// anyWithin reports whether a point of cell a and one of cell b (at column
// bx, row by) are within eps, as ST_ClusterDBSCAN decides it (within).
func (c *cells) anyWithin(a, b int32, bx, by int64, eps float64) bool {
	// b's rectangle, to skip the points of a that are too far from all of it.
	x0, y0 := c.minX+float64(bx)*c.side, c.minY+float64(by)*c.side
	x1, y1 := x0+c.side, y0+c.side
	for i := c.start[a]; i < c.start[a+1]; i++ {
		px, py := c.x[i], c.y[i]
		dx := math.Max(0, math.Max(x0-px, px-x1))
		dy := math.Max(0, math.Max(y0-py, py-y1))
		if dx*dx+dy*dy > 1.0001*eps*eps {
			continue
		}
		for j := c.start[b]; j < c.start[b+1]; j++ {
			if within(px, py, c.x[j], c.y[j], eps) {
				return true
			}
		}
	}
	return false
}

// within reports whether q is within eps of p exactly as PostGIS's
// ST_ClusterDBSCAN with minpoints 1 decides it: GEOS's STRtree gives the
// candidates whose point lies in p's box [x ± eps] × [y ± eps] (or p in
// q's, as both orders are queried), and lw_dist2d_pt_pt computes
// sqrt(dx·dx + dy·dy) ≤ eps. Two points exactly eps apart are within.
// The products are rounded before the sum (float64 conversions forbid a
// fused multiply-add), as in PostGIS's C.
func within(px, py, qx, qy, eps float64) bool {
	dx, dy := qx-px, qy-py
	if math.Sqrt(float64(dx*dx)+float64(dy*dy)) > eps {
		return false
	}
	return inBox(qx, qy, px, py, eps) || inBox(px, py, qx, qy, eps)
}

func inBox(qx, qy, px, py, eps float64) bool {
	return qx >= px-eps && qx <= px+eps && qy >= py-eps && qy <= py+eps
}

// components gives each of the n points the id of its cell's component,
// numbered from 0 in the order the components are first met in cell order.
func (c *cells) components(uf *unionFind, n int) ([]int32, int) {
	comp := make([]int32, n)
	ids := make([]int32, c.n())
	for i := range ids {
		ids[i] = -1
	}
	k := int32(0)
	for a := range int32(c.n()) {
		r := uf.find(a)
		if ids[r] < 0 {
			ids[r] = k
			k++
		}
		for _, i := range c.perm[c.start[a]:c.start[a+1]] {
			comp[i] = ids[r]
		}
	}
	return comp, int(k)
}

// unionFind is a disjoint-set forest with union by size and path halving
// (each find points every other node on the path at its grandparent, the
// one-pass form of path compression).
type unionFind struct {
	parent []int32
	size   []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}

// radixSort sorts keys (all ≤ maxKey) by a stable LSD radix sort on bytes
// and returns them with the permutation (sorted position → input index).
// Equal keys keep their input order.
func radixSort(keys []uint64, maxKey uint64) ([]uint64, []int32) {
	n := len(keys)
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	k2, p2 := make([]uint64, n), make([]int32, n)
	for shift := uint(0); shift < 64 && maxKey>>shift != 0; shift += 8 {
		var count [257]int
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for i, k := range keys {
			d := (k >> shift) & 0xff
			k2[count[d]] = k
			p2[count[d]] = perm[i]
			count[d]++
		}
		keys, k2 = k2, keys
		perm, p2 = p2, perm
	}
	return keys, perm
}
