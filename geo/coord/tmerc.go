package coord

import "math"

// The WGS 84 ellipsoid. VN-2000 uses the same ellipsoid, shifted and rotated
// (see helmert.go), so one set of constants serves both datums.
const (
	semiMajor  = 6378137.0                     // a, metres
	flattening = 1 / 298.257223563             // f
	ecc2       = flattening * (2 - flattening) // e²
	ecc2m      = 1 - ecc2                      // 1 − e²
	deg        = math.Pi / 180
)

var (
	ecc       = math.Sqrt(ecc2)              // e
	semiMinor = semiMajor * (1 - flattening) // b
	ecc2p     = ecc2 / ecc2m                 // e′², the second eccentricity squared
)

// Transverse Mercator as the 6th-order Krüger series in the form of Karney
// (2011), "Transverse Mercator with an accuracy of a few nanometers", J. Geod.
// 85(8), 475–485, eqs. (7)–(36). It is the algorithm behind PROJ's tmerc and
// is accurate to a few nanometres within 3 900 km of the central meridian,
// far beyond a 3° or 6° zone, and below 89.99° of latitude.
//
// rectA is A, the radius of the rectifying sphere; alpha and beta are the
// coefficients αj (conformal sphere → projection) and βj (its inverse).
var rectA, alpha, beta = kruegerSeries(flattening)

func kruegerSeries(f float64) (a float64, alpha, beta [6]float64) {
	n := f / (2 - f)
	n2 := n * n
	n3 := n2 * n
	n4 := n3 * n
	n5 := n4 * n
	n6 := n5 * n
	a = semiMajor / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	alpha = [6]float64{
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	beta = [6]float64{
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return a, alpha, beta
}

// TMForward projects a point given in degrees on the WGS 84 ellipsoid to
// Transverse Mercator easting x and northing y in metres, with latitude of
// origin 0 and false northing 0. lon0 is the central meridian in degrees, k0
// the scale factor on it (0.9999 for the VN-2000 TM-3 zones, 0.9996 for UTM)
// and falseEasting is added to x (500 000 m in both).
//
// It applies no datum shift: give it VN-2000 longitude and latitude (see
// WGS84ToVN2000) to get VN-2000 TM-3 or UTM coordinates. It is accurate to
// a few nanometres within 3 900 km (35°) of lon0; it does not return errors, and
// points 90° from lon0 give infinities.
func TMForward(lon, lat, lon0, k0, falseEasting float64) (x, y float64) {
	sinPhi, cosPhi := math.Sincos(lat * deg)
	sinLam, cosLam := math.Sincos((lon - lon0) * deg)
	taup := conformalTan(sinPhi / cosPhi)
	xip := math.Atan2(taup, cosLam)
	etap := math.Asinh(sinLam / math.Sqrt(taup*taup+cosLam*cosLam))
	dxi, deta := sumSin(&alpha, xip, etap)
	return falseEasting + k0*rectA*(etap+deta), k0 * rectA * (xip + dxi)
}

// TMInverse is the inverse of TMForward: it returns the longitude and
// latitude in degrees of the Transverse Mercator easting x and northing y
// (metres) with central meridian lon0 (degrees), scale factor k0 and the
// given false easting. Inputs far outside any zone give NaN or nonsense,
// never a panic; CRS.ToWGS84 checks the result.
func TMInverse(x, y, lon0, k0, falseEasting float64) (lon, lat float64) {
	sinLam, cosLam, tanPhi := tmInverse(x, y, k0, falseEasting)
	return lon0 + math.Atan2(sinLam, cosLam)/deg, math.Atan(tanPhi) / deg
}

// tmInverse is TMInverse up to the last step: it returns the longitude from
// the central meridian as sin λ and cos λ, and the latitude as tan φ, which
// is what the Helmert step needs.
func tmInverse(x, y, k0, falseEasting float64) (sinLam, cosLam, tanPhi float64) {
	xi := y / (k0 * rectA)
	eta := (x - falseEasting) / (k0 * rectA)
	dxi, deta := sumSin(&beta, xi, eta)
	xip, etap := xi-dxi, eta-deta
	sinXip, cosXip := math.Sincos(xip)
	sinhEtap := math.Sinh(etap)
	r := math.Sqrt(sinhEtap*sinhEtap + cosXip*cosXip)
	return sinhEtap / r, cosXip / r, geodeticTan(sinXip / r)
}

// sumSin returns the real and imaginary parts of Σ c[j-1]·sin(2jζ), j = 1…6,
// for the complex ζ = ξ + iη, by Clenshaw summation (Karney 2011, eq. 45).
func sumSin(c *[6]float64, xi, eta float64) (dxi, deta float64) {
	s2, c2 := math.Sincos(2 * xi)
	e2 := math.Exp(2 * eta)
	sh2, ch2 := (e2-1/e2)/2, (e2+1/e2)/2
	twoCos := complex(2*c2*ch2, -2*s2*sh2) // 2·cos 2ζ
	var b1, b2 complex128
	for j := len(c) - 1; j >= 0; j-- {
		b1, b2 = twoCos*b1-b2+complex(c[j], 0), b1
	}
	s := b1 * complex(s2*ch2, c2*sh2) // b1·sin 2ζ
	return real(s), imag(s)
}

// conformalTan returns tan χ, the tangent of the conformal latitude, of a
// point with tan φ = tau (Karney 2011, eqs. 7–9).
func conformalTan(tau float64) float64 {
	tau1 := math.Sqrt(1 + tau*tau)
	sig := math.Sinh(ecc * math.Atanh(ecc*tau/tau1))
	return math.Sqrt(1+sig*sig)*tau - sig*tau1
}

// geodeticTan inverts conformalTan by one step of Newton's method from
// Karney's starting value τ′/(1 − e²) (Karney 2011, eqs. 19–21). One step
// is enough: TestGeodeticTan measures the latitude exact to 5·10⁻¹⁶ rad
// (3 nm) from the equator to 89.99°; a second step changes nothing.
func geodeticTan(taup float64) float64 {
	tau := taup / ecc2m
	taupa := conformalTan(tau)
	return tau + (taup-taupa)*(1+ecc2m*tau*tau)/
		(ecc2m*math.Sqrt(1+tau*tau)*math.Sqrt(1+taupa*taupa))
}
