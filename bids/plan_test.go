package bids

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
)

func cand(id int64, province string, lon, lat float64, sites int) Candidate {
	return Candidate{ID: id, Version: 1, Province: province, Centroid: orb.Point{lon, lat}, Points: 10 * sites,
		Households: 100 * sites, Sites: sites, CostVND: int64(sites) * 3_000_000_000, Score: float64(id), DBKK: 1, GridPower: 1}
}

func TestPlan(t *testing.T) {
	t.Parallel()
	base := []Candidate{
		cand(1, "12", 103.0, 22.0, 2), cand(2, "12", 103.01, 22.0, 2), cand(3, "12", 103.5, 22.5, 2),
		cand(4, "12", 103.51, 22.5, 2), cand(5, "08", 105.0, 22.0, 7), cand(6, "08", 105.1, 22.0, 1),
	}
	noDBKK := cand(7, "12", 103.2, 22.2, 1)
	noDBKK.DBKK = 0
	noGrid := cand(8, "12", 103.2, 22.3, 1)
	noGrid.GridPower = 0
	taken := cand(9, "12", 103.2, 22.4, 1)
	taken.PackageID = 42
	low := cand(10, "12", 103.3, 22.4, 1)
	low.Score = 0.5
	all := append(append([]Candidate{}, base...), noDBKK, noGrid, taken, low)

	tests := []struct {
		name     string
		cands    []Candidate
		rule     Rule
		packages [][]int64 // area ids per package, in order
		excluded map[int64]string
	}{
		{"one per province, by score", base, Rule{Mode: "province"},
			[][]int64{{6, 5}, {4, 3, 2, 1}}, nil},
		{"one province only", base, Rule{Mode: "province", Province: "08"}, [][]int64{{6, 5}}, nil},
		{"cap by sites keeps neighbours together", base, Rule{Mode: "cap", CapKind: "sites", Cap: 4},
			[][]int64{{5}, {6}, {1, 2}, {3, 4}}, nil},
		{"an area over the cap is a package alone", []Candidate{cand(1, "12", 103, 22, 9)}, Rule{Mode: "cap", CapKind: "sites", Cap: 4},
			[][]int64{{1}}, nil},
		{"cap by households", base[:4], Rule{Mode: "cap", CapKind: "households", Cap: 800}, [][]int64{{1, 2, 3, 4}}, nil},
		{"cap by value", base[:4], Rule{Mode: "cap", CapKind: "value", Cap: 12e9}, [][]int64{{1, 2}, {3, 4}}, nil},
		{"eligibility and threshold", all, Rule{Mode: "province", Province: "12", RequireDBKK: true, RequireGrid: true, MinScore: 1},
			[][]int64{{4, 3, 2, 1}}, map[int64]string{7: "not_dbkk", 8: "no_grid_power", 9: "in_package", 10: "below_min_score"}},
		{"checks switched off", all, Rule{Mode: "province", Province: "12"},
			[][]int64{{8, 7, 4, 3, 2, 1, 10}}, map[int64]string{9: "in_package"}},
		{"nothing eligible", []Candidate{noDBKK}, Rule{Mode: "province", RequireDBKK: true}, nil, map[int64]string{7: "not_dbkk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, excl := Plan(tc.cands, tc.rule)
			if len(got) != len(tc.packages) {
				t.Fatalf("%d packages, want %d: %+v", len(got), len(tc.packages), got)
			}
			for i, p := range got {
				var ids []int64
				for _, a := range p.Areas {
					ids = append(ids, a.ID)
				}
				if !equal(ids, tc.packages[i]) {
					t.Errorf("package %d: areas %v, want %v", i, ids, tc.packages[i])
				}
				if p.Totals.Areas != len(ids) {
					t.Errorf("package %d: totals %+v", i, p.Totals)
				}
			}
			if len(excl) != len(tc.excluded) {
				t.Fatalf("excluded %+v, want %v", excl, tc.excluded)
			}
			for _, x := range excl {
				if tc.excluded[x.AreaID] != x.Code || x.VI == "" || x.EN == "" {
					t.Errorf("excluded %+v, want code %q with messages", x, tc.excluded[x.AreaID])
				}
			}
		})
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPlanProperties: on random provinces, every area is in exactly one
// package or excluded, no package crosses a province or exceeds the cap
// unless it holds one area, and packages are compact: the Hilbert cut gives
// packages whose bounding boxes are much smaller than with areas taken in
// id order (random positions).
func TestPlanProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var cs []Candidate
	for i := range 2000 {
		p := []string{"12", "08", "22"}[i%3]
		cs = append(cs, cand(int64(i+1), p, 103+r.Float64()*2, 21+r.Float64()*2, 1+r.IntN(5)))
	}
	rule := Rule{Mode: "cap", CapKind: "sites", Cap: 20}
	got, excl := Plan(cs, rule)
	if len(excl) != 0 {
		t.Fatalf("excluded %d", len(excl))
	}
	seen := map[int64]bool{}
	var hilbertSpan float64
	for _, p := range got {
		if p.Totals.Sites > 20 && len(p.Areas) > 1 {
			t.Errorf("package over the cap: %+v", p.Totals)
		}
		b := orb.Bound{Min: p.Areas[0].Centroid, Max: p.Areas[0].Centroid}
		for _, a := range p.Areas {
			if a.Province != p.Province {
				t.Errorf("area %d of %s in a package of %s", a.ID, a.Province, p.Province)
			}
			if seen[a.ID] {
				t.Errorf("area %d in two packages", a.ID)
			}
			seen[a.ID] = true
			b = b.Extend(a.Centroid)
		}
		hilbertSpan += math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	}
	if len(seen) != len(cs) {
		t.Fatalf("%d areas packaged, want %d", len(seen), len(cs))
	}
	// The same cut in id order, for comparison.
	var idSpan float64
	var acc int
	var b orb.Bound
	start := true
	for _, p := range []string{"12", "08", "22"} {
		for _, c := range cs {
			if c.Province != p {
				continue
			}
			if !start && acc+c.Sites > 20 {
				idSpan += math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
				start = true
			}
			if start {
				b, acc, start = orb.Bound{Min: c.Centroid, Max: c.Centroid}, 0, false
			}
			acc += c.Sites
			b = b.Extend(c.Centroid)
		}
		idSpan += math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
		start = true
	}
	if hilbertSpan*3 > idSpan {
		t.Fatalf("packages not compact: total span %.1f° along the curve vs %.1f° in id order", hilbertSpan, idSpan)
	}
	// Deterministic.
	again, _ := Plan(cs, rule)
	for i := range got {
		if len(got[i].Areas) != len(again[i].Areas) || got[i].Areas[0].ID != again[i].Areas[0].ID {
			t.Fatal("Plan is not deterministic")
		}
	}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule  Rule
		codes []string
	}{
		{DefaultRule(), nil},
		{Rule{Mode: "cap", CapKind: "sites", Cap: 10, Province: "12", MinScore: 40}, nil},
		{Rule{Mode: "x"}, []string{"bad_mode"}},
		{Rule{Mode: "cap"}, []string{"bad_cap_kind", "bad_cap"}},
		{Rule{Mode: "cap", CapKind: "value", Cap: math.Inf(1)}, []string{"bad_cap"}},
		{Rule{Mode: "province", Province: "1"}, []string{"bad_province"}},
		{Rule{Mode: "province", MinScore: 101}, []string{"bad_min_score"}},
		{Rule{Mode: "province", MinScore: math.NaN()}, []string{"bad_min_score"}},
	}
	for _, tc := range tests {
		err := tc.rule.Validate()
		var in *phusong.InputError
		if tc.codes == nil {
			if err != nil {
				t.Errorf("%+v: %v", tc.rule, err)
			}
			continue
		}
		if !errors.As(err, &in) || len(in.Problems) != len(tc.codes) {
			t.Errorf("%+v: %v, want %v", tc.rule, err, tc.codes)
			continue
		}
		for i, p := range in.Problems {
			if p.Code != tc.codes[i] || p.VI == "" || p.EN == "" {
				t.Errorf("%+v: problem %+v, want %s", tc.rule, p, tc.codes[i])
			}
		}
	}
}

func TestHilbertIsABijection(t *testing.T) {
	t.Parallel()
	const n = 16
	seen := map[uint64]bool{}
	for x := range uint32(n) {
		for y := range uint32(n) {
			d := hilbert(n, x, y)
			if d >= n*n || seen[d] {
				t.Fatalf("hilbert(%d,%d) = %d repeats or is out of range", x, y, d)
			}
			seen[d] = true
		}
	}
	// Neighbours along the curve are neighbouring cells.
	pos := map[uint64][2]uint32{}
	for x := range uint32(n) {
		for y := range uint32(n) {
			pos[hilbert(n, x, y)] = [2]uint32{x, y}
		}
	}
	for d := uint64(1); d < n*n; d++ {
		a, b := pos[d-1], pos[d]
		if dist := absDiff(a[0], b[0]) + absDiff(a[1], b[1]); dist != 1 {
			t.Fatalf("steps %d→%d jump from %v to %v", d-1, d, a, b)
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
