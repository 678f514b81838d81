package coord

import "math"

// The VN-2000 → WGS 84 transformation of Quyết định 05/2007/QĐ-BTNMT, Điều 1
// (EPSG:6960 "VN-2000 to WGS 84 (2)"), exactly as published: translations in
// metres, rotations in arc-seconds in the coordinate-frame convention
// (EPSG method 9607), scale in parts per million.
//
// PROJ's +towgs84 and most libraries expect the position-vector convention
// (EPSG 9606), whose rotations have the opposite signs:
// +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278.
// Using the legal signs in a position-vector formula (or the reverse) moves
// points by 0.4 to 0.8 m in Vietnam: small enough to pass a glance at a map,
// large enough to fail every test vector. TestHelmertSignTrap shows it.
const (
	helmertTX     = -191.90441429 // m
	helmertTY     = -39.30318279  // m
	helmertTZ     = -111.45032835 // m
	helmertRX     = -0.00928836   // arc-seconds, coordinate frame
	helmertRY     = 0.01975479    // arc-seconds, coordinate frame
	helmertRZ     = -0.00427372   // arc-seconds, coordinate frame
	helmertDSppm  = 0.252906278   // ppm
	arcsecRadians = math.Pi / (180 * 3600)
)

type vec3 [3]float64

type mat3 [3][3]float64

func (m *mat3) mul(v vec3) vec3 {
	return vec3{
		m[0][0]*v[0] + m[0][1]*v[1] + m[0][2]*v[2],
		m[1][0]*v[0] + m[1][1]*v[1] + m[1][2]*v[2],
		m[2][0]*v[0] + m[2][1]*v[1] + m[2][2]*v[2],
	}
}

// helmert is X_wgs = t + m·X_vn with its exact inverse X_vn = inv·(X_wgs − t).
type helmert struct {
	t      vec3
	m, inv mat3
}

var vn2000 = newHelmert(
	vec3{helmertTX, helmertTY, helmertTZ},
	vec3{helmertRX, helmertRY, helmertRZ},
	helmertDSppm,
)

// newHelmert builds the small-angle 7-parameter transformation in the
// coordinate-frame convention (EPSG guidance note 7-2, §4.3.3.2):
//
//	    ⎡  1   rz  −ry ⎤
//	m = ⎢ −rz   1   rx ⎥ · (1 + ds·10⁻⁶)
//	    ⎣  ry  −rx   1 ⎦
//
// The inverse is the exact matrix inverse rather than PROJ's transpose, so
// that the two directions undo each other to rounding (the difference is
// below a micrometre).
func newHelmert(t, rotArcsec vec3, dsPPM float64) helmert {
	rx, ry, rz := rotArcsec[0]*arcsecRadians, rotArcsec[1]*arcsecRadians, rotArcsec[2]*arcsecRadians
	s := 1 + dsPPM*1e-6
	m := mat3{
		{s, s * rz, -s * ry},
		{-s * rz, s, s * rx},
		{s * ry, -s * rx, s},
	}
	return helmert{t: t, m: m, inv: inverse(m)}
}

func inverse(m mat3) mat3 {
	c00 := m[1][1]*m[2][2] - m[1][2]*m[2][1]
	c01 := m[1][2]*m[2][0] - m[1][0]*m[2][2]
	c02 := m[1][0]*m[2][1] - m[1][1]*m[2][0]
	det := m[0][0]*c00 + m[0][1]*c01 + m[0][2]*c02
	return mat3{
		{c00 / det, (m[0][2]*m[2][1] - m[0][1]*m[2][2]) / det, (m[0][1]*m[1][2] - m[0][2]*m[1][1]) / det},
		{c01 / det, (m[0][0]*m[2][2] - m[0][2]*m[2][0]) / det, (m[0][2]*m[1][0] - m[0][0]*m[1][2]) / det},
		{c02 / det, (m[0][1]*m[2][0] - m[0][0]*m[2][1]) / det, (m[0][0]*m[1][1] - m[0][1]*m[1][0]) / det},
	}
}

// VN2000ToWGS84 converts VN-2000 geographic coordinates (EPSG:4756) to WGS 84
// (EPSG:4326), both in degrees, with the QĐ 05/2007 Helmert
// transformation.
//
// Heights are unknown, so the point is taken to lie on the WGS 84 ellipsoid
// (h = 0), as PROJ does from WGS 84 to VN-2000. This makes VN2000ToWGS84 and
// WGS84ToVN2000 exact inverses of each other; PROJ's own inverse (cs2cs -I)
// puts h = 0 on the VN-2000 side instead and differs by at most 1.6 mm in
// Vietnam, which is the size of this choice (a point 1 000 m above the
// ellipsoid moves by about 3 cm either way).
func VN2000ToWGS84(lon, lat float64) (lonW, latW float64) {
	sinPhi, cosPhi := math.Sincos(lat * deg)
	sinLam, cosLam := math.Sincos(lon * deg)
	return vn2000ToWGS84(sinPhi, cosPhi, sinLam, cosLam)
}

