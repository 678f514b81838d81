package coord

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

type kind uint8

const (
	kindWGS84    kind = iota // EPSG:4326, x = lon, y = lat
	kindVN2000               // EPSG:4756, x = lon, y = lat
	kindTM3                  // VN-2000 / TM-3, k0 0.9999
	kindUTM                  // VN-2000 / UTM zone 48N, 49N, k0 0.9996
	kindWGS84UTM             // WGS 84 / UTM zone 48N, 49N
)

// Projection constants of the VN-2000 grids (TT 973/2001, EPSG).
const (
	falseEasting = 500000.0 // metres, TM-3 and UTM
	k0TM3        = 0.9999
	k0UTM        = 0.9996
)

// CRS is a coordinate reference system a survey file may use. x is always
// the easting or the longitude and y the northing or the latitude, whatever
// the EPSG axis order: EPSG:4326 and EPSG:4756 are declared latitude first,
// but a file's x column still holds the longitude.
//
// The zero CRS is WGS 84 longitude/latitude (EPSG:4326). CRS values are
// comparable with ==.
type CRS struct {
	kind kind
	lon0 float64 // central meridian in degrees for the projected kinds
}

// The CRSs other packages name often.
var (
	WGS84  = CRS{kind: kindWGS84}
	VN2000 = CRS{kind: kindVN2000}
)

// TM3 returns the VN-2000 TM-3 CRS with central meridian lon0 (degrees).
// It does not check lon0; ParseCRS does.
func TM3(lon0 float64) CRS { return CRS{kind: kindTM3, lon0: lon0} }

// String returns the canonical form of c, which ParseCRS reads back:
// "VN2000-TM3:104.75", "VN2000-UTM48", "VN2000", "EPSG:4326", "EPSG:32648".
func (c CRS) String() string {
	switch c.kind {
	case kindVN2000:
		return "VN2000"
	case kindTM3:
		return "VN2000-TM3:" + strconv.FormatFloat(c.lon0, 'f', -1, 64)
	case kindUTM:
		return "VN2000-UTM" + strconv.Itoa(utmZone(c.lon0))
	case kindWGS84UTM:
		return "EPSG:326" + strconv.Itoa(utmZone(c.lon0))
	}
	return "EPSG:4326"
}

// Geographic reports whether x, y are degrees (longitude, latitude) rather
// than metres.
func (c CRS) Geographic() bool { return c.kind == kindWGS84 || c.kind == kindVN2000 }

// EPSG returns the EPSG code of c, or 0 for a TM-3 zone EPSG has no code for.
func (c CRS) EPSG() int {
	switch c.kind {
	case kindVN2000:
		return 4756
	case kindTM3:
		return tm3EPSG[c.lon0]
	case kindUTM:
		return 3405 + utmZone(c.lon0) - 48 // 3405, 3406
	case kindWGS84UTM:
		return 32600 + utmZone(c.lon0)
	}
	return 4326
}

// CentralMeridian returns the central meridian of a projected CRS in
// degrees, and false for a geographic one.
func (c CRS) CentralMeridian() (float64, bool) { return c.lon0, !c.Geographic() }

func utmZone(lon0 float64) int { return int(math.Round((lon0 + 183) / 6)) }

func (c CRS) k0() float64 {
	if c.kind == kindTM3 {
		return k0TM3
	}
	return k0UTM
}

