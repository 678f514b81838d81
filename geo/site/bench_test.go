package site_test

import (
	"context"
	"testing"

	"github.com/phusong/phusong/geo/site"
)

// BenchmarkSites10k plans one area of 10,000 points: the points of the
// generator's 1M set (seed 1) nearest the middle of Sơn La's (14) points,
// terrain unknown (so hilly, 3 km). Target: under 1 s.
func BenchmarkSites10k(b *testing.B) {
	pts := generate(b, 1000000, 1)
	targets, proj := nearestTargets(b, pts, "14", 10000)
	cfg, err := site.DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var res site.Result
	b.ReportAllocs()
	for b.Loop() {
		res, err = site.Plan(ctx, site.Input{Targets: targets, Projection: proj}, cfg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Sites)), "sites")
}
