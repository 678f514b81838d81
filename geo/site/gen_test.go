package site_test

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/coord"
	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/geo/survey/surveygen"
)

// generate runs the team's generator (-format survey): the same rows the
// bench scripts load.
var generate = surveygen.Generate

// tm projects lon/lat with a province's TM-3 meridian on WGS 84, as
// geo/area does.
type tm struct{ lon0 float64 }

func (p tm) forward(q orb.Point) (x, y float64) {
	return coord.TMForward(q[0], q[1], p.lon0, 0.9999, 500000)
}

func (p tm) Inverse(x, y float64) orb.Point {
	lon, lat := coord.TMInverse(x, y, p.lon0, 0.9999, 500000)
	return orb.Point{lon, lat}
}

// nearestTargets returns the n points of a province nearest the middle of
// its points, as targets, and the projection they are in.
func nearestTargets(tb testing.TB, pts []survey.Point, province string, n int) ([]site.Target, tm) {
	tb.Helper()
	lon0, ok := coord.CentralMeridian(province)
	if !ok {
		tb.Fatalf("no meridian for %s", province)
	}
	proj := tm{lon0}
	var ts []site.Target
	var mx, my float64
	for _, p := range pts {
		if p.ProvinceCode != province {
			continue
		}
		x, y := proj.forward(p.Location)
		ts = append(ts, site.Target{X: x, Y: y, Households: p.Households, GridPower: p.GridPower, Category: p.Category})
		mx += x
		my += y
	}
	if len(ts) < n {
		tb.Fatalf("province %s has %d points, want %d", province, len(ts), n)
	}
	mx /= float64(len(ts))
	my /= float64(len(ts))
	slices.SortFunc(ts, func(a, b site.Target) int {
		da, db := math.Hypot(a.X-mx, a.Y-my), math.Hypot(b.X-mx, b.Y-my)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	})
	return ts[:n], proj
}
