package progress

import (
	"slices"
	"testing"
)

func TestRank(t *testing.T) {
	ps := []Province{
		{Code: "01"}, // nothing submitted
		{Code: "02", PointsSubmitted: 10, PointsAccepted: 5, PointsReturned: 5, HouseholdsAccepted: 100},
		{Code: "03", PointsSubmitted: 4, PointsAccepted: 4, HouseholdsAccepted: 40},
		{Code: "04", PointsSubmitted: 8, PointsAccepted: 8, HouseholdsAccepted: 80}, // ties 03, more accepted
		{Code: "05", PointsSubmitted: 3, PointsPending: 3},                          // nothing decided
		{Code: "06", PointsSubmitted: 2, PointsAccepted: 1, PointsReturned: 1, HouseholdsAccepted: 10},
	}
	rank(ps, map[string]Covered{"06": {Packages: 1, Points: 1, Households: 10}})
	var order []string
	for _, p := range ps {
		order = append(order, p.Code)
	}
	if want := []string{"06", "04", "03", "02", "01", "05"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	tests := []struct {
		code  string
		score float64
		rank  int
		share float64 // -1: null
	}{
		{"06", 75, 1, 0},
		{"04", 50, 2, 1},
		{"03", 50, 3, 1},
		{"02", 25, 4, 0.5},
		{"01", 0, 0, -1},
		{"05", 0, 0, 0},
	}
	for i, tc := range tests {
		p := ps[i]
		if p.Code != tc.code || p.Score != tc.score || p.Rank != tc.rank {
			t.Errorf("%s: score %v rank %d, want %s: %v, %d", p.Code, p.Score, p.Rank, tc.code, tc.score, tc.rank)
		}
		switch {
		case tc.share < 0 && p.ShareWithoutSignal != nil:
			t.Errorf("%s: share %v, want null", p.Code, *p.ShareWithoutSignal)
		case tc.share >= 0 && (p.ShareWithoutSignal == nil || *p.ShareWithoutSignal != tc.share):
			t.Errorf("%s: share %v, want %v", p.Code, p.ShareWithoutSignal, tc.share)
		}
	}
}
