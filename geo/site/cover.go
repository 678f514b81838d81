package site

import (
	"math"
	"slices"
)

type xy struct{ x, y float64 }

// targets holds the targets in the form the cover works on.
type targets struct {
	x, y []float64
	r2   []float64 // (radius + Tolerance)²
	r    []float64 // radius
	w    []int64   // households
	rmin float64
	rmax float64
	grid *grid // over all targets, cell = rmax
}

func newTargets(in []Target, cfg Config) *targets {
	n := len(in)
	tg := &targets{
		x: make([]float64, n), y: make([]float64, n),
		r: make([]float64, n), r2: make([]float64, n), w: make([]int64, n),
		rmin: math.Inf(1),
	}
	for i, t := range in {
		r := cfg.RadiusOf(t.Terrain)
		tg.x[i], tg.y[i], tg.r[i], tg.w[i] = t.X, t.Y, r, int64(t.Households)
		tg.r2[i] = (r + Tolerance) * (r + Tolerance)
		tg.rmin = math.Min(tg.rmin, r)
		tg.rmax = math.Max(tg.rmax, r)
	}
	tg.grid = newGrid(tg.x, tg.y, tg.rmax)
	return tg
}

// covers reports whether a site at (x, y) covers target t.
func (tg *targets) covers(x, y float64, t int32) bool {
	dx, dy := tg.x[t]-x, tg.y[t]-y
	return float64(dx*dx)+float64(dy*dy) <= tg.r2[t]
}

// grid is a uniform grid over points, cells of side `cell`, stored as a
// hash from cell to the points in it (CSR after a sort by cell).
type grid struct {
	cell  float64
	cells map[[2]int32][2]int32 // cell → [start, end) in idx
	idx   []int32
}

func newGrid(xs, ys []float64, cell float64) *grid {
	g := &grid{cell: cell, cells: make(map[[2]int32][2]int32), idx: make([]int32, len(xs))}
	keys := make([][2]int32, len(xs))
	for i := range xs {
		keys[i] = g.key(xs[i], ys[i])
		g.idx[i] = int32(i)
	}
	slices.SortFunc(g.idx, func(a, b int32) int {
		ka, kb := keys[a], keys[b]
		if ka[0] != kb[0] {
			return int(ka[0] - kb[0])
		}
		if ka[1] != kb[1] {
			return int(ka[1] - kb[1])
		}
		return int(a - b)
	})
	for s := 0; s < len(g.idx); {
		e := s + 1
		k := keys[g.idx[s]]
		for e < len(g.idx) && keys[g.idx[e]] == k {
			e++
		}
		g.cells[k] = [2]int32{int32(s), int32(e)}
		s = e
	}
	return g
}

func (g *grid) key(x, y float64) [2]int32 {
	return [2]int32{int32(math.Floor(x / g.cell)), int32(math.Floor(y / g.cell))}
}

// near calls f for every point in the cells within r of (x, y).
func (g *grid) near(x, y, r float64, f func(i int32)) {
	lo, hi := g.key(x-r, y-r), g.key(x+r, y+r)
	for cx := lo[0]; cx <= hi[0]; cx++ {
		for cy := lo[1]; cy <= hi[1]; cy++ {
			if se, ok := g.cells[[2]int32{cx, cy}]; ok {
				for _, i := range g.idx[se[0]:se[1]] {
					f(i)
				}
			}
		}
	}
}

// cover is a compressed list of the targets each candidate covers.
type cover struct {
	off   []int32
	items []int32
}

func (c *cover) list(s int) []int32 { return c.items[c.off[s]:c.off[s+1]] }

// coverage computes which targets each position covers.
func coverage(tg *targets, pos []xy) *cover {
	c := &cover{off: make([]int32, 1, len(pos)+1)}
	for _, p := range pos {
		tg.grid.near(p.x, p.y, tg.rmax, func(t int32) {
			if tg.covers(p.x, p.y, t) {
				c.items = append(c.items, t)
			}
		})
		c.off = append(c.off, int32(len(c.items)))
	}
	return c
}

