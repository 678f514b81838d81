package area_test

import (
	"math"
	"testing"

	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
)

// offshore are the special zones (đặc khu) far from their province's
// meridian: Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hoà).
var offshore = map[string]bool{"20333": true, "22736": true}

// TestProjectionScale measures the scale error of each province's
// projection over the boundary vertices of all 3,321 communes: the ratio of
// a short projected step northwards to its length on the ellipsoid (the
// projection is conformal, so every direction has the same scale). doc.go
// quotes the figures it logs.
func TestProjectionScale(t *testing.T) {
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	lo, hi := math.Inf(1), math.Inf(-1)
	var hiWhere string
	special := map[string]float64{}
	for _, c := range ref.Communes() {
		p, err := area.ProjectionFor(c.ProvinceCode)
		if err != nil {
			t.Fatal(err)
		}
		for _, poly := range c.Boundary {
			for _, ring := range poly {
				for _, v := range ring {
					const dlat = 1e-4 // degrees, ~11 m
					x0, y0 := p.Forward(v)
					x1, y1 := p.Forward([2]float64{v[0], v[1] + dlat})
					phi := (v[1] + dlat/2) * math.Pi / 180
					s := math.Sin(phi)
					arc := a * (1 - e2) / math.Pow(1-e2*s*s, 1.5) * dlat * math.Pi / 180
					k := math.Hypot(x1-x0, y1-y0) / arc
					if offshore[c.Code] {
						special[c.FullName] = math.Max(special[c.FullName], k)
						continue
					}
					lo = math.Min(lo, k)
					if k > hi {
						hi, hiWhere = k, c.FullName
					}
				}
			}
		}
	}
	t.Logf("scale over every commune but the offshore zones: %.6f … %.6f (largest in %s)", lo, hi, hiWhere)
	for name, k := range special {
		t.Logf("%s: up to %.5f", name, k)
	}
	if lo < 0.99989 || hi > 1.00068 {
		t.Errorf("scale %.6f … %.6f, want within 0.99989 … 1.00068", lo, hi)
	}
}
