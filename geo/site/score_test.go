package site_test

import (
	"math"
	"testing"

	"github.com/phusong/phusong/geo/site"
)

func TestScore(t *testing.T) {
	w := site.DefaultWeights
	tests := []struct {
		name string
		in   site.Summary
		want float64
	}{
		{"empty", site.Summary{}, 0},
		{"everything", site.Summary{Points: 4, Households: 600, Sites: 2, TrangSong: 4, PublicFacilities: 3, DBKK: 4, BorderPosts: 1}, 100},
		{"half of each", site.Summary{Points: 4, Households: 150, Sites: 2, TrangSong: 2, PublicFacilities: 1, DBKK: 2},
			100 * (0.35*0.5 + 0.25*0.5 + 0.15/3 + 0.15*0.5)},
		{"lõm sóng, few households", site.Summary{Points: 10, Households: 30, Sites: 2}, 100 * 0.35 * 0.1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := w.Score(tc.in)
			if math.Abs(s.Value-tc.want) > 1e-9 {
				t.Errorf("got %v, want %v", s.Value, tc.want)
			}
			sum := 0.0
			for _, term := range s.Terms {
				sum += term.Contribution
			}
			if math.Abs(sum-s.Value) > 1e-9 || s.Formula == "" || s.Weights != w {
				t.Errorf("terms add to %v, value %v; formula %q", sum, s.Value, s.Formula)
			}
		})
	}
}

func TestWeightsValidate(t *testing.T) {
	if err := site.DefaultWeights.Validate(); err != nil {
		t.Fatal(err)
	}
	w := site.DefaultWeights
	w.Border = -1
	if w.Validate() == nil {
		t.Error("negative weight accepted")
	}
	w = site.Weights{HouseholdsPerSiteRef: 1, FacilitiesRef: 1}
	if w.Validate() == nil {
		t.Error("all-zero weights accepted")
	}
}
