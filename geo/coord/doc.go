// Package coord reads the coordinates provincial officers type into survey
// files and converts them to WGS 84 (EPSG:4326), the only system the rest of
// phusong stores. It owns no tables, does no I/O and is pure: the intake
// calls it once per row.
//
// # What it does
//
//   - ParseDegrees reads one latitude or longitude cell: decimal degrees
//     ("21.0285", "21,0285" when the file uses decimal commas) or
//     degrees-minutes-seconds in the many ways people type them
//     (22°23'05.4"N, 22 23 5.4 N, 22°23.09', typographic ′ ″ ’ ”).
//   - CheckLatLon checks a WGS 84 pair lies in Vietnam and spots swapped
//     columns, flipped signs and metres typed as degrees.
//   - ParseCRS reads the crs column of x, y files: the provincial VN-2000
//     TM-3 zone ("VN2000-TM3", meridian from the province code, or
//     "VN2000-TM3:104.75"), VN-2000 UTM 48N/49N, VN-2000 longitude/latitude,
//     WGS 84, and EPSG codes (4326, 4756, 3405, 3406, 32648, 32649, 5896–5899,
//     9205–9218).
//   - CRS.ToWGS84 converts x, y and checks the result lies in Vietnam,
//     spotting the swapped-axis mistake below; CRS.FromWGS84 goes back, for
//     exports in the officer's own system.
//   - VN2000ToWGS84, WGS84ToVN2000, TMForward and TMInverse are the plain
//     transformations, for code that has no CRS value at hand.
//
// Every error is a phusong.Problem value with a stable snake_case Code and a
// Vietnamese and an English message an officer can act on; Row, Column and
// Value are left for the caller to fill. Codes lists every code; values are
// never swapped or "fixed" silently, the message says what was probably
// meant.
//
// # The axis convention
//
// x is the easting (or the longitude) and y the northing (or the latitude),
// always, as in EPSG's VN-2000 / TM-3 systems and in orb.Point. Vietnamese
// cadastral documents and survey software write the opposite: X (hướng Bắc)
// is the northing and Y (hướng Đông) the easting. Officers copying from them
// will put the northing in x. CRS.ToWGS84 reports "xy_swapped" when only the
// other order lands in Vietnam, or when the given order lands offshore and
// the other near the mainland (the generous box of Vietnam includes Hoàng Sa
// and Trường Sa, so in the far south a swapped pair can land in the sea
// inside it). A northing in Vietnam is 660 000 m or more and, on the
// mainland, an easting rarely more than 700 000 m, so the check is reliable
// on land.
//
// # The sign-convention trap
//
// Quyết định 05/2007/QĐ-BTNMT publishes the VN-2000 → WGS 84 Helmert
// transformation in the coordinate-frame convention (EPSG method 9607,
// EPSG:6960): rx = −0.00928836″, ry = +0.01975479″, rz = −0.00427372″.
// PROJ's +towgs84, PostGIS's spatial_ref_sys, wroge/wgs84 and most GIS tools
// take the position-vector convention (EPSG 9606), whose rotations have the
// opposite signs. Feeding the legal signs to a position-vector formula is
// wrong by 0.4 to 0.8 m, small enough to pass a glance at a map. helmert.go
// keeps the legal values and the coordinate-frame matrix, and
// TestHelmertSignTrap pins the difference.
//
// # Heights
//
// Survey files give no heights. Points are put on the WGS 84 ellipsoid
// (h = 0) in both directions, as PROJ does from WGS 84 to VN-2000, so
// VN2000ToWGS84 and WGS84ToVN2000 are exact inverses and a province gets
// back the very numbers it sent. PROJ's inverse direction (cs2cs -I) puts h = 0 on the
// VN-2000 ellipsoid instead; the two differ by at most 1.6 mm over the box
// of Vietnam and 0.7 mm at the official pairs. That is the size of the
// choice: a point 1 000 m above the ellipsoid moves by about 3 cm either way.
//
// # Accuracy
//
// Measured by the tests (go test -v -run 'Official|PROJ'):
//
//   - the 21 official pairs of TT 37/2019/TT-BGTVT and TT 20/2019/TT-BGTVT,
//     published to 0.1″: worst 0.075″ both ways, the published rounding
//     (PROJ shows the same residuals);
//   - the 68 PROJ 9.1.1 vectors, 2 per province, in VN-2000 degrees, TM-3
//     with the 2025 and the legacy meridian, and UTM: worst 0.07 mm both
//     ways, the rounding of the vectors;
//   - testdata/proj_tm.csv and proj_helmert.csv (cs2cs, out to 3.5° from
//     the central meridian and over the whole box): below a micrometre.
//
// The Transverse Mercator is the 6th-order Krüger series as given by Karney
// (2011), which is what PROJ's tmerc uses. The regional Mekong-delta
// transformation EPSG:5194, which PROJ and PostGIS pick by default in the
// south, is not used: it is 0.8 m from the national parameters.
//
// # What it does not do
//
// It does not know province boundaries (geo/admin checks a point lies in its
// province, which also catches a wrong TM-3 meridian), heights or geoids,
// and it does not read files (geo/intake does).
//
// # Sources
//
//   - Quyết định 05/2007/QĐ-BTNMT, Điều 1: the national VN-2000 → WGS 84
//     parameters (EPSG:6960).
//   - Thông tư 973/2001/TT-TCĐC: TM-3 zones (k0 = 0.9999, false easting
//     500 000 m) and the central meridians of the 63 provinces.
//   - Thông tư 24/2025/TT-BNNMT: the central meridians of the 34 provinces
//     from 1 July 2025 (zone.go; two values are disputed between sources).
//   - IOGP Guidance Note 7-2 (EPSG): the Helmert conventions.
//   - C. F. F. Karney (2011), Transverse Mercator with an accuracy of a few
//     nanometers, J. Geodesy 85(8), 475–485.
//   - shared/data/vn2000: the parameters, meridian table, official pairs
//     and PROJ vectors the tests read.
//
// # Glossary
//
//   - VN-2000 (hệ quy chiếu và hệ tọa độ quốc gia VN-2000): Vietnam's
//     national datum since 2001, on the WGS 84 ellipsoid but shifted from it
//     by about 200 m.
//   - vĩ độ, kinh độ: latitude, longitude. Bắc, Nam, Đông, Tây: north, south,
//     east, west (B, Đ, T are read as N, E, W; N is always north).
//   - độ-phút-giây: degrees-minutes-seconds (DMS).
//   - kinh tuyến trục (KTT): the central meridian of a zone.
//   - múi chiếu 3° (TM-3), múi chiếu 6° (UTM): 3° and 6° wide Transverse
//     Mercator zones; hệ số tỷ lệ k0 is the scale factor on the central
//     meridian.
//   - tọa độ X, Y: on Vietnamese maps X is the northing and Y the easting,
//     the reverse of our x, y.
//   - QĐ (Quyết định): decision; TT (Thông tư): circular; BTNMT, BNNMT: the
//     ministry in charge of surveying (Tài nguyên và Môi trường, since 2025
//     Nông nghiệp và Môi trường).
package coord
