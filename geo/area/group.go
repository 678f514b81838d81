package area

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// Config configures grouping and bounding. Start from DefaultConfig.
type Config struct {
	// Eps is the linking distance in metres: two points within Eps of each
	// other are in the same area, transitively.
	Eps float64
	// EpsByTerrain and EpsByProvince override Eps for the points of a
	// terrain class or a province code; a province's value wins over a
	// terrain's. Two points link when within the smaller of their eps.
	EpsByTerrain  map[string]float64
	EpsByProvince map[string]float64
	// MaxDiameter (metres) and MaxSites bound an area: a group wider or
	// needing more sites is split into compact sub-areas along its site
	// assignments. MaxDiameter must be at least twice the largest coverage
	// radius (one site's coverage is that wide); 0 and 0 mean no bound.
	MaxDiameter float64
	MaxSites    int
	// Site configures site planning, which bounding and Build use.
	Site site.Config
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Default bounds and linking distance; doc.go explains them.
const (
	DefaultEps         = 2000
	DefaultMaxDiameter = 20000
	DefaultMaxSites    = 8
)

// MaxEps is the largest linking distance accepted, in metres.
const MaxEps = 50000

// DefaultConfig returns the default configuration: eps 2 km everywhere,
// areas at most 20 km across and 8 sites, and site.DefaultConfig.
func DefaultConfig() (Config, error) {
	sc, err := site.DefaultConfig()
	if err != nil {
		return Config{}, err
	}
	return Config{Eps: DefaultEps, MaxDiameter: DefaultMaxDiameter, MaxSites: DefaultMaxSites, Site: sc}, nil
}

// validateEps checks what Group reads: the linking distances and Workers.
func (c Config) validateEps() error {
	check := func(name string, v float64) error {
		if !(v >= 1 && v <= MaxEps) {
			return fmt.Errorf("area: %s %v m is outside 1 … %d m", name, v, MaxEps)
		}
		return nil
	}
	if err := check("eps", c.Eps); err != nil {
		return err
	}
	for k, v := range c.EpsByTerrain {
		if err := check("eps of terrain "+k, v); err != nil {
			return err
		}
	}
	for k, v := range c.EpsByProvince {
		if err := check("eps of province "+k, v); err != nil {
			return err
		}
	}
	if c.Workers < 0 {
		return fmt.Errorf("area: negative Workers")
	}
	return nil
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	if err := c.validateEps(); err != nil {
		return err
	}
	if err := c.Site.Validate(); err != nil {
		return err
	}
	if c.MaxSites < 0 {
		return fmt.Errorf("area: negative MaxSites")
	}
	if c.MaxDiameter != 0 && !(c.MaxDiameter >= 2*c.Site.MaxRadius()) {
		return fmt.Errorf("area: MaxDiameter %v m is below twice the largest coverage radius (%v m), which one site covers",
			c.MaxDiameter, 2*c.Site.MaxRadius())
	}
	return nil
}

// EpsOf returns the linking distance in metres of a point of the given
// province and terrain.
func (c Config) EpsOf(province, terrain string) float64 {
	if e, ok := c.EpsByProvince[province]; ok {
		return e
	}
	if e, ok := c.EpsByTerrain[terrain]; ok {
		return e
	}
	return c.Eps
}

func (c Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Grouping is the partition of points into groups before bounding: exactly
// ST_ClusterDBSCAN(metric geom, eps, 1) OVER (PARTITION BY province_code)
// when one eps applies.
type Grouping struct {
	// X and Y are each point's easting and northing in metres in its
	// province's Projection.
	X, Y []float64
	// Cluster is each point's index in Clusters.
	Cluster []int32
	// Clusters are the groups, numbered in the order of their first point.
	Clusters []Cluster

	records []record // per point, for Areas and Build
}

// Cluster is one group of the partition.
type Cluster struct {
	Province string
	Points   []int // indices into the input, ascending
}

// Group partitions points into groups by single linkage within eps
// (Config.EpsOf), within each province only: two points of one province
// within eps of each other, in metres in the province's Projection, share a
// group, transitively. It returns an error for an invalid eps, a point of
// an unknown province or with non-finite coordinates, and when ctx is done.
func Group(ctx context.Context, pts []survey.Point, cfg Config) (*Grouping, error) {
	if err := cfg.validateEps(); err != nil {
		return nil, err
	}
	n := len(pts)
	// Provinces, by their 2-digit code as an array index.
	var byCode [100]int16
	var provs []provinceSet
	pi := make([]int16, n)
	for i := range pts {
		code := pts[i].ProvinceCode
		if len(code) != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
			return nil, fmt.Errorf("area: point %d: province code %q", i, code)
		}
		c := int(code[0]-'0')*10 + int(code[1]-'0')
		if byCode[c] == 0 {
			proj, err := ProjectionFor(code)
			if err != nil {
				return nil, fmt.Errorf("area: point %d: %w", i, err)
			}
			provs = append(provs, provinceSet{proj: proj})
			byCode[c] = int16(len(provs))
		}
		pi[i] = byCode[c] - 1
		provs[pi[i]].n++
	}
	g := &Grouping{X: make([]float64, n), Y: make([]float64, n), Cluster: make([]int32, n), records: make([]record, n)}
	if err := g.project(ctx, pts, pi, provs, cfg.workers()); err != nil {
		return nil, err
	}
	for p := range provs {
		provs[p].idx = make([]int32, 0, provs[p].n)
	}
	for i, p := range pi {
		provs[p].idx = append(provs[p].idx, int32(i))
	}

	// Link each province, the largest first, on cfg.workers() goroutines.
	order := make([]int, len(provs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return provs[b].n - provs[a].n })
	comps := make([][]int32, len(provs))
	ks := make([]int, len(provs))
	err := parallel(ctx, len(order), cfg.workers(), func(j int) error {
		p := order[j]
		s := &provs[p]
		xs, ys := make([]float64, len(s.idx)), make([]float64, len(s.idx))
		for k, i := range s.idx {
			xs[k], ys[k] = g.X[i], g.Y[i]
		}
		if e, ok := cfg.EpsByProvince[s.proj.Province]; ok || len(cfg.EpsByTerrain) == 0 {
			if !ok {
				e = cfg.Eps
			}
			comps[p], ks[p] = linkUniform(xs, ys, e)
			return nil
		}
		eps := make([]float64, len(s.idx))
		uniform := true
		for k, i := range s.idx {
			eps[k] = cfg.EpsOf(s.proj.Province, pts[i].Terrain)
			uniform = uniform && eps[k] == eps[0]
		}
		if uniform {
			comps[p], ks[p] = linkUniform(xs, ys, eps[0])
		} else {
			comps[p], ks[p] = linkVarying(xs, ys, eps)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Number groups in the order of their first point.
	ids := make([][]int32, len(provs))
	for p := range provs {
		ids[p] = make([]int32, ks[p])
		for k := range ids[p] {
			ids[p][k] = -1
		}
	}
	local := make([]int32, len(provs)) // position of the next point in its province
	var sizes []int
	for i, p := range pi {
		c := comps[p][local[p]]
		local[p]++
		if ids[p][c] < 0 {
			ids[p][c] = int32(len(g.Clusters))
			g.Clusters = append(g.Clusters, Cluster{Province: provs[p].proj.Province})
			sizes = append(sizes, 0)
		}
		g.Cluster[i] = ids[p][c]
		sizes[ids[p][c]]++
	}
	backing := make([]int, n)
	off := 0
	for k := range g.Clusters {
		g.Clusters[k].Points = backing[off : off : off+sizes[k]]
		off += sizes[k]
	}
	for i, k := range g.Cluster {
		g.Clusters[k].Points = append(g.Clusters[k].Points, i)
	}
	return g, nil
}

type provinceSet struct {
	proj Projection
	n    int
	idx  []int32 // input indices of its points, ascending
}

// project fills g.X, g.Y and g.records on the given number of goroutines,
// reading the points in order.
func (g *Grouping) project(ctx context.Context, pts []survey.Point, pi []int16, provs []provinceSet, workers int) error {
	const chunk = 1 << 14
	chunks := (len(pts) + chunk - 1) / chunk
	return parallel(ctx, chunks, workers, func(c int) error {
		lo, hi := c*chunk, min((c+1)*chunk, len(pts))
		for i := lo; i < hi; i++ {
			q := pts[i].Location
			if math.IsNaN(q[0]) || math.IsNaN(q[1]) || math.IsInf(q[0], 0) || math.IsInf(q[1], 0) {
				return fmt.Errorf("area: point %d has non-finite coordinates", i)
			}
			g.X[i], g.Y[i] = provs[pi[i]].proj.Forward(q)
			g.records[i] = newRecord(&pts[i])
		}
		return nil
	})
}

// parallel runs f(0) … f(n−1) on up to workers goroutines and returns the
// first error, or ctx's error when it is done before all ran.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	if workers > n {
		workers = n
	}
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if first != nil || next >= n {
			return 0, false
		}
		if err := ctx.Err(); err != nil {
			first = fmt.Errorf("area: %w", err)
			return 0, false
		}
		next++
		return next - 1, true
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}