// transpose returns, for each of n targets, the candidates covering it.
func (c *cover) transpose(n int) *cover {
	t := &cover{off: make([]int32, n+1), items: make([]int32, len(c.items))}
	for _, x := range c.items {
		t.off[x+1]++
	}
	for i := 1; i <= n; i++ {
		t.off[i] += t.off[i-1]
	}
	next := slices.Clone(t.off[:n])
	for s := 0; s+1 < len(c.off); s++ {
		for _, x := range c.list(s) {
			t.items[next[x]] = int32(s)
			next[x]++
		}
	}
	return t
}

// pairLimit is the size up to which a tile also gets every point where two
// coverage circles cross as a candidate: any set of targets one site can
// cover is covered from one of those points or from a target itself (the
// leftmost point of a non-empty intersection of discs is a target's own
// disc's or two circles' crossing), so the candidates then hold an optimal
// plan and only the greedy choice stands between Plan and the optimum.
const pairLimit = 64

// targetLimit is the size up to which a tile's targets are candidates
// themselves. Above it the lattice alone serves: it always has a node
// within a radius of every target (the spacing is a third of the smallest
// radius), and dense tiles would otherwise spend most of their time on
// candidates that each cover hundreds of targets (Build on the 1M points
// took 6.3 s and allocated 10 GB with them, most of it coverage lists).
const targetLimit = 256

// candidates returns the candidate positions for the targets of a tile.
func candidates(tg *targets, tile []int32) []xy {
	var out []xy
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, t := range tile {
		minX, maxX = math.Min(minX, tg.x[t]), math.Max(maxX, tg.x[t])
		minY, maxY = math.Min(minY, tg.y[t]), math.Max(maxY, tg.y[t])
	}
	// A lattice at a third of the smallest radius: every place is within
	// 0.24 of a radius of a node, so a site off the targets is found nearly
	// where it does best. Only nodes that cover a target are kept. A tile
	// so sparse that the lattice would pass 4M nodes gets a coarser one,
	// and its targets as candidates so that each is still coverable.
	step := tg.rmin / 3
	for {
		w := int64((maxX-minX+2*tg.rmax)/step) + 1
		h := int64((maxY-minY+2*tg.rmax)/step) + 1
		if w*h <= 1<<22 {
			break
		}
		step *= 2
	}
	if len(tile) <= targetLimit || step > tg.rmin/3 {
		for _, t := range tile {
			out = append(out, xy{tg.x[t], tg.y[t]})
		}
	}
	x0, y0 := minX-tg.rmax, minY-tg.rmax
	w := int((maxX-minX+2*tg.rmax)/step) + 1
	h := int((maxY-minY+2*tg.rmax)/step) + 1
	seen := make([]bool, w*h)
	for _, t := range tile {
		r := tg.r[t]
		i0, i1 := int(math.Ceil((tg.x[t]-r-x0)/step)), int(math.Floor((tg.x[t]+r-x0)/step))
		j0, j1 := int(math.Ceil((tg.y[t]-r-y0)/step)), int(math.Floor((tg.y[t]+r-y0)/step))
		for i := max(i0, 0); i <= min(i1, w-1); i++ {
			for j := max(j0, 0); j <= min(j1, h-1); j++ {
				if seen[i*h+j] {
					continue
				}
				x, y := x0+float64(i)*step, y0+float64(j)*step
				if tg.covers(x, y, t) {
					seen[i*h+j] = true
					out = append(out, xy{x, y})
				}
			}
		}
	}
	if len(tile) <= pairLimit {
		for a, i := range tile {
			for _, j := range tile[a+1:] {
				out = crossings(out, tg.x[i], tg.y[i], tg.r[i], tg.x[j], tg.y[j], tg.r[j])
			}
		}
	}
	return out
}

// crossings appends the points where the circles (x1, y1, r1) and
// (x2, y2, r2) cross.
func crossings(out []xy, x1, y1, r1, x2, y2, r2 float64) []xy {
	dx, dy := x2-x1, y2-y1
	d := math.Hypot(dx, dy)
	if d == 0 || d > r1+r2 || d < math.Abs(r1-r2) {
		return out
	}
	a := (d*d + r1*r1 - r2*r2) / (2 * d)
	h := math.Sqrt(math.Max(0, r1*r1-a*a))
	mx, my := x1+a*dx/d, y1+a*dy/d
	out = append(out, xy{mx - h*dy/d, my + h*dx/d})
	if h > 0 {
		out = append(out, xy{mx + h*dy/d, my - h*dx/d})
	}
	return out
}

