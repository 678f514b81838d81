package site_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// checkPlan fails t unless every target is served by one site within its
// radius, sites' points partition the targets, and costs add up.
func checkPlan(t *testing.T, in []site.Target, res site.Result, cfg site.Config) {
	t.Helper()
	seen := make([]int, len(in))
	var cost site.Cost
	for s, st := range res.Sites {
		hh := 0
		for _, i := range st.Points {
			seen[i]++
			if res.Serving[i] != s {
				t.Fatalf("target %d listed by site %d, Serving says %d", i, s, res.Serving[i])
			}
			if d, r := math.Hypot(in[i].X-st.X, in[i].Y-st.Y), cfg.RadiusOf(in[i].Terrain); d > r+site.Tolerance {
				t.Fatalf("target %d is %.3f m from site %d, radius %v", i, d, s, r)
			}
			hh += in[i].Households
		}
		if hh != st.Households || len(st.Points) == 0 || st.Covers < len(st.Points) {
			t.Fatalf("site %d: %d households (points have %d), %d points, covers %d", s, st.Households, hh, len(st.Points), st.Covers)
		}
		if st.Cost != cfg.Costs.Price(st.Terrain, st.Power, st.Backhaul) {
			t.Fatalf("site %d: cost %+v is not the table's", s, st.Cost)
		}
		cost = cost.Add(st.Cost)
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("target %d served by %d sites", i, n)
		}
	}
	if cost != res.Cost {
		t.Fatalf("plan cost %+v, sites add up to %+v", res.Cost, cost)
	}
}

// villages draws n targets in villages scattered over a square of side
// span metres.
func villages(r *rand.Rand, n int, span float64) []site.Target {
	var out []site.Target
	for len(out) < n {
		cx, cy := r.Float64()*span, r.Float64()*span
		terrain := []string{site.Flat, site.Hilly, site.Mountainous, ""}[r.IntN(4)]
		for k := 1 + r.IntN(15); k > 0 && len(out) < n; k-- {
			out = append(out, site.Target{
				X: cx + r.NormFloat64()*800, Y: cy + r.NormFloat64()*800,
				Households: 1 + r.IntN(100), Terrain: terrain,
				GridPower: []string{"yes", "no", "partial"}[r.IntN(3)],
				Category:  []string{survey.TrangSong, survey.LomSong}[r.IntN(2)],
			})
		}
	}
	return out
}

func TestPlanCovers(t *testing.T) {
	cfg, err := site.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct {
		n    int
		span float64
	}{{1, 40000}, {2, 40000}, {10, 40000}, {100, 40000}, {1000, 40000}, {5000, 40000},
		{400, 2000000}, // so sparse that the lattice is coarsened
	} {
		in := villages(r, c.n, c.span)
		res, err := site.Plan(context.Background(), site.Input{Targets: in}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		checkPlan(t, in, res, cfg)
	}
}

// TestPlanTiles plans 5,000 targets in tiles of 500 and whole: tiling
// must still cover everything, and costs only a few sites more.
func TestPlanTiles(t *testing.T) {
	cfg, err := site.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	in := villages(rand.New(rand.NewPCG(9, 9)), 5000, 60000)
	whole, err := site.Plan(context.Background(), site.Input{Targets: in}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TileTargets = 500
	tiled, err := site.Plan(context.Background(), site.Input{Targets: in}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, in, tiled, cfg)
	t.Logf("5,000 targets: %d sites whole, %d in tiles of 500", len(whole.Sites), len(tiled.Sites))
	if float64(len(tiled.Sites)) > 1.15*float64(len(whole.Sites)) {
		t.Errorf("tiled plan has %d sites, whole %d: more than 15 %% over", len(tiled.Sites), len(whole.Sites))
	}
}

func TestPlanBackhaulAndPower(t *testing.T) {
	cfg, err := site.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	lone := []site.Target{{X: 0, Y: 0, Households: 10, Terrain: site.Flat, GridPower: "no", Category: survey.TrangSong}}
	res, err := site.Plan(context.Background(), site.Input{Targets: lone}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Sites[0]; s.Backhaul != site.Satellite || s.Power != site.PowerSolar || s.Terrain != site.Flat {
		t.Errorf("lone trắng sóng point without grid: got %s backhaul, %s power, %s terrain", s.Backhaul, s.Power, s.Terrain)
	}
	// An existing signal 10 km away makes it microwave.
	net := site.NewNetwork([]float64{10000}, []float64{0}, cfg.Costs.MicrowaveReach)
	res, err = site.Plan(context.Background(), site.Input{Targets: lone, Network: net}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Sites[0]; s.Backhaul != site.Microwave {
		t.Errorf("with a network 10 km away: got %s backhaul", s.Backhaul)
	}
	lone[0].GridPower = "partial"
	res, err = site.Plan(context.Background(), site.Input{Targets: lone}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Sites[0]; s.Power != site.PowerGrid {
		t.Errorf("village with partial grid: got %s power", s.Power)
	}
}

func TestPlanRefuses(t *testing.T) {
	cfg, err := site.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Plan(context.Background(), site.Input{Targets: []site.Target{{X: math.NaN(), Households: 1}}}, cfg); err == nil {
		t.Error("NaN coordinates accepted")
	}
	if _, err := site.Plan(context.Background(), site.Input{Targets: []site.Target{{Households: 0}}}, cfg); err == nil {
		t.Error("0 households accepted")
	}
	bad := cfg
	bad.Radius = map[string]float64{site.Flat: 5000}
	if _, err := site.Plan(context.Background(), site.Input{}, bad); err == nil {
		t.Error("config without hilly radius accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = site.Plan(ctx, site.Input{Targets: villages(rand.New(rand.NewPCG(1, 1)), 10, 1000)}, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}
