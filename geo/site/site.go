package site

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/survey"
)

// Target is one survey point a site must cover, in the metric coordinates
// of the caller's projection (geo/area projects each province with its
// VN-2000 TM-3 meridian on the WGS 84 datum).
type Target struct {
	X, Y       float64 // metres
	Households int
	Terrain    string // flat | hilly | mountainous | "" (Config.UnknownTerrain)
	GridPower  string // yes | no | partial | ""
	Category   string // survey.TrangSong | survey.LomSong
}

// Projection turns metric coordinates back into lon/lat (EPSG:4326).
// *area.Projection implements it.
type Projection interface {
	Inverse(x, y float64) orb.Point
}

// Input is what Plan works on.
type Input struct {
	Targets []Target
	// Projection gives each site its Location; nil leaves Location zero.
	Projection Projection
	// Network holds places outside Targets where an existing network was
	// measured (other lõm sóng points of the province), in the same metric
	// coordinates; it decides microwave against satellite backhaul. The
	// lõm sóng targets themselves always count. May be nil.
	Network *Network
}

// Site is one proposed tower.
type Site struct {
	Location   orb.Point `json:"location"` // lon/lat, EPSG:4326
	X          float64   `json:"x"`        // metres, the caller's projection
	Y          float64   `json:"y"`
	Terrain    string    `json:"terrain"`  // of the target nearest to it: where it stands
	Radius     float64   `json:"radius_m"` // coverage radius of that terrain, metres
	Points     []int     `json:"points"`   // targets it serves (indices into Input.Targets), ascending
	Households int       `json:"households"`
	Covers     int       `json:"covers"`   // targets within its coverage, including ones another site serves
	Power      string    `json:"power"`    // PowerGrid | PowerSolar
	Backhaul   string    `json:"backhaul"` // Microwave | Satellite
	Cost       Cost      `json:"cost"`
}

// Result is a site plan for one area.
type Result struct {
	Sites []Site
	// Serving gives, for each target, the index in Sites of the site that
	// serves it: the nearest site whose coverage reaches it. Each target is
	// served by exactly one site, so households add up.
	Serving []int
	Cost    Cost // sum over Sites
}

// Config is the configuration of site planning. Start from DefaultConfig.
type Config struct {
	// Radius is the coverage radius in metres by terrain class: a target is
	// covered by a site within the radius of the target's terrain.
	Radius map[string]float64
	// UnknownTerrain is the class assumed for a target without a terrain.
	UnknownTerrain string
	Costs          Costs
	Weights        Weights
	// TileTargets bounds how many targets are planned at once: larger
	// inputs are cut into compact tiles (recursive median split) planned
	// one by one, then sites made redundant across tiles are dropped. It
	// bounds memory (coverage lists grow with density × targets).
	TileTargets int
}

// DefaultRadius is the default coverage radius by terrain, in metres;
// doc.go explains the figures.
var DefaultRadius = map[string]float64{Flat: 5000, Hilly: 3000, Mountainous: 2000}

// DefaultConfig returns the default radii, the embedded cost table and the
// default weights.
func DefaultConfig() (Config, error) {
	costs, err := DefaultCosts()
	if err != nil {
		return Config{}, err
	}
	r := make(map[string]float64, len(DefaultRadius))
	for k, v := range DefaultRadius {
		r[k] = v
	}
	return Config{Radius: r, UnknownTerrain: Hilly, Costs: costs, Weights: DefaultWeights, TileTargets: 20000}, nil
}

// Validate reports the first thing wrong with c.
func (c Config) Validate() error {
	for _, t := range Terrains {
		if r := c.Radius[t]; !(r > 0) || math.IsInf(r, 0) {
			return fmt.Errorf("site: coverage radius of %s terrain must be positive, got %v", t, r)
		}
	}
	if !knownTerrain(c.UnknownTerrain) {
		return fmt.Errorf("site: unknown-terrain class %q is not one of %v", c.UnknownTerrain, Terrains)
	}
	if c.TileTargets < 100 {
		return fmt.Errorf("site: TileTargets %d is below 100", c.TileTargets)
	}
	if err := c.Costs.Validate(); err != nil {
		return err
	}
	return c.Weights.Validate()
}

// RadiusOf returns the coverage radius in metres of a terrain class; ""
// and unknown classes get UnknownTerrain's.
func (c Config) RadiusOf(terrain string) float64 {
	if r, ok := c.Radius[terrain]; ok && knownTerrain(terrain) {
		return r
	}
	return c.Radius[c.UnknownTerrain]
}

// TerrainOf returns the terrain class a target is planned with.
func (c Config) TerrainOf(terrain string) string {
	if knownTerrain(terrain) {
		return terrain
	}
	return c.UnknownTerrain
}

// MaxRadius returns the largest coverage radius of any terrain.
func (c Config) MaxRadius() float64 {
	m := 0.0
	for _, t := range Terrains {
		m = math.Max(m, c.Radius[t])
	}
	return m
}

// Tolerance is the slack of the coverage test, in metres: a target is
// covered when its distance to the site is at most radius + Tolerance.
// Candidate sites on the circle through two targets are computed in
// floating point, so exactly-on-the-circle targets need it; a micrometre
// changes nothing else.
const Tolerance = 1e-6

