package coord_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/coord"
)

func TestParseCRS(t *testing.T) {
	tests := []struct {
		name, in, province string
		want               string // canonical form
		epsg               int
		problem            string // problem code, "" when the input is fine
	}{
		{"province zone", "VN2000-TM3", "01", "VN2000-TM3:105", 5897, ""},
		{"province zone, 2025 meridian", "VN2000-TM3", "12", "VN2000-TM3:104.75", 9208, ""},
		{"province code without its zero", "VN2000-TM3", "4", "VN2000-TM3:105.75", 9210, ""},
		{"province code with a space", "VN2000-TM3", " 1", "VN2000-TM3:105", 5897, ""},
		{"explicit meridian", "VN2000-TM3:104.75", "", "VN2000-TM3:104.75", 9208, ""},
		{"explicit meridian wins", "VN2000-TM3:104.75", "01", "VN2000-TM3:104.75", 9208, ""},
		{"meridian in DMS", "VN2000-TM3:105°45'", "", "VN2000-TM3:105.75", 9210, ""},
		{"EPSG style name", "VN-2000 / TM-3 105-45", "", "VN2000-TM3:105.75", 9210, ""},
		{"spaces and underscores", "vn2000_tm3 105.75", "", "VN2000-TM3:105.75", 9210, ""},
		{"KTT", "VN2000 TM3 KTT 107°45'", "", "VN2000-TM3:107.75", 5899, ""},
		{"TM3 alone", "TM3:108.25", "", "VN2000-TM3:108.25", 9217, ""},
		{"EPSG zone name", "VN-2000 / TM-3 zone 482", "", "VN2000-TM3:105", 5897, ""},
		{"meridian with no EPSG code", "VN2000-TM3:109", "", "VN2000-TM3:109", 0, ""},
		{"UTM 48", "VN2000-UTM48", "", "VN2000-UTM48", 3405, ""},
		{"UTM 49N spaced", "VN-2000 UTM 49N", "", "VN2000-UTM49", 3406, ""},
		{"geographic", "VN2000", "", "VN2000", 4756, ""},
		{"geographic lower case", "vn-2000", "", "VN2000", 4756, ""},
		{"WGS 84", "WGS 84", "", "EPSG:4326", 4326, ""},
		{"EPSG 4326", "EPSG:4326", "", "EPSG:4326", 4326, ""},
		{"EPSG 4756", "epsg:4756", "", "VN2000", 4756, ""},
		{"EPSG 3405", "EPSG:3405", "", "VN2000-UTM48", 3405, ""},
		{"EPSG 3406", "EPSG:3406", "", "VN2000-UTM49", 3406, ""},
		{"EPSG 32648", "EPSG:32648", "", "EPSG:32648", 32648, ""},
		{"EPSG 32649", "EPSG 32649", "", "EPSG:32649", 32649, ""},
		{"EPSG 5897", "EPSG:5897", "", "VN2000-TM3:105", 5897, ""},
		{"EPSG 9210", "EPSG::9210", "", "VN2000-TM3:105.75", 9210, ""},
		{"URN", "urn:ogc:def:crs:EPSG::9218", "", "VN2000-TM3:108.5", 9218, ""},
		{"URL", "http://www.opengis.net/def/crs/EPSG/0/3405", "", "VN2000-UTM48", 3405, ""},
		{"WGS 84 UTM", "WGS84 UTM 48N", "", "EPSG:32648", 32648, ""},

		{"empty", " ", "01", "", 0, "crs_missing"},
		{"unknown", "Hanoi 72", "01", "", 0, "crs_unknown"},
		{"UTM without datum", "UTM48", "", "", 0, "crs_unknown"},
		{"unsupported EPSG", "EPSG:3857", "", "", 0, "crs_unknown"},
		{"EPSG not a number", "EPSG:42a", "", "", 0, "crs_unknown"},
		{"deprecated EPSG", "EPSG:6957", "", "", 0, "crs_deprecated"},
		{"no province", "VN2000-TM3", "", "", 0, "crs_no_zone"},
		{"old province code", "VN2000-TM3", "02", "", 0, "crs_no_zone"},
		{"unknown province", "VN2000-TM3", "99", "", 0, "crs_no_zone"},
		{"minutes as decimals", "VN2000-TM3:105.45", "", "", 0, "crs_meridian_invalid"},
		{"meridian outside Vietnam", "VN2000-TM3:99", "", "", 0, "crs_meridian_invalid"},
		{"meridian not a number", "VN2000-TM3:abc", "", "", 0, "crs_meridian_invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := coord.ParseCRS(tc.in, tc.province)
			if code := problemCode(t, err); code != tc.problem {
				t.Fatalf("ParseCRS(%q, %q): got problem %q (%v), want %q", tc.in, tc.province, code, err, tc.problem)
			}
			if err != nil {
				return
			}
			if c.String() != tc.want || c.EPSG() != tc.epsg {
				t.Errorf("ParseCRS(%q, %q) = %s (EPSG:%d), want %s (EPSG:%d)", tc.in, tc.province, c, c.EPSG(), tc.want, tc.epsg)
			}
			if back, err := coord.ParseCRS(c.String(), ""); err != nil || back != c {
				t.Errorf("ParseCRS(%q) = %v, %v, want %v back", c.String(), back, err, c)
			}
		})
	}
}

