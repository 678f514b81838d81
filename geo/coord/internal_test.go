package coord

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
)

// TestHelmertSignTrap pins the sign convention: the legal (coordinate-frame)
// rotations must give PROJ's answer, and the same numbers read as
// position-vector rotations must not.
func TestHelmertSignTrap(t *testing.T) {
	// P001 of vn2000_tm3_test_vectors_proj.csv (Phường Ba Đình, Hà Nội).
	wgs := orb.Point{105.838061, 21.03853}
	want := orb.Point{105.836178180, 21.039515766}

	x, _ := ecef(wgs[0], wgs[1], 0)
	vn := func(h helmert) orb.Point {
		lon, lat, _ := geodetic(h.inv.mul(vec3{x[0] - h.t[0], x[1] - h.t[1], x[2] - h.t[2]}))
		return orb.Point{lon, lat}
	}
	metres := func(a, b orb.Point) float64 {
		return math.Hypot((a[0]-b[0])*deg*semiMajor*math.Cos(a[1]*deg), (a[1]-b[1])*deg*semiMajor)
	}

	if d := metres(vn(vn2000), want); d > 0.001 {
		t.Errorf("coordinate-frame Helmert: got %v, want %v (off by %.4f m)", vn(vn2000), want, d)
	}
	// Position-vector rotations are the coordinate-frame ones negated, so
	// a position-vector formula fed the legal signs is this:
	trap := newHelmert(vn2000.t, vec3{-helmertRX, -helmertRY, -helmertRZ}, helmertDSppm)
	if d := metres(vn(trap), want); d < 0.3 {
		t.Errorf("legal signs read as position-vector rotations: got %.3f m from PROJ, want the 0.4 to 0.8 m of the trap", d)
	} else {
		t.Logf("the sign trap moves Ba Đình by %.2f m", d)
	}
}

// TestHelmertInverse checks the two directions undo each other everywhere
// in Vietnam's box.
func TestHelmertInverse(t *testing.T) {
	for lat := minLat; lat <= maxLat; lat += 0.75 {
		for lon := minLon; lon <= maxLon; lon += 0.75 {
			vlon, vlat := WGS84ToVN2000(lon, lat)
			glon, glat := VN2000ToWGS84(vlon, vlat)
			if math.Abs(glon-lon) > 1e-12 || math.Abs(glat-lat) > 1e-12 {
				t.Errorf("VN2000ToWGS84(WGS84ToVN2000(%v, %v)) = %v, %v, want the input", lon, lat, glon, glat)
			}
		}
	}
}

// TestGeodetic checks ecef and geodetic are inverses, from the poles to the
// equator and from 1 km below the ellipsoid to 10 km above it.
func TestGeodetic(t *testing.T) {
	for lat := -89.5; lat <= 89.5; lat += 0.5 {
		for _, h := range []float64{-1000, -30, 0, 16, 3143, 10000} {
			p, _ := ecef(107, lat, h)
			lon, gotLat, gotH := geodetic(p)
			if math.Abs(gotLat-lat) > 1e-13 || math.Abs(lon-107) > 1e-13 || math.Abs(gotH-h) > 1e-6 {
				t.Errorf("geodetic(ecef(107, %v, %v)) = %v, %v, %v, want the input", lat, h, lon, gotLat, gotH)
			}
		}
	}
}

// TestTMRoundTrip checks TMInverse undoes TMForward to a micrometre out to
// 10° from the central meridian.
func TestTMRoundTrip(t *testing.T) {
	for lat := 0.0; lat <= 30; lat += 1.25 {
		for dlon := -10.0; dlon <= 10; dlon += 0.5 {
			x, y := TMForward(105+dlon, lat, 105, k0TM3, falseEasting)
			lon, gotLat := TMInverse(x, y, 105, k0TM3, falseEasting)
			if d := math.Hypot((lon-105-dlon)*deg*semiMajor, (gotLat-lat)*deg*semiMajor); d > 1e-6 {
				t.Errorf("TMInverse(TMForward(%v, %v)) = %v, %v, off by %.2g m", 105+dlon, lat, lon, gotLat, d)
			}
		}
	}
}

