package coord_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
)

func TestCheckLatLon(t *testing.T) {
	tests := []struct {
		name     string
		lat, lon float64
		want     orb.Point
		problem  string // problem code, "" when the pair is fine
		says     string // a part of the English message, when it matters
	}{
		{"Hà Nội", 21.0285, 105.8542, orb.Point{105.8542, 21.0285}, "", ""},
		{"Đất Mũi", 8.636976, 104.819545, orb.Point{104.819545, 8.636976}, "", ""},
		{"Hoàng Sa", 16.5, 112.0, orb.Point{112.0, 16.5}, "", ""},
		{"Trường Sa, far east", 8.9, 116.9, orb.Point{116.9, 8.9}, "", ""},
		{"south-west corner", 6, 101.5, orb.Point{101.5, 6}, "", ""},
		{"north-east corner", 24, 118, orb.Point{118, 24}, "", ""},
		{"swapped", 105.8542, 21.0285, orb.Point{}, "lat_lon_swapped", "did you mean lat=21.0285, lon=105.8542?"},
		{"negative latitude", -21.0285, 105.8542, orb.Point{}, "sign_flipped", "lat=21.0285, lon=105.8542?"},
		{"negative longitude", 21.0285, -105.8542, orb.Point{}, "sign_flipped", "lat=21.0285, lon=105.8542?"},
		{"metres", 2327446.89, 586908.49, orb.Point{}, "metres_with_degree_crs", "VN2000-TM3"},
		{"latitude above 90", 95, 105, orb.Point{}, "lat_out_of_range", "Latitude 95"},
		{"longitude above 180", 21, 190, orb.Point{}, "lon_out_of_range", "Longitude 190"},
		{"Bangkok", 13.7563, 100.5018, orb.Point{}, "outside_vietnam", "latitude 13.7563, longitude 100.5018"},
		{"south of the box", 5.9, 105, orb.Point{}, "outside_vietnam", ""},
		{"NaN", math.NaN(), 105, orb.Point{}, "not_a_number", ""},
		{"infinity", 21, math.Inf(1), orb.Point{}, "not_a_number", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := coord.CheckLatLon(tc.lat, tc.lon)
			if code := problemCode(t, err); code != tc.problem {
				t.Fatalf("CheckLatLon(%v, %v): got problem %q (%v), want %q", tc.lat, tc.lon, code, err, tc.problem)
			}
			if got != tc.want {
				t.Errorf("CheckLatLon(%v, %v) = %v, want %v", tc.lat, tc.lon, got, tc.want)
			}
			if tc.says != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.says)) {
				t.Errorf("CheckLatLon(%v, %v): got message %q, want it to say %q", tc.lat, tc.lon, err, tc.says)
			}
		})
	}
}

// TestSwappedMessageVI checks the Vietnamese message of a swap gives the
// values to type, in the right places.
func TestSwappedMessageVI(t *testing.T) {
	_, err := coord.CheckLatLon(105.8542, 21.0285)
	var p phusong.Problem
	if !errors.As(err, &p) {
		t.Fatalf("got %v, want a phusong.Problem", err)
	}
	if want := "Có phải vĩ độ = 21.0285, kinh độ = 105.8542?"; !strings.Contains(p.VI, want) {
		t.Errorf("got %q, want it to contain %q", p.VI, want)
	}
}