// TestParseCRSMessages checks the hints officers need most.
func TestParseCRSMessages(t *testing.T) {
	tests := []struct {
		name, in, province string
		says               string // a part of the English message
	}{
		{"old province names the old meridian", "VN2000-TM3", "02", "Code 02 was Tỉnh Hà Giang before 1 July 2025 (central meridian 105°30′)"},
		{"minutes as decimals", "VN2000-TM3:105.45", "", "Did you mean 105.75 (105°45′)?"},
		{"deprecated names the replacement", "EPSG:6959", "", "Use EPSG:5899"},
		{"unknown lists the forms", "UTM48", "", "VN2000-UTM48, VN2000-UTM49"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := coord.ParseCRS(tc.in, tc.province)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("ParseCRS(%q, %q): got %v, want a message saying %q", tc.in, tc.province, err, tc.says)
			}
		})
	}
}

func TestCentralMeridian(t *testing.T) {
	tests := []struct {
		name, code string
		want       float64
		ok         bool
	}{
		{"Hà Nội", "01", 105, true},
		{"Lai Châu, changed in 2025", "12", 104.75, true},
		{"Gia Lai, changed in 2025", "52", 108.25, true},
		{"Cà Mau", "96", 104.5, true},
		{"leading zero dropped", "1", 105, true},
		{"Hà Giang, merged away", "02", 0, false},
		{"empty", "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := coord.CentralMeridian(tc.code)
			if got != tc.want || ok != tc.ok {
				t.Errorf("CentralMeridian(%q) = %v, %v, want %v, %v", tc.code, got, ok, tc.want, tc.ok)
			}
		})
	}
	if alt, ok := coord.DisputedMeridian("44"); !ok || alt != 106.25 {
		t.Errorf("DisputedMeridian(44) = %v, %v, want 106.25, true", alt, ok)
	}
	if _, ok := coord.DisputedMeridian("01"); ok {
		t.Errorf("DisputedMeridian(01): got ok, want no dispute")
	}
	if lon0, name, ok := coord.LegacyCentralMeridian("45"); !ok || lon0 != 106.25 || name != "Tỉnh Quảng Trị" {
		t.Errorf("LegacyCentralMeridian(45) = %v, %q, %v, want 106.25, Tỉnh Quảng Trị, true", lon0, name, ok)
	}
}

