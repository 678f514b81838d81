package site_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/coord"
	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// genDir is the synthetic survey generator shared by the team.
var genDir = filepath.Join("..", "..", "..", "shared", "tools", "gen")

var genCache sync.Map // "n/seed" → []survey.Point

// generate runs the generator (-format survey) and returns its points, the
// same rows the bench scripts load.
func generate(tb testing.TB, n int, seed uint64) []survey.Point {
	tb.Helper()
	key := fmt.Sprintf("%d/%d", n, seed)
	if v, ok := genCache.Load(key); ok {
		return v.([]survey.Point)
	}
	cmd := exec.Command("go", "run", ".", "-format", "survey", "-n", strconv.Itoa(n), "-seed", strconv.FormatUint(seed, 10))
	cmd.Dir = genDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("generator: %v: %s", err, stderr.Bytes())
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		tb.Fatalf("generator output: %v", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	pts := make([]survey.Point, 0, len(recs)-1)
	for _, r := range recs[1:] {
		lat, _ := strconv.ParseFloat(r[col["lat"]], 64)
		lon, _ := strconv.ParseFloat(r[col["lon"]], 64)
		hh, _ := strconv.Atoi(r[col["households"]])
		p := survey.Point{
			ProvinceCode: r[col["province_code"]], CommuneCode: r[col["commune_code"]],
			VillageName: r[col["village_name"]], RefID: r[col["ref_id"]],
			Location: orb.Point{lon, lat}, Households: hh, GridPower: r[col["grid_power"]],
		}
		for k, name := range []string{"signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile"} {
			p.Signal[k] = r[col[name]]
		}
		p.Category = survey.DeriveCategory(p.Signal)
		pts = append(pts, p)
	}
	genCache.Store(key, pts)
	return pts
}

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