// TestGeodeticTan checks the single Newton step of geodeticTan inverts
// conformalTan to rounding, from the equator to 89.99°, both hemispheres.
func TestGeodeticTan(t *testing.T) {
	for lat := -89.99; lat <= 89.99; lat += 0.01 {
		got := math.Atan(geodeticTan(conformalTan(math.Tan(lat*deg)))) / deg
		if math.Abs(got-lat) > 5e-16/deg {
			t.Errorf("geodeticTan(conformalTan(tan %v°)) = tan %v°, want the input", lat, got)
		}
	}
}

// TestHeightNear checks the cheap height of points near the ellipsoid is
// within its error bound h²/a.
func TestHeightNear(t *testing.T) {
	for lat := -89.0; lat <= 89; lat += 1 {
		for _, h := range []float64{-100, -20, 0, 50, 300} {
			p, _ := ecef(104, lat, h)
			if got := heightNear(p); math.Abs(got-h) > h*h/semiMajor+1e-8 {
				t.Errorf("heightNear(ecef(104, %v, %v)) = %v, want %v", lat, h, got, h)
			}
		}
	}
}

// TestProblemTexts checks every code has a Vietnamese and an English text
// that format cleanly with the declared number of arguments.
func TestProblemTexts(t *testing.T) {
	if len(texts) == 0 {
		t.Fatal("no problem texts")
	}
	for _, code := range Codes() {
		t.Run(code, func(t *testing.T) {
			tx := texts[code]
			if code != strings.ToLower(code) || strings.ContainsAny(code, " -") {
				t.Errorf("code %q is not snake_case", code)
			}
			if tx.vi == "" || tx.en == "" {
				t.Fatalf("got vi %q, en %q, want both texts", tx.vi, tx.en)
			}
			if !strings.ContainsFunc(tx.vi, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) {
				t.Errorf("vi text %q has no Vietnamese letters", tx.vi)
			}
			args := make([]any, tx.args)
			for i := range args {
				args[i] = bi{"«" + strconv.Itoa(i+1) + "»", "«" + strconv.Itoa(i+1) + "»"}
			}
			p := newProblem(code, args...)
			for _, msg := range []string{p.VI, p.EN} {
				if strings.Contains(msg, "%!") {
					t.Errorf("got %q, want a text without formatting errors", msg)
				}
				for i := range args {
					if !strings.Contains(msg, fmt.Sprintf("«%d»", i+1)) {
						t.Errorf("got %q, want argument %d used", msg, i+1)
					}
				}
			}
			if p.Code != code || p.Row != 0 || p.Column != "" || p.Value != "" {
				t.Errorf("got %+v, want code %s and no row, column or value", p, code)
			}
		})
	}
}

// TestZones checks the Go tables against the shared CSV they were copied from.
func TestZones(t *testing.T) {
	rows := readCSV(t, "../../../shared/data/vn2000/vn2000_central_meridians.csv")
	var tt24, tt973 []zone
	for _, r := range rows {
		z := zone{code: r[1], name: r[2]}
		z.meridian, _ = strconv.ParseFloat(r[4], 64)
		if r[6] != "" {
			var d, m int
			if _, err := fmt.Sscanf(r[6], "%d°%d'", &d, &m); err != nil {
				t.Fatalf("alt value %q: %v", r[6], err)
			}
			z.disputed = float64(d) + float64(m)/60
		}
		if epsg, _ := strconv.Atoi(r[5]); tm3EPSG[z.meridian] != epsg {
			t.Errorf("%s %s: tm3EPSG[%v] = %d, want %d", r[0], r[1], z.meridian, tm3EPSG[z.meridian], epsg)
		}
		if strings.HasPrefix(r[0], "TT24") {
			tt24 = append(tt24, z)
		} else {
			tt973 = append(tt973, z)
		}
	}
	if !slices.Equal(provinceZones, tt24) {
		t.Errorf("provinceZones differ from the TT24/2025 rows:\ngot  %v\nwant %v", provinceZones, tt24)
	}
	if !slices.Equal(legacyZones, tt973) {
		t.Errorf("legacyZones differ from the TT973/2001 rows:\ngot  %v\nwant %v", legacyZones, tt973)
	}
	if len(provinceZones) != 34 || len(legacyZones) != 63 {
		t.Errorf("got %d and %d zones, want 34 and 63", len(provinceZones), len(legacyZones))
	}
}

// readCSV returns the records of a CSV file without its header.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows[1:]
}