// planTile chooses positions covering every target of tile.
func planTile(tg *targets, tile []int32) []xy {
	cands := candidates(tg, tile)
	in := make([]bool, len(tg.x))
	for _, t := range tile {
		in[t] = true
	}
	cov := &cover{off: make([]int32, 1, len(cands)+1)}
	for _, p := range cands {
		tg.grid.near(p.x, p.y, tg.rmax, func(t int32) {
			if in[t] && tg.covers(p.x, p.y, t) {
				cov.items = append(cov.items, t)
			}
		})
		cov.off = append(cov.off, int32(len(cov.items)))
	}
	chosen := greedy(tg, cov, in, len(tile))
	chosen = improve(tg, cands, cov, chosen)
	out := make([]xy, len(chosen))
	for i, c := range chosen {
		out[i] = cands[c]
	}
	return out
}

// improve applies the local improvements to a greedy cover: drop
// redundant sites, then replace pairs of sites by one candidate while that
// helps, then drop again.
func improve(tg *targets, cands []xy, cov *cover, chosen []int32) []int32 {
	n := len(tg.x)
	chosen = dropRedundant(cov, n, chosen, tg.w)
	chosen = mergePairs(tg, cands, cov, chosen)
	return dropRedundant(cov, n, chosen, tg.w)
}

// greedy is the household-weighted greedy set cover: it repeatedly takes
// the candidate covering the most households not yet covered (ties: more
// targets, then the lower candidate index), evaluating lazily: a
// candidate's gain only shrinks, so a stale gain is an upper bound.
func greedy(tg *targets, cov *cover, in []bool, todo int) []int32 {
	covered := make([]bool, len(tg.x))
	gain := func(c int32) (w int64, k int32) {
		for _, t := range cov.list(int(c)) {
			if in[t] && !covered[t] {
				w += tg.w[t]
				k++
			}
		}
		return w, k
	}
	h := make(gainHeap, 0, len(cov.off)-1)
	for c := range len(cov.off) - 1 {
		w, k := gain(int32(c))
		if k > 0 {
			h = append(h, gainItem{w, k, int32(c)})
		}
	}
	h.init()
	var chosen []int32
	for todo > 0 && len(h) > 0 {
		top := h.pop()
		w, k := gain(top.c)
		if k == 0 {
			continue
		}
		if w != top.w || k != top.k {
			if len(h) > 0 && h.less(0, gainItem{w, k, top.c}) {
				h.push(gainItem{w, k, top.c})
				continue
			}
		}
		chosen = append(chosen, top.c)
		for _, t := range cov.list(int(top.c)) {
			if in[t] && !covered[t] {
				covered[t] = true
				todo--
			}
		}
	}
	return chosen
}

type gainItem struct {
	w int64
	k int32
	c int32
}

// gainHeap is a max-heap of candidates by (households, targets, -index).
type gainHeap []gainItem

func better(a, b gainItem) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	if a.k != b.k {
		return a.k > b.k
	}
	return a.c < b.c
}

// less reports whether h[i] ranks before x.
func (h gainHeap) less(i int, x gainItem) bool { return better(h[i], x) }

func (h gainHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *gainHeap) push(x gainItem) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !better(s[i], s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *gainHeap) pop() gainItem {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	*h = s[:last]
	h.down(0)
	return top
}

