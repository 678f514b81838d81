package admin

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// vietnam is the mainland's bounding box, with a little sea around it.
var vietnam = orb.Bound{Min: orb.Point{102.1, 8.3}, Max: orb.Point{109.5, 23.4}}

func mustParse(t testing.TB) *Data {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// bruteForce answers like ProvinceAt without the grid: the first province in
// code order whose polygons contain p (planar.MultiPolygonContains), or -1.
type bruteForce struct {
	provinces []Province
	bounds    [][]orb.Bound // per province, per polygon
}

func newBruteForce(provinces []Province) *bruteForce {
	bf := &bruteForce{provinces: provinces}
	for _, p := range provinces {
		var bs []orb.Bound
		for _, poly := range p.Boundary {
			bs = append(bs, poly.Bound())
		}
		bf.bounds = append(bf.bounds, bs)
	}
	return bf
}

func (bf *bruteForce) at(p orb.Point) int {
	for i, pr := range bf.provinces {
		for j, poly := range pr.Boundary {
			// The bound check only skips work; PolygonContains repeats it.
			if bf.bounds[i][j].Contains(p) && planar.PolygonContains(poly, p) {
				return i
			}
		}
	}
	return -1
}

func randomPoints(n int, b orb.Bound, seed uint64) []orb.Point {
	r := rand.New(rand.NewPCG(seed, 1))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return pts
}

// TestProvinceAtMatchesBruteForce compares ProvinceAt with ray casting over
// every polygon on 100k random points: identical wherever brute force finds
// a province; where it finds none, ProvinceAt may only name a province whose
// boundary is within 1 km.
func TestProvinceAtMatchesBruteForce(t *testing.T) {
	d := mustParse(t)
	bf := newBruteForce(d.provinces)
	pts := randomPoints(90_000, vietnam, 1)
	// Plus the islands far out: Hoàng Sa and Trường Sa.
	pts = append(pts, randomPoints(5_000, orb.Bound{Min: orb.Point{111, 15.6}, Max: orb.Point{113, 17.2}}, 2)...)
	pts = append(pts, randomPoints(5_000, orb.Bound{Min: orb.Point{111.5, 7}, Max: orb.Point{117.9, 11.5}}, 3)...)
	inside, slop, outside, checkedOutside := 0, 0, 0, 0
	for _, p := range pts {
		want := bf.at(p)
		code, ok := d.ProvinceAt(p)
		switch {
		case want >= 0:
			inside++
			if !ok || code != d.provinces[want].Code {
				t.Errorf("ProvinceAt(%v) = %q, %v; brute force says %s", p, code, ok, d.provinces[want].Code)
			}
		case ok:
			slop++
			pr, _ := d.Province(code)
			if m := boundaryDistance(pr.Boundary, p); m > slopMetres*1.01 {
				t.Errorf("ProvinceAt(%v) = %s, in no polygon and %.0f m from it", p, code, m)
			}
		default:
			outside++
			// Check a sample (it is slow): no province within 1 km.
			if outside%100 == 0 {
				checkedOutside++
				for _, pr := range d.provinces {
					if m := boundaryDistance(pr.Boundary, p); m < slopMetres*0.99 {
						t.Errorf("ProvinceAt(%v) = not found, but %s is %.0f m away", p, pr.Code, m)
					}
				}
			}
		}
	}
	t.Logf("%d points: %d inside a province, %d within 1 km of one, %d outside (%d checked)", len(pts), inside, slop, outside, checkedOutside)
	if inside < 20_000 {
		t.Errorf("only %d points inside a province: the test is not testing much", inside)
	}
}

// TestProvinceAtNearBorders puts points close to every province vertex, where
// the mixed cells and the edge tests do all the work.
func TestProvinceAtNearBorders(t *testing.T) {
	d := mustParse(t)
	bf := newBruteForce(d.provinces)
	r := rand.New(rand.NewPCG(4, 4))
	n := 0
	for _, pr := range d.provinces {
		for _, poly := range pr.Boundary {
			for _, ring := range poly {
				for i := 0; i < len(ring); i += 7 {
					p := orb.Point{ring[i][0] + (r.Float64()-0.5)*0.002, ring[i][1] + (r.Float64()-0.5)*0.002}
					want := bf.at(p)
					if want < 0 {
						continue
					}
					n++
					if code, ok := d.ProvinceAt(p); !ok || code != d.provinces[want].Code {
						t.Errorf("ProvinceAt(%v) = %q, %v; brute force says %s", p, code, ok, d.provinces[want].Code)
					}
				}
			}
		}
	}
	if n < 5000 {
		t.Errorf("only %d points tested", n)
	}
}

func TestNearestWithinSlop(t *testing.T) {
	d := mustParse(t)
	// Hải Lạng's interior point lies ~880 m off Quảng Ninh's polygon.
	p := orb.Point{107.383682, 21.264299}
	if bf := newBruteForce(d.provinces); bf.at(p) >= 0 {
		t.Fatalf("%v is inside a province polygon; pick another point", p)
	}
	pr, _ := d.Province("22")
	m := boundaryDistance(pr.Boundary, p)
	if m < 500 || m > slopMetres {
		t.Fatalf("%v is %.0f m from Quảng Ninh; the test wants 500–1000", p, m)
	}
	if code, ok := d.ProvinceAt(p); !ok || code != "22" {
		t.Errorf("ProvinceAt(%v) = %q, %v; want 22", p, code, ok)
	}
	if i, ok := d.grid.locate(p, m*0.9); ok {
		t.Errorf("locate with slop %.0f m found province index %d; want none", m*0.9, i)
	}
}

func BenchmarkProvinceAt(b *testing.B) {
	d := mustParse(b)
	// Points spread evenly over Vietnam's land: random points in the bounding
	// box that fall in a province.
	bf := newBruteForce(d.provinces)
	var pts []orb.Point
	for _, p := range randomPoints(1<<16, vietnam, 5) {
		if bf.at(p) >= 0 {
			pts = append(pts, p)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		d.ProvinceAt(pts[i%len(pts)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkProvinceAtCommunes looks up the commune interior points: denser in
// cities and closer to borders than points spread by area.
func BenchmarkProvinceAtCommunes(b *testing.B) {
	d := mustParse(b)
	var pts []orb.Point
	for _, c := range d.communes {
		pts = append(pts, c.Point)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		d.ProvinceAt(pts[i%len(pts)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLoad measures what the first Load costs: decoding the embedded
// files and building the province index.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(); err != nil {
			b.Fatal(err)
		}
	}
}
