package coord_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
)

// TestEveryCode raises every code of coord.Codes through the public API and
// checks its messages, so that no code is listed without a way to reach it
// and no reachable code is missing from the list.
func TestEveryCode(t *testing.T) {
	tm3 := coord.TM3(105)
	raise := map[string]func() error{
		"degrees_empty":          func() error { _, err := coord.ParseDegrees("", coord.Lat, false); return err },
		"not_a_number":           func() error { _, err := coord.ParseDegrees("abc", coord.Lat, false); return err },
		"decimal_comma":          func() error { _, err := coord.ParseDegrees("21,0285", coord.Lat, false); return err },
		"dms_invalid":            func() error { _, err := coord.ParseDegrees("22.5°23'", coord.Lat, false); return err },
		"hemisphere_mismatch":    func() error { _, err := coord.ParseDegrees("105°E", coord.Lat, false); return err },
		"sign_and_hemisphere":    func() error { _, err := coord.ParseDegrees("-21 N", coord.Lat, false); return err },
		"minutes_out_of_range":   func() error { _, err := coord.ParseDegrees("21°61'", coord.Lat, false); return err },
		"seconds_out_of_range":   func() error { _, err := coord.ParseDegrees(`21°01'61"`, coord.Lat, false); return err },
		"lat_out_of_range":       func() error { _, err := coord.CheckLatLon(95, 105); return err },
		"lon_out_of_range":       func() error { _, err := coord.CheckLatLon(21, 190); return err },
		"outside_vietnam":        func() error { _, err := coord.CheckLatLon(13.75, 100.5); return err },
		"lat_lon_swapped":        func() error { _, err := coord.CheckLatLon(105.85, 21.03); return err },
		"sign_flipped":           func() error { _, err := coord.CheckLatLon(-21.03, 105.85); return err },
		"metres_with_degree_crs": func() error { _, err := coord.WGS84.ToWGS84(586908, 2327446); return err },
		"degrees_with_metre_crs": func() error { _, err := tm3.ToWGS84(105.85, 21.03); return err },
		"xy_swapped":             func() error { _, err := tm3.ToWGS84(2327446, 586908); return err },
		"crs_missing":            func() error { _, err := coord.ParseCRS("", "01"); return err },
		"crs_unknown":            func() error { _, err := coord.ParseCRS("UTM48", "01"); return err },
		"crs_no_zone":            func() error { _, err := coord.ParseCRS("VN2000-TM3", "02"); return err },
		"crs_meridian_invalid":   func() error { _, err := coord.ParseCRS("VN2000-TM3:105.45", ""); return err },
		"crs_deprecated":         func() error { _, err := coord.ParseCRS("EPSG:6957", ""); return err },
	}
	codes := coord.Codes()
	for code := range raise {
		if !slices.Contains(codes, code) {
			t.Errorf("code %s is raised but missing from Codes()", code)
		}
	}
	for _, code := range codes {
		t.Run(code, func(t *testing.T) {
			f, ok := raise[code]
			if !ok {
				t.Fatalf("no test raises %s", code)
			}
			var p phusong.Problem
			if err := f(); !errors.As(err, &p) {
				t.Fatalf("got %v, want a phusong.Problem", err)
			}
			if p.Code != code {
				t.Errorf("got code %s, want %s", p.Code, code)
			}
			if p.VI == "" || p.EN == "" || p.VI == p.EN {
				t.Errorf("got vi %q, en %q, want two different texts", p.VI, p.EN)
			}
			if strings.Contains(p.VI+p.EN, "%!") {
				t.Errorf("got vi %q, en %q, want no formatting errors", p.VI, p.EN)
			}
		})
	}
}
