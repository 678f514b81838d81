package area_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
)

func TestGroupRefuses(t *testing.T) {
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	good := point("14", "03703", "Bản", 103.6, 21.6, r)
	tests := []struct {
		name string
		edit func(*survey.Point, *area.Config)
		want string
	}{
		{"unknown province", func(p *survey.Point, _ *area.Config) { p.ProvinceCode = "99" }, "no projection"},
		{"old province code", func(p *survey.Point, _ *area.Config) { p.ProvinceCode = "02" }, "no projection"},
		{"one-digit code", func(p *survey.Point, _ *area.Config) { p.ProvinceCode = "1" }, "province code"},
		{"NaN", func(p *survey.Point, _ *area.Config) { p.Location = orb.Point{math.NaN(), 21} }, "non-finite"},
		{"eps 0", func(_ *survey.Point, c *area.Config) { c.Eps = 0 }, "eps"},
		{"eps too large", func(_ *survey.Point, c *area.Config) { c.EpsByTerrain = map[string]float64{"flat": 1e6} }, "eps of terrain flat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, c := good, cfg
			tc.edit(&p, &c)
			_, err := area.Group(context.Background(), []survey.Point{good, p}, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := area.Group(ctx, []survey.Point{good}, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
	bad := cfg
	bad.MaxDiameter = 5000 // below two flat radii
	if _, _, err := area.Build(context.Background(), []survey.Point{good}, bad); err == nil {
		t.Error("MaxDiameter below two radii accepted")
	}
}

// TestGroupEpsByTerrain checks per-terrain and per-province eps against
// comparing every pair: two points link when within the smaller of their
// eps; a province's eps wins over the terrain's.
func TestGroupEpsByTerrain(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	var pts []survey.Point
	for range 3000 {
		prov := []string{"14", "11"}[r.IntN(2)]
		pts = append(pts, point(prov, "03703", "Bản", 103.0+r.Float64()*0.4, 21.5+r.Float64()*0.4, r))
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.EpsByTerrain = map[string]float64{"flat": 3000, "mountainous": 1000}
	cfg.EpsByProvince = map[string]float64{"11": 1500}
	g, err := area.Group(context.Background(), pts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkGrouping(t, pts, g)
	// Brute force on the grouping's own coordinates.
	parent := make([]int, len(pts))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if pts[i].ProvinceCode != pts[j].ProvinceCode {
				continue
			}
			e := math.Min(cfg.EpsOf(pts[i].ProvinceCode, pts[i].Terrain), cfg.EpsOf(pts[j].ProvinceCode, pts[j].Terrain))
			if math.Hypot(g.X[i]-g.X[j], g.Y[i]-g.Y[j]) <= e {
				parent[find(i)] = find(j)
			}
		}
	}
	want := make([]int, len(pts))
	for i := range want {
		want[i] = find(i)
	}
	checkPartition(t, g.Cluster, want)
}

func TestGroupEmpty(t *testing.T) {
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	g, areas, err := area.Build(context.Background(), nil, cfg)
	if err != nil || len(g.Clusters) != 0 || len(areas) != 0 {
		t.Errorf("got %d clusters, %d areas, %v; want none", len(g.Clusters), len(areas), err)
	}
}
