package area_test

import (
	"context"
	"testing"

	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
)

func benchGroup(b *testing.B, n int) {
	pts := generate(b, n, 1)
	cfg, err := area.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var areas []area.Area
	b.ReportAllocs()
	for b.Loop() {
		g, err := area.Group(ctx, pts, cfg)
		if err != nil {
			b.Fatal(err)
		}
		areas, err = g.Areas(ctx, pts, cfg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(areas)), "areas")
}

// BenchmarkGroup1M groups the generator's 1,000,000 points (seed 1) at the
// default eps and summarises every group: counts, communes, villages and
// its polygon in EPSG:4326. The PostGIS pipeline it is compared with in
// bench/areas.sh takes about 9 s.
func BenchmarkGroup1M(b *testing.B) { benchGroup(b, 1000000) }

// BenchmarkGroup100k is BenchmarkGroup1M on 100,000 points; target 0.1 s.
func BenchmarkGroup100k(b *testing.B) { benchGroup(b, 100000) }

// BenchmarkBuild1M is the whole of Build on the generator's 1M points:
// grouping, site plans, bounding, summaries, costs and scores.
func BenchmarkBuild1M(b *testing.B) {
	pts := generate(b, 1000000, 1)
	cfg, err := area.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var areas []area.Area
	b.ReportAllocs()
	for b.Loop() {
		_, areas, err = area.Build(ctx, pts, cfg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(areas)), "areas")
}

// BenchmarkBuildProvince is Build on one province, as recomputing after an
// accept does: the province with the most points among the generator's
// 100,000 (seed 1).
func BenchmarkBuildProvince(b *testing.B) {
	all := generate(b, 100000, 1)
	count := map[string]int{}
	for _, p := range all {
		count[p.ProvinceCode]++
	}
	best := ""
	for code, n := range count {
		if n > count[best] || n == count[best] && code < best {
			best = code
		}
	}
	var pts []survey.Point
	for _, p := range all {
		if p.ProvinceCode == best {
			pts = append(pts, p)
		}
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var areas []area.Area
	b.ReportAllocs()
	for b.Loop() {
		_, areas, err = area.Build(ctx, pts, cfg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pts)), "points")
	b.ReportMetric(float64(len(areas)), "areas")
}
