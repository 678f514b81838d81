package coord_test

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
)

// knownProblem fails unless err is nil or a phusong.Problem with a listed
// code and both messages.
func knownProblem(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var p phusong.Problem
	if !errors.As(err, &p) {
		t.Fatalf("got error %T %v, want a phusong.Problem", err, err)
	}
	if !slices.Contains(coord.Codes(), p.Code) || p.VI == "" || p.EN == "" {
		t.Fatalf("got problem %+v, want a listed code with both messages", p)
	}
	if !utf8.ValidString(p.VI) || !utf8.ValidString(p.EN) || len(p.EN) > 1000 {
		t.Fatalf("got problem %+v, want short messages in valid UTF-8", p)
	}
}

// FuzzParseDegrees: any text gives a finite value or a listed problem, and
// a value printed back in decimal parses to the same float64. The seed
// corpus is in testdata/fuzz/FuzzParseDegrees.
func FuzzParseDegrees(f *testing.F) {
	f.Add("21.0285", false, false)
	f.Add(`22°23'05.4"N`, false, false)
	f.Add("102°47′10″E", true, false)
	f.Add("12°33'36,0\"", false, true)
	f.Fuzz(func(t *testing.T, s string, lon, comma bool) {
		axis := coord.Lat
		if lon {
			axis = coord.Lon
		}
		v, err := coord.ParseDegrees(s, axis, comma)
		knownProblem(t, err)
		if err != nil {
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("ParseDegrees(%q) = %v, want a finite value", s, v)
		}
		back := strconv.FormatFloat(v, 'f', -1, 64)
		if got, err := coord.ParseDegrees(back, axis, false); err != nil || got != v {
			t.Errorf("ParseDegrees(%q) = %v, %v, want %v back", back, got, err, v)
		}
		if !strings.Contains(s, ",") {
			// Without a comma, the decimal-comma setting changes nothing.
			if got, err := coord.ParseDegrees(s, axis, !comma); err != nil || got != v {
				t.Errorf("ParseDegrees(%q, decimalComma=%v) = %v, %v, want %v", s, !comma, got, err, v)
			}
		}
	})
}

// FuzzParseCRS: any text gives a CRS or a listed problem, and a CRS's
// canonical form and EPSG code parse back to the same CRS.
func FuzzParseCRS(f *testing.F) {
	f.Add("VN2000-TM3", "01")
	f.Add("VN-2000 / TM-3 105-45", "")
	f.Add("EPSG:9210", "")
	f.Add("urn:ogc:def:crs:EPSG::3405", "")
	f.Fuzz(func(t *testing.T, s, province string) {
		c, err := coord.ParseCRS(s, province)
		knownProblem(t, err)
		if err != nil {
			return
		}
		if back, err := coord.ParseCRS(c.String(), ""); err != nil || back != c {
			t.Errorf("ParseCRS(%q) = %v, %v, want %v back", c.String(), back, err, c)
		}
		if code := c.EPSG(); code != 0 {
			if back, err := coord.ParseCRS("EPSG:"+strconv.Itoa(code), ""); err != nil || back != c {
				t.Errorf("ParseCRS(EPSG:%d) = %v, %v, want %v", code, back, err, c)
			}
		}
	})
}

// fuzzCRS are the systems FuzzToWGS84 picks from.
var fuzzCRS = []coord.CRS{
	coord.WGS84, coord.VN2000, coord.TM3(105), coord.TM3(104.75), coord.TM3(108.25),
	mustParseCRS("VN2000-UTM48"), mustParseCRS("VN2000-UTM49"), mustParseCRS("EPSG:32648"),
}

func mustParseCRS(s string) coord.CRS {
	c, err := coord.ParseCRS(s, "")
	if err != nil {
		return coord.WGS84 // caught by TestParseCRS
	}
	return c
}

// FuzzToWGS84: any x, y give a point in Vietnam or a listed problem, and a
// point converts back to the same x, y.
func FuzzToWGS84(f *testing.F) {
	f.Add(uint8(2), 586908.4926, 2327446.8893)
	f.Add(uint8(2), 2327446.8893, 586908.4926)
	f.Add(uint8(0), 105.838061, 21.03853)
	f.Add(uint8(1), 21.039515766, 105.836178180)
	f.Fuzz(func(t *testing.T, i uint8, x, y float64) {
		c := fuzzCRS[int(i)%len(fuzzCRS)]
		p, err := c.ToWGS84(x, y)
		knownProblem(t, err)
		if err != nil {
			return
		}
		if p[0] < 101.5 || p[0] > 118 || p[1] < 6 || p[1] > 24 {
			t.Fatalf("%s.ToWGS84(%v, %v) = %v, want a point in Vietnam", c, x, y, p)
		}
		if _, err := coord.CheckLatLon(p[1], p[0]); err != nil {
			t.Errorf("CheckLatLon(%v, %v): %v, want ToWGS84's point accepted", p[1], p[0], err)
		}
		gx, gy := c.FromWGS84(p)
		tol := 1e-6 // metres
		if c.Geographic() {
			tol = 1e-11 // degrees
		}
		if math.Abs(gx-x) > tol || math.Abs(gy-y) > tol {
			t.Errorf("%s.FromWGS84(ToWGS84(%v, %v)) = %v, %v, want the input", c, x, y, gx, gy)
		}
		if back, err := c.ToWGS84(gx, gy); err != nil || groundMetres(back, p) > 1e-6 {
			t.Errorf("%s.ToWGS84(%v, %v) = %v, %v, want %v", c, gx, gy, back, err, orb.Point(p))
		}
	})
}
