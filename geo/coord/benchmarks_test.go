package coord_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/coord"
)

// tm3Points returns n seeded random TM-3 coordinates of points in Hà Nội's
// zone (105°00′), spread over ±1.5° of longitude and 8.5°–23.3° of latitude.
func tm3Points(n int) (c coord.CRS, xs, ys []float64) {
	c = coord.TM3(105)
	r := rand.New(rand.NewPCG(1, 2))
	xs, ys = make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i], ys[i] = c.FromWGS84(orb.Point{103.5 + 3*r.Float64(), 8.5 + 14.8*r.Float64()})
	}
	return c, xs, ys
}

// BenchmarkToWGS84TM3 converts VN-2000 TM-3 coordinates to WGS 84 with all
// checks, one point per op; s/1M is the time for a million points.
func BenchmarkToWGS84TM3(b *testing.B) {
	c, xs, ys := tm3Points(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.ToWGS84(xs[i], ys[i]); err != nil {
			b.Fatal(err)
		}
		i = (i + 1) % len(xs)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6, "s/1M")
}

func BenchmarkFromWGS84TM3(b *testing.B) {
	c, xs, ys := tm3Points(4096)
	ps := make([]orb.Point, len(xs))
	for i := range ps {
		ps[i], _ = c.ToWGS84(xs[i], ys[i])
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.FromWGS84(ps[i])
		i = (i + 1) % len(ps)
	}
}

func BenchmarkTMInverse(b *testing.B) {
	_, xs, ys := tm3Points(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		coord.TMInverse(xs[i], ys[i], 105, 0.9999, 500000)
		i = (i + 1) % len(xs)
	}
}

func BenchmarkVN2000ToWGS84(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		coord.VN2000ToWGS84(105.836178180, 21.039515766)
	}
}

func BenchmarkParseDegrees(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"decimal", "21.038530"},
		{"decimal-comma", "21,038530"},
		{"dms", `22°23'05.4"N`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := coord.ParseDegrees(bc.in, coord.Lat, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
