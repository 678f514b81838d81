package area

import (
	"context"
	"math"
	"slices"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// Build turns accepted survey points into bounded areas with their sites,
// cost and score: it groups the points (Group), plans the sites of each
// group (site.Plan, with the province's lõm sóng points as the existing
// network), splits a group wider than MaxDiameter or needing more than
// MaxSites sites into compact sub-areas along its site assignments, and
// summarises each area. Areas come in the order of their clusters, the
// parts of a split cluster west to east or south to north as they were cut.
//
// It returns the grouping too: the partition before bounding, which the
// tests compare with ST_ClusterDBSCAN. It fails for an invalid
// configuration, the errors of Group and site.Plan, and when ctx is done.
func Build(ctx context.Context, pts []survey.Point, cfg Config) (*Grouping, []Area, error) {
	return build(ctx, pts, cfg, nil)
}

// build is Build with more places of the existing network: outside holds,
// per province code, lõm sóng points of the province that are not in pts,
// in metres in its Projection. Regrouping only some groups of a province (store_regroup.go)
// passes the ones near them, so that their sites' backhaul is what Build
// on the whole province gives.
func build(ctx context.Context, pts []survey.Point, cfg Config, outside map[string][]xy) (*Grouping, []Area, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	g, err := Group(ctx, pts, cfg)
	if err != nil {
		return nil, nil, err
	}
	networks := g.networks(pts, cfg.Site.Costs.MicrowaveReach, outside)

	order := make([]int, len(g.Clusters))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(g.Clusters[b].Points) - len(g.Clusters[a].Points) })
	parts := make([][]Area, len(g.Clusters))
	free := make(chan *summaryScratch, cfg.workers())
	for range cfg.workers() {
		free <- new(summaryScratch)
	}
	err = parallel(ctx, len(order), cfg.workers(), func(j int) error {
		s := <-free
		defer func() { free <- s }()
		k := order[j]
		areas, err := g.buildCluster(ctx, pts, k, networks[g.Clusters[k].Province], cfg, s)
		parts[k] = areas
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	var out []Area
	for _, p := range parts {
		out = append(out, p...)
	}
	return g, out, nil
}

// networks returns, per province, its lõm sóng points and the outside
// ones: places an existing network reaches, for the backhaul choice.
func (g *Grouping) networks(pts []survey.Point, cell float64, outside map[string][]xy) map[string]*site.Network {
	xs, ys := map[string][]float64{}, map[string][]float64{}
	for i := range pts {
		if g.records[i].flags&fLomSong != 0 {
			p := pts[i].ProvinceCode
			xs[p] = append(xs[p], g.X[i])
			ys[p] = append(ys[p], g.Y[i])
		}
	}
	for p, places := range outside {
		for _, q := range places {
			xs[p] = append(xs[p], q.x)
			ys[p] = append(ys[p], q.y)
		}
	}
	out := make(map[string]*site.Network, len(xs))
	for p := range xs {
		out[p] = site.NewNetwork(xs[p], ys[p], cell)
	}
	return out
}

// buildCluster plans, bounds and summarises cluster k.
func (g *Grouping) buildCluster(ctx context.Context, pts []survey.Point, k int, network *site.Network, cfg Config, s *summaryScratch) ([]Area, error) {
	cl := g.Clusters[k]
	proj, err := ProjectionFor(cl.Province)
	if err != nil {
		return nil, err
	}
	targets := make([]site.Target, len(cl.Points))
	for t, i := range cl.Points {
		p := &pts[i]
		targets[t] = site.Target{X: g.X[i], Y: g.Y[i], Households: p.Households, Terrain: p.Terrain, GridPower: p.GridPower, Category: p.Category}
	}
	plan, err := site.Plan(ctx, site.Input{Targets: targets, Projection: proj, Network: network}, cfg.Site)
	if err != nil {
		return nil, err
	}
	all := make([]int, len(plan.Sites))
	for i := range all {
		all[i] = i
	}
	groups := bound(plan, targets, all, cfg, &s.pts, &s.hull)
	out := make([]Area, 0, len(groups))
	for _, sites := range groups {
		var local []int
		for _, si := range sites {
			local = append(local, plan.Sites[si].Points...)
		}
		slices.Sort(local)
		idx := make([]int, len(local))
		for j, t := range local {
			idx[j] = cl.Points[t]
		}
		a := summarize(pts, idx, g, proj, cfg.Site, s)
		a.Cluster = k
		for _, si := range sites {
			st := plan.Sites[si]
			st.Points = make([]int, len(st.Points))
			for j, t := range plan.Sites[si].Points {
				st.Points[j] = cl.Points[t]
			}
			if len(groups) > 1 {
				st.Covers = covers(st, targets, local, cfg.Site)
			}
			a.Sites = append(a.Sites, st)
			a.Cost = a.Cost.Add(st.Cost)
		}
		a.Score = cfg.Site.Weights.Score(site.Summary{
			Points: len(a.Points), Households: a.Households, Sites: len(a.Sites), TrangSong: a.TrangSong,
			PublicFacilities: a.PublicFacilities, DBKK: a.DBKK, BorderPosts: a.Facilities.BorderPost,
		})
		out = append(out, a)
	}
	return out, nil
}

// covers counts the targets local (indices into targets) within the
// coverage of st.
func covers(st site.Site, targets []site.Target, local []int, sc site.Config) int {
	n := 0
	for _, t := range local {
		r := sc.RadiusOf(targets[t].Terrain) + site.Tolerance
		if dx, dy := targets[t].X-st.X, targets[t].Y-st.Y; dx*dx+dy*dy <= r*r {
			n++
		}
	}
	return n
}

// bound splits the sites of a plan into groups whose served targets form
// areas within the limits: at most MaxSites sites and MaxDiameter across.
// A group over a limit is cut in two at the median site along the longer
// side of its sites' bounding box, recursively; one site always fits (its
// targets lie within one coverage radius of it, and Validate keeps
// MaxDiameter at least two radii). Scratch slices are reused.
func bound(plan site.Result, targets []site.Target, sites []int, cfg Config, pts, hl *[]xy) [][]int {
	if len(sites) <= 1 || fits(plan, targets, sites, cfg, pts, hl) {
		return [][]int{sites}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, s := range sites {
		st := plan.Sites[s]
		minX, maxX = math.Min(minX, st.X), math.Max(maxX, st.X)
		minY, maxY = math.Min(minY, st.Y), math.Max(maxY, st.Y)
	}
	key := func(s int) (float64, float64) { return plan.Sites[s].X, plan.Sites[s].Y }
	if maxY-minY > maxX-minX {
		key = func(s int) (float64, float64) { return plan.Sites[s].Y, plan.Sites[s].X }
	}
	sites = slices.Clone(sites)
	slices.SortFunc(sites, func(a, b int) int {
		a1, a2 := key(a)
		b1, b2 := key(b)
		if c := cmpF(a1, b1); c != 0 {
			return c
		}
		if c := cmpF(a2, b2); c != 0 {
			return c
		}
		return a - b
	})
	h := len(sites) / 2
	return append(bound(plan, targets, sites[:h], cfg, pts, hl), bound(plan, targets, sites[h:], cfg, pts, hl)...)
}

// fits reports whether the targets the sites serve are within the limits.
func fits(plan site.Result, targets []site.Target, sites []int, cfg Config, pts, hl *[]xy) bool {
	if cfg.MaxSites > 0 && len(sites) > cfg.MaxSites {
		return false
	}
	if cfg.MaxDiameter == 0 {
		return true
	}
	*pts = (*pts)[:0]
	for _, s := range sites {
		for _, t := range plan.Sites[s].Points {
			*pts = append(*pts, xy{targets[t].X, targets[t].Y})
		}
	}
	*hl = hull(*pts, *hl)
	return diameter(*hl) <= cfg.MaxDiameter
}