// ToWGS84 converts x (easting or lon) and y (northing or lat) to WGS 84 and checks the result lies in Vietnam.
// Codes: "xy_swapped" (northing given as x: say "did you mean x=…, y=…?"), "metres_with_degree_crs",
// "degrees_with_metre_crs", "outside_vietnam".
//
// Also "sign_flipped" (a minus sign puts the point outside Vietnam) and
// "not_a_number" (NaN or infinity). Values are never swapped or changed
// silently. Metres are told from degrees by size: a value above 1 000 is
// metres, a pair both within ±1 000 is degrees. A pair is reported as
// swapped when only the other order lands in Vietnam, or when the given
// order lands offshore (Hoàng Sa, Trường Sa, the open sea) and the other
// order near the mainland: Vietnamese cadastral documents write X for the
// northing, so the swap is the most common mistake in these files.
func (c CRS) ToWGS84(x, y float64) (orb.Point, error) {
	if !finite(x) || !finite(y) {
		return orb.Point{}, newProblem("not_a_number", bi{"x, y", "x, y"}, c.hint())
	}
	ax, ay := math.Abs(x), math.Abs(y)
	if c.Geographic() && (ax > 1000 || ay > 1000) {
		return orb.Point{}, newProblem("metres_with_degree_crs", xy(x, y), c.String())
	}
	if !c.Geographic() && ax <= 1000 && ay <= 1000 {
		return orb.Point{}, newProblem("degrees_with_metre_crs", xy(x, y), c.String())
	}
	p := c.toWGS84(x, y)
	if inVietnam(p) && nearMainland(p) {
		return p, nil
	}
	if q := c.toWGS84(y, x); inVietnam(q) && (!inVietnam(p) || nearMainland(q)) {
		return orb.Point{}, newProblem("xy_swapped", num(x, -1), num(y, -1), c.axes())
	}
	if inVietnam(p) {
		return p, nil
	}
	if (x < 0 || y < 0) && inVietnam(c.toWGS84(ax, ay)) {
		return orb.Point{}, newProblem("sign_flipped", xy(x, y), xy(ax, ay))
	}
	if c.Geographic() && math.IsNaN(p[0]) {
		p = orb.Point{x, y} // the given degrees say more than a NaN
	}
	return orb.Point{}, newProblem("outside_vietnam", latLonText(p[1]), latLonText(p[0]), bi{
		"Tọa độ " + xy(x, y).vi + " được đọc theo hệ " + c.String() + "; hãy kiểm tra hệ tọa độ" +
			c.meridianNote().vi + " và các số đã nhập.",
		"The coordinates " + xy(x, y).en + " were read in " + c.String() + "; check the coordinate system" +
			c.meridianNote().en + " and the numbers entered.",
	})
}

// toWGS84 converts without checks. Inputs that are on no ellipsoid give
// NaN: degrees beyond ±90° of latitude or ±180° of longitude (the
// trigonometry would fold them back into range, even into Vietnam), and
// metres more than 20 000 km from the origin.
func (c CRS) toWGS84(x, y float64) orb.Point {
	var lon, lat float64
	if c.Geographic() && (math.Abs(x) > 180 || math.Abs(y) > 90) {
		return orb.Point{math.NaN(), math.NaN()}
	}
	switch c.kind {
	case kindWGS84:
		return orb.Point{x, y}
	case kindVN2000:
		lon, lat = VN2000ToWGS84(x, y)
	case kindTM3, kindUTM, kindWGS84UTM:
		if math.Abs(x-falseEasting) > 2e7 || math.Abs(y) > 2e7 {
			return orb.Point{math.NaN(), math.NaN()}
		}
		if c.kind == kindWGS84UTM {
			lon, lat = TMInverse(x, y, c.lon0, c.k0(), falseEasting)
			break
		}
		// The Helmert step wants sines and cosines, which the projection
		// has: going through degrees would cost two atan and two sincos.
		sinL, cosL, tanPhi := tmInverse(x, y, c.k0(), falseEasting)
		sinL0, cosL0 := math.Sincos(c.lon0 * deg)
		cosPhi := 1 / math.Sqrt(1+tanPhi*tanPhi)
		lon, lat = vn2000ToWGS84(tanPhi*cosPhi, cosPhi, sinL0*cosL+cosL0*sinL, cosL0*cosL-sinL0*sinL)
	}
	return orb.Point{lon, lat}
}