// vn2000ToWGS84 is VN2000ToWGS84 from the sines and cosines of the VN-2000
// latitude and longitude.
func vn2000ToWGS84(sinPhi, cosPhi, sinLam, cosLam float64) (lonW, latW float64) {
	// The points with this VN-2000 longitude and latitude form the ellipsoid
	// normal n through them. First put the point on the VN-2000 ellipsoid and
	// see at which WGS 84 height h (≈ −20 m) it lands, then slide it by −h
	// along n: n and the WGS 84 normal differ by 3·10⁻⁵ rad, so the height
	// left over is below a millimetre and moves the point by nanometres.
	x, n := ecefTrig(sinPhi, cosPhi, sinLam, cosLam, 0)
	y := add(vn2000.t, vn2000.m.mul(x))
	h := heightNear(y)
	mn := vn2000.m.mul(n)
	lonW, latW, _ = geodetic(vec3{y[0] - h*mn[0], y[1] - h*mn[1], y[2] - h*mn[2]})
	return lonW, latW
}

// WGS84ToVN2000 converts WGS 84 geographic coordinates (EPSG:4326, degrees,
// on the ellipsoid) to VN-2000 geographic coordinates (EPSG:4756, degrees).
// It is the exact inverse of VN2000ToWGS84.
func WGS84ToVN2000(lon, lat float64) (lonV, latV float64) {
	x, _ := ecef(lon, lat, 0)
	t := vn2000.t
	lonV, latV, _ = geodetic(vn2000.inv.mul(vec3{x[0] - t[0], x[1] - t[1], x[2] - t[2]}))
	return lonV, latV
}

func add(a, b vec3) vec3 { return vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }

// ecef returns the Earth-centred Cartesian coordinates (metres) of a point
// at longitude lon, latitude lat (degrees) and height h (metres) above the
// ellipsoid, and the unit normal of the ellipsoid there.
func ecef(lon, lat, h float64) (p, normal vec3) {
	sinPhi, cosPhi := math.Sincos(lat * deg)
	sinLam, cosLam := math.Sincos(lon * deg)
	return ecefTrig(sinPhi, cosPhi, sinLam, cosLam, h)
}

// ecefTrig is ecef from the sines and cosines of latitude and longitude.
func ecefTrig(sinPhi, cosPhi, sinLam, cosLam, h float64) (p, normal vec3) {
	n := semiMajor / math.Sqrt(1-ecc2*sinPhi*sinPhi) // prime vertical radius
	normal = vec3{cosPhi * cosLam, cosPhi * sinLam, sinPhi}
	p = vec3{(n + h) * normal[0], (n + h) * normal[1], (n*ecc2m + h) * sinPhi}
	return p, normal
}

// heightNear returns the height above the ellipsoid of a point close to it,
// from the ellipsoid's equation G(p) = (x² + y²)/a² + z²/b² − 1 = 0 and its
// gradient: h ≈ G/|∇G|, within h²/a (0.1 mm at 20 m, the typical height
// a VN-2000 point lands at). It is four times cheaper than geodetic.
func heightNear(p vec3) float64 {
	g := vec3{p[0] / (semiMajor * semiMajor), p[1] / (semiMajor * semiMajor), p[2] / (semiMinor * semiMinor)}
	return (p[0]*g[0] + p[1]*g[1] + p[2]*g[2] - 1) / (2 * math.Sqrt(g[0]*g[0]+g[1]*g[1]+g[2]*g[2]))
}

// geodetic is the inverse of ecef. It uses Bowring's (1976) formula, then
// one more step of his iteration: for points within 10 km of the ellipsoid
// the latitude is then exact to 10⁻¹⁵ rad. The steps work on sines and
// cosines as ratios, so the only trigonometry is two atan2.
func geodetic(p vec3) (lon, lat, h float64) {
	r := math.Sqrt(p[0]*p[0] + p[1]*p[1])
	z := p[2]
	// sb : cb is sin β : cos β, β the parametric latitude of the point's
	// foot on the ellipsoid, first from the point itself, then from
	// Bowring's latitude φ through tan β = (1 − f) tan φ.
	sb, cb := z*semiMajor, r*semiMinor
	var num, den float64 // num : den is sin φ : cos φ
	for range 2 {
		k := 1 / math.Sqrt(sb*sb+cb*cb)
		s, c := sb*k, cb*k
		num = z + ecc2p*semiMinor*s*s*s
		den = r - ecc2*semiMajor*c*c*c
		sb, cb = (1-flattening)*num, den
	}
	k := 1 / math.Sqrt(num*num+den*den)
	sinPhi, cosPhi := num*k, den*k
	h = r*cosPhi + z*sinPhi - semiMajor*math.Sqrt(1-ecc2*sinPhi*sinPhi)
	return math.Atan2(p[1], p[0]) / deg, math.Atan2(num, den) / deg, h
}