func (h gainHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && better(h[r], h[l]) {
			m = r
		}
		if !better(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// dropRedundant removes chosen sites all of whose targets another chosen
// site covers, looking at the sites covering the fewest households first.
func dropRedundant(cov *cover, n int, chosen []int32, w []int64) []int32 {
	cnt := make([]int32, n)
	weight := make([]int64, len(chosen))
	for i, c := range chosen {
		for _, t := range cov.list(int(c)) {
			cnt[t]++
			weight[i] += w[t]
		}
	}
	order := allIndices(len(chosen))
	slices.SortStableFunc(order, func(a, b int32) int {
		switch {
		case weight[a] < weight[b]:
			return -1
		case weight[a] > weight[b]:
			return 1
		}
		return 0
	})
	drop := make([]bool, len(chosen))
	for _, i := range order {
		list := cov.list(int(chosen[i]))
		redundant := true
		for _, t := range list {
			if cnt[t] < 2 {
				redundant = false
				break
			}
		}
		if redundant {
			drop[i] = true
			for _, t := range list {
				cnt[t]--
			}
		}
	}
	out := chosen[:0:0]
	for i, c := range chosen {
		if !drop[i] {
			out = append(out, c)
		}
	}
	return out
}

// mergePairs replaces two chosen sites by one candidate that covers every
// target only those two covered, until no pair can be replaced (at most a
// few passes). Two sites more than 4 radii apart cannot be replaced by one.
func mergePairs(tg *targets, cands []xy, cov *cover, chosen []int32) []int32 {
	n := len(tg.x)
	rev := cov.transpose(n)
	cnt := make([]int32, n)
	for _, c := range chosen {
		for _, t := range cov.list(int(c)) {
			cnt[t]++
		}
	}
	alive := slices.Clone(chosen)
	reach := 4 * tg.rmax
	var u []int32
	for pass := 0; pass < 4; pass++ {
		merged := false
		for i := 0; i < len(alive); i++ {
			a := alive[i]
			if a < 0 {
				continue
			}
			for j := i + 1; j < len(alive); j++ {
				b := alive[j]
				if b < 0 {
					continue
				}
				pa, pb := cands[a], cands[b]
				if math.Abs(pa.x-pb.x) > reach || math.Abs(pa.y-pb.y) > reach {
					continue
				}
				// u: the targets that only a and b cover.
				u = u[:0]
				for _, t := range cov.list(int(a)) {
					own := int32(1)
					if tg.covers(pb.x, pb.y, t) {
						own++
					}
					if cnt[t] == own {
						u = append(u, t)
					}
				}
				for _, t := range cov.list(int(b)) {
					if !tg.covers(pa.x, pa.y, t) && cnt[t] == 1 {
						u = append(u, t)
					}
				}
				if len(u) == 0 {
					continue
				}
				c := replacement(tg, cands, rev, u, a, b)
				if c < 0 {
					continue
				}
				for _, t := range cov.list(int(a)) {
					cnt[t]--
				}
				for _, t := range cov.list(int(b)) {
					cnt[t]--
				}
				for _, t := range cov.list(int(c)) {
					cnt[t]++
				}
				alive[i], alive[j] = c, -1
				a = c
				merged = true
			}
		}
		alive = slices.DeleteFunc(alive, func(c int32) bool { return c < 0 })
		if !merged {
			break
		}
	}
	return alive
}

// replacement returns a candidate other than a and b covering every target
// of u, or -1. It looks only at the candidates covering u's first target.
func replacement(tg *targets, cands []xy, rev *cover, u []int32, a, b int32) int32 {
	for _, c := range rev.list(int(u[0])) {
		if c == a || c == b {
			continue
		}
		p := cands[c]
		ok := true
		for _, t := range u[1:] {
			if !tg.covers(p.x, p.y, t) {
				ok = false
				break
			}
		}
		if ok {
			return c
		}
	}
	return -1
}

// Network is a set of places, in metric coordinates, where an existing
// mobile network was measured: a site within microwave reach of one can
// link to the network by microwave. The zero of *Network (nil) is empty.
type Network struct {
	x, y []float64
	g    *grid
}

func newNetwork(places []xy, cell float64) *Network {
	xs, ys := make([]float64, len(places)), make([]float64, len(places))
	for i, p := range places {
		xs[i], ys[i] = p.x, p.y
	}
	return NewNetwork(xs, ys, cell)
}

// NewNetwork indexes the places (xs[i], ys[i]), in metres; cell is the
// grid cell in metres, best near the microwave reach.
func NewNetwork(xs, ys []float64, cell float64) *Network {
	n := &Network{x: slices.Clone(xs), y: slices.Clone(ys)}
	n.g = newGrid(n.x, n.y, cell)
	return n
}

// Within reports whether a place of the network lies within r metres of
// (x, y).
func (n *Network) Within(x, y, r float64) bool {
	if n == nil || len(n.x) == 0 {
		return false
	}
	found := false
	r2 := r * r
	n.g.near(x, y, r, func(i int32) {
		if !found {
			dx, dy := n.x[i]-x, n.y[i]-y
			found = dx*dx+dy*dy <= r2
		}
	})
	return found
}