// FromWGS84 converts a WGS 84 point (lon, lat) to x (easting or lon) and y
// (northing or lat) in c. It does not check the point; metres are not
// rounded.
func (c CRS) FromWGS84(p orb.Point) (x, y float64) {
	switch c.kind {
	case kindVN2000:
		return WGS84ToVN2000(p[0], p[1])
	case kindTM3, kindUTM:
		lon, lat := WGS84ToVN2000(p[0], p[1])
		return TMForward(lon, lat, c.lon0, c.k0(), falseEasting)
	case kindWGS84UTM:
		return TMForward(p[0], p[1], c.lon0, c.k0(), falseEasting)
	}
	return p[0], p[1]
}

func xy(x, y float64) bi {
	s := "x = " + num(x, -1) + ", y = " + num(y, -1)
	return bi{s, strings.ReplaceAll(s, " = ", "=")}
}

func latLonText(v float64) string {
	if math.IsNaN(v) {
		return "?"
	}
	return num(v, 6)
}

// axes explains which of x and y is which in c.
func (c CRS) axes() bi {
	if c.Geographic() {
		return bi{
			"với hệ " + c.String() + ", x là kinh độ và y là vĩ độ.",
			"in " + c.String() + ", x is the longitude and y the latitude.",
		}
	}
	return bi{
		"x là tọa độ hướng Đông (Easting), y là tọa độ hướng Bắc (Northing), ngược với cách ghi trên bản đồ " +
			"địa chính Việt Nam, nơi X là hướng Bắc.",
		"x is the easting and y the northing, the opposite of Vietnamese cadastral maps, where X is the northing.",
	}
}

func (c CRS) meridianNote() bi {
	if c.kind == kindTM3 {
		return bi{" (kinh tuyến trục " + dm(c.lon0) + ")", " (central meridian " + dm(c.lon0) + ")"}
	}
	return bi{}
}

func (c CRS) hint() bi {
	if c.Geographic() {
		return degreesHint("105.8542", `105°51'15.1"E`)
	}
	return bi{"Hãy nhập số mét, ví dụ x = 586908.49, y = 2327446.89.",
		"Enter metres, for example x=586908.49, y=2327446.89."}
}

// dm formats a meridian that is a multiple of 15′ as degrees and minutes.
func dm(lon0 float64) string {
	d := math.Floor(lon0)
	return strconv.Itoa(int(d)) + "°" + strconv.Itoa(int(math.Round((lon0-d)*60))/10) +
		strconv.Itoa(int(math.Round((lon0-d)*60))%10) + "′"
}

// namedCRS are the CRS names accepted as a whole, keyed by their squeezed
// form (see squeeze).
var namedCRS = map[string]CRS{
	"WGS84": WGS84, "WGS1984": WGS84, "CRS84": WGS84, "OGCCRS84": WGS84,
	"VN2000": VN2000,

	"VN2000UTM48": {kindUTM, 105}, "VN2000UTM48N": {kindUTM, 105},
	"VN2000UTMZONE48": {kindUTM, 105}, "VN2000UTMZONE48N": {kindUTM, 105},
	"VN2000UTM49": {kindUTM, 111}, "VN2000UTM49N": {kindUTM, 111},
	"VN2000UTMZONE49": {kindUTM, 111}, "VN2000UTMZONE49N": {kindUTM, 111},

	"WGS84UTM48": {kindWGS84UTM, 105}, "WGS84UTM48N": {kindWGS84UTM, 105},
	"WGS84UTMZONE48": {kindWGS84UTM, 105}, "WGS84UTMZONE48N": {kindWGS84UTM, 105},
	"WGS84UTM49": {kindWGS84UTM, 111}, "WGS84UTM49N": {kindWGS84UTM, 111},
	"WGS84UTMZONE49": {kindWGS84UTM, 111}, "WGS84UTMZONE49N": {kindWGS84UTM, 111},
}

