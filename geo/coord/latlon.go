package coord

import (
	"math"

	"github.com/paulmach/orb"
)

// Vietnam's bounds in WGS 84 degrees. The box is generous on purpose: it
// holds Hoàng Sa (≈ 16.5°N, 112°E) and Trường Sa (down to ≈ 6.8°N, out to
// ≈ 117°E), so it only catches points that cannot be in Vietnam.
const (
	minLat = 6.0
	maxLat = 24.0
	minLon = 101.5
	maxLon = 118.0
)

// inVietnam reports whether p (lon, lat) is in the generous box.
func inVietnam(p orb.Point) bool {
	return p[1] >= minLat && p[1] <= maxLat && p[0] >= minLon && p[0] <= maxLon
}

// nearMainland reports whether p is near the mainland and its near-shore
// islands (Phú Quốc, Thổ Chu, Côn Đảo, Phú Quý, Lý Sơn, Bạch Long Vĩ): the
// box from Mũi Cà Mau and Hòn Khoai (8.4°N) to Lũng Cú (23.4°N) and from A
// Pa Chải (102.1°E) to Mũi Đôi (109.5°E). It only breaks ties when both
// orders of x and y land in the generous box: the order that lands here
// wins.
func nearMainland(p orb.Point) bool {
	return p[1] >= 8.0 && p[1] <= 23.6 && p[0] >= 102.0 && p[0] <= 109.8
}

// CheckLatLon checks a WGS 84 lat/lon pair for Vietnam (generous box: lat 6…24, lon 101.5…118, which includes Hoàng Sa and Trường Sa)
// and returns it as orb.Point{lon, lat}. Codes: "lat_out_of_range", "lon_out_of_range", "outside_vietnam", and "lat_lon_swapped"
// when the pair only makes sense swapped — the message says "did you mean lat=…, lon=…?" and never swaps silently.
//
// Also: "sign_flipped" when the pair is in Vietnam once its minus signs are
// dropped, "metres_with_degree_crs" when the numbers are metres (VN-2000
// x, y given as lat, lon) and "not_a_number" for NaN or infinities.
func CheckLatLon(lat, lon float64) (orb.Point, error) {
	if !finite(lat) || !finite(lon) {
		return orb.Point{}, newProblem("not_a_number", bi{"vĩ độ, kinh độ", "latitude or longitude"},
			degreesHint("21.0285", `21°01'42.6"N`))
	}
	p := orb.Point{lon, lat}
	if inVietnam(p) {
		return p, nil
	}
	la, lo := num(lat, -1), num(lon, -1)
	switch {
	case inVietnam(orb.Point{lat, lon}):
		return orb.Point{}, newProblem("lat_lon_swapped", la, lo)
	case math.Abs(lat) > 1000 || math.Abs(lon) > 1000:
		return orb.Point{}, newProblem("metres_with_degree_crs",
			bi{"vĩ độ " + la + ", kinh độ " + lo, "lat=" + la + ", lon=" + lo}, "WGS 84 (EPSG:4326)")
	case (lat < 0 || lon < 0) && inVietnam(orb.Point{math.Abs(lon), math.Abs(lat)}):
		fa, fo := num(math.Abs(lat), -1), num(math.Abs(lon), -1)
		return orb.Point{}, newProblem("sign_flipped",
			bi{"vĩ độ " + la + ", kinh độ " + lo, "lat=" + la + ", lon=" + lo},
			bi{"vĩ độ = " + fa + ", kinh độ = " + fo, "lat=" + fa + ", lon=" + fo})
	case math.Abs(lat) > 90:
		return orb.Point{}, newProblem("lat_out_of_range", la)
	case math.Abs(lon) > 180:
		return orb.Point{}, newProblem("lon_out_of_range", lo)
	}
	return orb.Point{}, newProblem("outside_vietnam", la, lo,
		bi{"Hãy kiểm tra lại các số đã nhập.", "Check the numbers entered."})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
