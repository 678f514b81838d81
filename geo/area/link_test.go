package area

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteLink is single linkage by comparing every pair, the reference for
// linkUniform and linkVarying.
func bruteLink(xs, ys, eps []float64) []int32 {
	uf := newUnionFind(len(xs))
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			e := math.Min(eps[i], eps[j])
			if within(xs[i], ys[i], xs[j], ys[j], e) {
				uf.union(int32(i), int32(j))
			}
		}
	}
	out := make([]int32, len(xs))
	for i := range out {
		out[i] = uf.find(int32(i))
	}
	return out
}

// samePartition reports whether two labelings put the same points together.
func samePartition(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[int32]int32{}, map[int32]int32{}
	for i := range a {
		if x, ok := ab[a[i]]; ok && x != b[i] {
			return false
		}
		if x, ok := ba[b[i]]; ok && x != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}

func TestLinkAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for c := range 400 {
		n := 1 + r.IntN(300)
		span := []float64{1000, 5000, 20000, 80000}[c%4]
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range xs {
			xs[i] = 500000 + r.Float64()*span
			ys[i] = 2000000 + r.Float64()*span
			if r.IntN(10) == 0 && i > 0 { // duplicates
				xs[i], ys[i] = xs[i-1], ys[i-1]
			}
		}
		eps := 2000.0
		same := make([]float64, n)
		for i := range same {
			same[i] = eps
		}
		got, k := linkUniform(xs, ys, eps)
		if want := bruteLink(xs, ys, same); !samePartition(got, want) {
			t.Fatalf("case %d: linkUniform differs from brute force", c)
		}
		for _, g := range got {
			if g < 0 || int(g) >= k {
				t.Fatalf("case %d: component %d outside [0, %d)", c, g, k)
			}
		}
		vary := make([]float64, n)
		for i := range vary {
			vary[i] = []float64{1000, 2000, 3000}[r.IntN(3)]
		}
		got, _ = linkVarying(xs, ys, vary)
		if want := bruteLink(xs, ys, vary); !samePartition(got, want) {
			t.Fatalf("case %d: linkVarying differs from brute force", c)
		}
	}
}
