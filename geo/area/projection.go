package area

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/coord"
)

// Projection is the metric projection areas are computed in: Transverse
// Mercator on the WGS 84 ellipsoid with the central meridian of the
// province's VN-2000 TM-3 zone (coord.CentralMeridian), scale factor 0.9999
// and false easting 500 000 m, the parameters of the provincial VN-2000 /
// TM-3 grids without the VN-2000 datum shift (which moves every point by
// the same ~200 m and changes no distance).
//
// Each province has its own, and areas never cross a province border, so no
// area is cut by a zone border the way UTM 48/49 cut Vietnam at 108°E. The
// scale error stays within −0.010 % … +0.067 % over every commune but the
// two offshore special zones (doc.go has the figures), against
// −0.04 % … +0.09 % for UTM. Distances are metres; x is the easting, y the
// northing.
type Projection struct {
	Province string  // 2-digit 2025 code
	Meridian float64 // degrees east
}

// Scale factor on the central meridian and false easting of the TM-3 zones.
const (
	ScaleFactor  = 0.9999
	FalseEasting = 500000
)

// ProjectionFor returns the projection of a 2025 province. It fails for a
// code that is not one of the 34.
func ProjectionFor(province string) (Projection, error) {
	lon0, ok := coord.CentralMeridian(province)
	if !ok || len(province) != 2 {
		return Projection{}, fmt.Errorf("area: no projection for province code %q", province)
	}
	return Projection{Province: province, Meridian: lon0}, nil
}

// Forward returns the easting and northing in metres of p (lon/lat).
func (p Projection) Forward(q orb.Point) (x, y float64) {
	return coord.TMForward(q[0], q[1], p.Meridian, ScaleFactor, FalseEasting)
}

// Inverse returns the lon/lat of the easting x and northing y.
func (p Projection) Inverse(x, y float64) orb.Point {
	lon, lat := coord.TMInverse(x, y, p.Meridian, ScaleFactor, FalseEasting)
	return orb.Point{lon, lat}
}