// Plan proposes sites so that every target lies within the coverage radius
// of its terrain from a site, using few sites: greedy set cover weighted by
// households over candidate positions (the targets themselves, a lattice at
// a third of the smallest radius, and for small inputs every point where two
// coverage circles cross, which holds an optimal solution), then local
// improvement (dropping redundant sites, replacing two sites by one).
// doc.go gives how far from optimal it is on small cases.
//
// It returns an error for an invalid configuration, a target with
// non-finite coordinates or households below 1, or when ctx is done.
// An empty input gives an empty plan.
func Plan(ctx context.Context, in Input, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	for i, t := range in.Targets {
		if math.IsNaN(t.X) || math.IsNaN(t.Y) || math.IsInf(t.X, 0) || math.IsInf(t.Y, 0) {
			return Result{}, fmt.Errorf("site: target %d has non-finite coordinates", i)
		}
		if t.Households < 1 {
			return Result{}, fmt.Errorf("site: target %d has %d households, want at least 1", i, t.Households)
		}
	}
	if len(in.Targets) == 0 {
		return Result{}, nil
	}
	tg := newTargets(in.Targets, cfg)
	var sites []xy
	for _, tile := range tiles(tg, allIndices(len(in.Targets)), cfg.TileTargets) {
		if err := ctx.Err(); err != nil {
			return Result{}, fmt.Errorf("site: plan: %w", err)
		}
		sites = append(sites, planTile(tg, tile)...)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("site: plan: %w", err)
	}
	return finish(tg, sites, in, cfg)
}

func allIndices(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// tiles cuts idx into compact parts of at most max targets by recursive
// median split along the longer side of the bounding box.
func tiles(tg *targets, idx []int32, max int) [][]int32 {
	if len(idx) <= max {
		return [][]int32{idx}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, i := range idx {
		minX, maxX = math.Min(minX, tg.x[i]), math.Max(maxX, tg.x[i])
		minY, maxY = math.Min(minY, tg.y[i]), math.Max(maxY, tg.y[i])
	}
	coord := tg.x
	if maxY-minY > maxX-minX {
		coord = tg.y
	}
	idx = slices.Clone(idx)
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmpFloat(coord[a], coord[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	h := len(idx) / 2
	return append(tiles(tg, idx[:h], max), tiles(tg, idx[h:], max)...)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// finish turns chosen positions into the plan: it drops sites every one of
// whose targets another site covers (tiles overlap at their borders),
// serves each target by its nearest covering site, and fills in terrain,
// power, backhaul and cost.
func finish(tg *targets, pos []xy, in Input, cfg Config) (Result, error) {
	cov := coverage(tg, pos)
	keep := dropRedundant(cov, len(tg.x), allIndices(len(pos)), tg.w)
	kept := make([]xy, len(keep))
	for i, k := range keep {
		kept[i] = pos[k]
	}
	// Stable output: sites ordered by position.
	slices.SortFunc(kept, func(a, b xy) int {
		if c := cmpFloat(a.x, b.x); c != 0 {
			return c
		}
		return cmpFloat(a.y, b.y)
	})
	cov = coverage(tg, kept)

	n := len(tg.x)
	serving := make([]int, n)
	best := make([]float64, n)
	for i := range serving {
		serving[i] = -1
		best[i] = math.Inf(1)
	}
	covers := make([]int, len(kept))
	for s := range kept {
		list := cov.list(s)
		covers[s] = len(list)
		for _, t := range list {
			d := math.Hypot(tg.x[t]-kept[s].x, tg.y[t]-kept[s].y)
			if d < best[t] {
				best[t], serving[t] = d, s
			}
		}
	}
	sites := make([]Site, len(kept))
	for t, s := range serving {
		if s < 0 { // every tile covers its targets: a bug if reached
			return Result{}, fmt.Errorf("site: plan left target %d uncovered", t)
		}
		sites[s].Points = append(sites[s].Points, t)
		sites[s].Households += in.Targets[t].Households
	}
	var network []xy
	for t, tt := range in.Targets {
		if tt.Category == survey.LomSong {
			network = append(network, xy{tg.x[t], tg.y[t]})
		}
	}
	own := newNetwork(network, cfg.Costs.MicrowaveReach)
	res := Result{Sites: sites, Serving: serving}
	for s, p := range kept {
		st := &res.Sites[s]
		st.X, st.Y, st.Covers = p.x, p.y, covers[s]
		if in.Projection != nil {
			st.Location = in.Projection.Inverse(p.x, p.y)
		}
		nearest, nd := -1, math.Inf(1)
		power := PowerSolar
		for _, t := range cov.list(s) {
			if d := math.Hypot(tg.x[t]-p.x, tg.y[t]-p.y); d < nd {
				nearest, nd = int(t), d
			}
		}
		for _, t := range st.Points {
			if g := in.Targets[t].GridPower; g == "yes" || g == "partial" {
				power = PowerGrid
			}
		}
		st.Terrain = cfg.TerrainOf(in.Targets[nearest].Terrain)
		st.Radius = cfg.RadiusOf(st.Terrain)
		st.Power = power
		st.Backhaul = Satellite
		if own.Within(p.x, p.y, cfg.Costs.MicrowaveReach) || in.Network.Within(p.x, p.y, cfg.Costs.MicrowaveReach) {
			st.Backhaul = Microwave
		}
		st.Cost = cfg.Costs.Price(st.Terrain, st.Power, st.Backhaul)
		res.Cost = res.Cost.Add(st.Cost)
	}
	return res, nil
}