// tm3Zones are the EPSG names of the first four TM-3 zones.
var tm3Zones = map[string]float64{"ZONE481": 102, "ZONE482": 105, "ZONE491": 108, "DANANGZONE": 107.75}

// deprecatedEPSG maps the TM-3 codes EPSG withdrew (false easting and false
// northing swapped) to their replacements.
var deprecatedEPSG = map[int]int{6956: 5896, 6957: 5897, 6958: 5898, 6959: 5899}

var tm3ByEPSG = func() map[int]float64 {
	m := make(map[int]float64, len(tm3EPSG))
	for lon0, code := range tm3EPSG {
		m[code] = lon0
	}
	return m
}()

// acceptedCRS lists the accepted forms for messages.
var acceptedCRS = bi{
	"VN2000-TM3 (múi 3° theo kinh tuyến trục của tỉnh), VN2000-TM3:105.75 (ghi rõ kinh tuyến trục), " +
		"VN2000-UTM48, VN2000-UTM49, VN2000 (kinh độ, vĩ độ VN-2000), EPSG:4326 (kinh độ, vĩ độ WGS 84 của GPS) " +
		"hoặc mã EPSG:4756, 3405, 3406, 32648, 32649, 5896 đến 5899, 9205 đến 9218",
	"VN2000-TM3 (the province's 3° zone), VN2000-TM3:105.75 (explicit central meridian), VN2000-UTM48, " +
		"VN2000-UTM49, VN2000 (VN-2000 longitude, latitude), EPSG:4326 (GPS WGS 84 longitude, latitude) " +
		"or EPSG:4756, 3405, 3406, 32648, 32649, 5896 to 5899, 9205 to 9218",
}

// ParseCRS parses the crs column. provinceCode (2025 code) picks the TM-3 meridian for plain "VN2000-TM3".
// Codes: "crs_unknown" (message lists the accepted forms), "crs_no_zone" (no meridian known for the province).
//
// Case, spaces, hyphens, underscores, slashes and colons between the parts
// are ignored, so "vn-2000 / TM-3 105-45", "VN2000_TM3 105°45'" and
// "VN2000-TM3:105.75" are the same zone; the meridian may be decimal or
// degrees-minutes, optionally after "KTT" (kinh tuyến trục), or an EPSG zone
// name ("zone 482"). EPSG codes may be written "EPSG:9210", "EPSG::9210",
// "urn:ogc:def:crs:EPSG::9210" or as an opengis.net URL. "TM3" alone means
// VN-2000 TM-3; a bare "UTM48" is refused because it does not say the datum
// (VN-2000 and WGS 84 differ by ≈ 200 m). Other codes: "crs_missing" (empty),
// "crs_meridian_invalid" (not a multiple of 15′ in Vietnam's range) and
// "crs_deprecated" (the withdrawn EPSG:6956–6959).
func ParseCRS(s, provinceCode string) (CRS, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return CRS{}, newProblem("crs_missing", acceptedCRS)
	}
	if c, ok := namedCRS[squeeze(s)]; ok {
		return c, nil
	}
	for _, prefix := range []string{"EPSG", "URNOGCDEFCRSEPSG", "HTTPWWW.OPENGIS.NETDEFCRSEPSG0", "HTTPSWWW.OPENGIS.NETDEFCRSEPSG0"} {
		if rest, ok := cutKey(s, prefix); ok {
			return epsgCRS(s, rest)
		}
	}
	for _, prefix := range []string{"VN2000TM3", "TM3"} {
		if rest, ok := cutKey(s, prefix); ok {
			return tm3CRS(rest, provinceCode)
		}
	}
	return CRS{}, newProblem("crs_unknown", s, acceptedCRS)
}