func TestToWGS84(t *testing.T) {
	tm3HaNoi := mustCRS(t, "VN2000-TM3", "01")
	tm3HCMC := mustCRS(t, "VN2000-TM3", "79")
	tm3KhanhHoa := mustCRS(t, "VN2000-TM3", "56")

	// Xuyên Mộc (now Hồ Chí Minh City), 1.75° east of the zone's meridian:
	// its swapped coordinates land in the sea inside the generous box.
	xuyenMoc := orb.Point{107.5, 10.55}
	xmX, xmY := tm3HCMC.FromWGS84(xuyenMoc)
	// Song Tử Tây, Trường Sa, given correctly in Khánh Hòa's zone: both
	// orders land in the box, the given one must win.
	songTuTay := orb.Point{114.33, 11.43}
	stX, stY := tm3KhanhHoa.FromWGS84(songTuTay)

	tests := []struct {
		name    string
		crs     coord.CRS
		x, y    float64
		want    orb.Point
		problem string // problem code, "" when the input is fine
		says    string // a part of the English message, when it matters
	}{
		{"Ba Đình, TM-3", tm3HaNoi, 586908.4926, 2327446.8893, orb.Point{105.838061, 21.03853}, "", ""},
		{"Ba Đình, UTM", mustCRS(t, "VN2000-UTM48", ""), 586882.4174, 2326748.5854, orb.Point{105.838061, 21.03853}, "", ""},
		{"Ba Đình, VN-2000 degrees", coord.VN2000, 105.836178180, 21.039515766, orb.Point{105.838061, 21.03853}, "", ""},
		{"Ba Đình, WGS 84", coord.WGS84, 105.838061, 21.03853, orb.Point{105.838061, 21.03853}, "", ""},
		{"Ba Đình, WGS 84 UTM", mustCRS(t, "EPSG:32648", ""), 587078.6337, 2326640.5051, orb.Point{105.838061, 21.03853}, "", ""},
		{"Trường Sa given correctly", tm3KhanhHoa, stX, stY, songTuTay, "", ""},

		{"northing as x", tm3HaNoi, 2327446.8893, 586908.4926, orb.Point{}, "xy_swapped", "Did you mean x=586908.4926, y=2327446.8893?"},
		{"northing as x, offshore tie", tm3HCMC, xmY, xmX, orb.Point{}, "xy_swapped", "Did you mean x=" + strconv.FormatFloat(xmX, 'f', -1, 64)},
		{"latitude as x", coord.WGS84, 21.03853, 105.838061, orb.Point{}, "xy_swapped", "x is the longitude"},
		{"metres with degrees", coord.WGS84, 586908.4926, 2327446.8893, orb.Point{}, "metres_with_degree_crs", "EPSG:4326"},
		{"degrees with metres", tm3HaNoi, 105.838061, 21.03853, orb.Point{}, "degrees_with_metre_crs", "VN2000-TM3:105"},
		{"negative northing", tm3HaNoi, 586908.4926, -2327446.8893, orb.Point{}, "sign_flipped", "Did you mean x=586908.4926, y=2327446.8893?"},
		{"wrong zone far away", tm3HaNoi, 5869080.49, 2327446.89, orb.Point{}, "outside_vietnam", "central meridian 105°00′"},
		{"absurd metres", tm3HaNoi, 1e300, 1e300, orb.Point{}, "outside_vietnam", "latitude ?"},
		{"NaN", tm3HaNoi, math.NaN(), 2327446.8893, orb.Point{}, "not_a_number", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.crs.ToWGS84(tc.x, tc.y)
			if code := problemCode(t, err); code != tc.problem {
				t.Fatalf("%s.ToWGS84(%v, %v): got problem %q (%v), want %q", tc.crs, tc.x, tc.y, code, err, tc.problem)
			}
			if d := groundMetres(got, tc.want); d > 0.001 {
				t.Errorf("%s.ToWGS84(%v, %v) = %v, want %v (off by %.3f m)", tc.crs, tc.x, tc.y, got, tc.want, d)
			}
			if tc.says != "" && !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%s.ToWGS84(%v, %v): got message %q, want it to say %q", tc.crs, tc.x, tc.y, err, tc.says)
			}
		})
	}
}

// TestRoundTrip checks ToWGS84 undoes FromWGS84 in every kind of CRS, to a
// micrometre, over the box of Vietnam.
func TestRoundTrip(t *testing.T) {
	for _, s := range []string{"EPSG:4326", "VN2000", "VN2000-TM3:105.75", "VN2000-UTM48", "VN2000-UTM49", "EPSG:32648"} {
		c := mustCRS(t, s, "")
		t.Run(c.String(), func(t *testing.T) {
			for lat := 8.5; lat <= 23; lat += 1.5 {
				for lon := 102.5; lon <= 109.5; lon += 1 {
					p := orb.Point{lon, lat}
					x, y := c.FromWGS84(p)
					got, err := c.ToWGS84(x, y)
					if err != nil {
						t.Fatalf("ToWGS84(FromWGS84(%v)): %v", p, err)
					}
					if d := groundMetres(got, p); d > 1e-6 {
						t.Errorf("ToWGS84(FromWGS84(%v)) = %v, off by %.2g m", p, got, d)
					}
				}
			}
		})
	}
}

func mustCRS(t *testing.T, s, province string) coord.CRS {
	t.Helper()
	c, err := coord.ParseCRS(s, province)
	if err != nil {
		t.Fatalf("ParseCRS(%q, %q): %v", s, province, err)
	}
	return c
}