func epsgCRS(s, digits string) (CRS, error) {
	code, err := strconv.Atoi(digits)
	if err != nil || strings.ContainsAny(digits, "+-") {
		return CRS{}, newProblem("crs_unknown", s, acceptedCRS)
	}
	switch code {
	case 4326:
		return WGS84, nil
	case 4756:
		return VN2000, nil
	case 3405, 3406:
		return CRS{kindUTM, float64(105 + 6*(code-3405))}, nil
	case 32648, 32649:
		return CRS{kindWGS84UTM, float64(105 + 6*(code-32648))}, nil
	}
	if lon0, ok := tm3ByEPSG[code]; ok {
		return TM3(lon0), nil
	}
	if repl, ok := deprecatedEPSG[code]; ok {
		return CRS{}, newProblem("crs_deprecated", strconv.Itoa(code), strconv.Itoa(repl))
	}
	return CRS{}, newProblem("crs_unknown", s, acceptedCRS)
}

func tm3CRS(rest, provinceCode string) (CRS, error) {
	if rest == "" {
		return provinceTM3(provinceCode)
	}
	if lon0, ok := tm3Zones[squeeze(rest)]; ok {
		return TM3(lon0), nil
	}
	if r, ok := cutKey(rest, "KTT"); ok && r != "" {
		rest = r
	}
	// "105-45" is degrees and minutes, as EPSG names the zones.
	lon0, err := ParseDegrees(strings.ReplaceAll(rest, "-", " "), Lon, true)
	q := math.Round(lon0 * 4)
	if err != nil || math.Abs(lon0*4-q) > 1e-9 || q/4 < minLon || q/4 > maxLon {
		return CRS{}, newProblem("crs_meridian_invalid", rest, minutesHint(lon0, err))
	}
	return TM3(q / 4), nil
}

// minutesHint suggests the meridian an officer meant when the decimals look
// like minutes: 105.45 for 105°45′.
func minutesHint(lon0 float64, err error) bi {
	d := math.Floor(lon0)
	m := (lon0 - d) * 100
	if err == nil && d >= minLon && d <= maxLon && math.Abs(m-math.Round(m)) < 1e-6 {
		switch math.Round(m) {
		case 15, 30, 45:
			v := d + math.Round(m)/60
			s := strconv.FormatFloat(v, 'f', -1, 64) + " (" + dm(v) + ")"
			return bi{" Có phải là " + s + "?", " Did you mean " + s + "?"}
		}
	}
	return bi{}
}

func provinceTM3(provinceCode string) (CRS, error) {
	if lon0, ok := CentralMeridian(provinceCode); ok {
		return TM3(lon0), nil
	}
	code := strings.TrimSpace(provinceCode)
	var hint bi
	if lon0, name, ok := LegacyCentralMeridian(code); ok {
		hint = bi{
			" Mã " + code + " là mã cũ của " + name + " (kinh tuyến trục " + dm(lon0) + " trước ngày 01/07/2025).",
			" Code " + code + " was " + name + " before 1 July 2025 (central meridian " + dm(lon0) + ").",
		}
	}
	if code == "" {
		return CRS{}, newProblem("crs_no_zone", bi{"(trống)", "(empty)"}, hint)
	}
	return CRS{}, newProblem("crs_no_zone", code, hint)
}

// ignorable reports the characters ParseCRS skips between name parts.
func ignorable(r rune) bool {
	return unicode.IsSpace(r) || r == '-' || r == '_' || r == '/' || r == ':' || r == '–'
}

// squeeze returns s in upper case without ignorable characters.
func squeeze(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !ignorable(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// cutKey matches the upper-case ASCII key against the start of s, ignoring
// case and ignorable characters, and returns the rest of s after it with
// leading ignorable characters removed.
func cutKey(s, key string) (rest string, ok bool) {
	i := 0
	for k := 0; k < len(key); {
		if i == len(s) {
			return "", false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if ignorable(r) {
			continue
		}
		if unicode.ToUpper(r) != rune(key[k]) {
			return "", false
		}
		k++
	}
	return strings.TrimLeftFunc(s[i:], ignorable), true
}
