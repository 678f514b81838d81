package export

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/geo/survey"
)

// Package is one version of a bid package (gói thầu) as the files describe
// it. bids builds it from its own rows, area.Detail and the points of each
// area; this package never reads the database.
type Package struct {
	ID           int64
	Version      int
	Name         string
	Province     string    // province code after the 2025 reform
	ProvinceName string    // e.g. "Lai Châu"; empty: files show the code only
	Deadline     time.Time // bid deadline; written in Vietnam time (UTC+7)
	CeilingVND   int64     // ceiling price in VND
	Requirements string    // technical requirements, free text
	// Technical requirements as data (OCDS, PDF): the least technology
	// ("4G"), the least outdoor RSRP at each village for acceptance, and the
	// date by which every village must be covered.
	Technology       string
	MinRSRPdBm       float64
	CoverageDeadline time.Time
	Criteria         []Criterion // evaluation criteria; weights sum to 100
	ChangeNote       string      // why this version differs from the previous one
	Areas            []Area      // written in this order
}

// Criterion is one evaluation criterion of a package and its weight in
// percent, e.g. {"Giá dự thầu", "Bid price", 60}.
type Criterion struct {
	NameVI string
	NameEN string
	Weight float64
}

// Area is one dead-zone area of a package: its polygon (lon/lat, EPSG:4326),
// its figures, its proposed sites and its surveyed points (villages).
type Area struct {
	ID      int64
	Version int
	Polygon orb.MultiPolygon
	Figures Figures
	Sites   []Site
	Points  []Point
}

// Figures are the totals of an area, as area.Stored carries them.
type Figures struct {
	Points     int
	Villages   int
	Households int
	Population int
	TrangSong  int // points with no signal at all (trắng sóng)
	LomSong    int // points with signal but no 4G (lõm sóng)
	Sites      int
	CostVND    int64 // estimated cost of the area's sites, VND
	Score      float64
}

// Site is a proposed tower site of an area, as area.SiteRow carries it.
type Site struct {
	N          int       // 1-based number within the area
	Location   orb.Point // lon/lat
	Households int       // households the site covers
	Points     int       // survey points the site covers
	Terrain    string
	CostVND    int64
}

// Point is a surveyed village (thôn) of an area, from survey.StoredPoint.
type Point struct {
	ID int64 // phusong's id of the point ("Mã hệ thống")
	// RefID is the province's own id of the point ("Mã điểm", ref_id in
	// the survey file), what the province and operators know it by; "" when
	// the survey file gave none.
	RefID      string
	Location   orb.Point // lon/lat
	Village    string
	Commune    string // commune code
	Households int
	Category   string                      // survey.TrangSong or survey.LomSong
	Signal     [survey.NumOperators]string // per operator, in phusong.Operators order
}

// The parties of every package, as summary.pdf and ocds.json name them.
// Since the 2025 merger of ministries the telecommunications department
// (Cục Viễn thông) sits in the Ministry of Science and Technology and runs the
// public-utility telecommunication programme; the Fund (VTF) pays for it.
const (
	buyerID    = "cuc-vien-thong"
	buyerName  = "Cục Viễn thông, Bộ Khoa học và Công nghệ"
	funderID   = "vtf"
	funderName = "Quỹ Dịch vụ viễn thông công ích Việt Nam (VTF)"
)

// operatorNames label the Signal columns, in survey.Operator order.
var operatorNames = [survey.NumOperators]string{"Viettel", "VinaPhone", "MobiFone", "Vietnamobile"}

// vietnam is the zone deadlines are written in; a fixed offset, so that the
// output does not depend on the machine's tzdata.
var vietnam = time.FixedZone("UTC+07:00", 7*3600)

// check refuses what no file format can carry: coordinates that are not
// finite or out of range, and areas without a polygon.
func (p Package) check() error {
	for _, a := range p.Areas {
		if len(a.Polygon) == 0 {
			return fmt.Errorf("export: package %d area %d: no polygon", p.ID, a.ID)
		}
		for _, poly := range a.Polygon {
			if len(poly) == 0 {
				return fmt.Errorf("export: package %d area %d: empty polygon", p.ID, a.ID)
			}
			for _, r := range poly {
				if len(r) < 3 {
					return fmt.Errorf("export: package %d area %d: ring of %d points", p.ID, a.ID, len(r))
				}
				for _, pt := range r {
					if !validLonLat(pt) {
						return fmt.Errorf("export: package %d area %d: bad coordinate %v", p.ID, a.ID, pt)
					}
				}
			}
		}
		for _, s := range a.Sites {
			if !validLonLat(s.Location) {
				return fmt.Errorf("export: package %d area %d site %d: bad coordinate %v", p.ID, a.ID, s.N, s.Location)
			}
		}
		for _, pt := range a.Points {
			if !validLonLat(pt.Location) {
				return fmt.Errorf("export: package %d area %d point %d: bad coordinate %v", p.ID, a.ID, pt.ID, pt.Location)
			}
		}
	}
	return nil
}

func validLonLat(p orb.Point) bool {
	lon, lat := p[0], p[1]
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// provinceLabel is "Lai Châu (12)", or the code alone when bids did not
// give a name: how every file that names the province for people writes it
// (summary.pdf, package.xlsx, package.kml).
func provinceLabel(p Package) string {
	name := strings.TrimSpace(nfc(p.ProvinceName))
	switch {
	case name == "" && p.Province == "":
		return "—"
	case name == "":
		return p.Province
	case p.Province == "":
		return name
	}
	return name + " (" + p.Province + ")"
}

// nfc returns s in Unicode NFC: PDF and spreadsheet viewers do not compose
// combining marks, and the same name must hash the same in every file.
func nfc(s string) string { return norm.NFC.String(s) }

// round6 rounds a point to 6 decimals (about 0.1 m), as RFC 7946 §11.2 advises.
func round6(p orb.Point) orb.Point { return orb.Round(p, 1e6).(orb.Point) }

// rightHand returns a copy of mp rounded to 6 decimals, with closed rings,
// outer rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6).
// orb does not enforce winding, and the store's ST_ForcePolygonCCW may not
// be the only producer, so it is done here.
func rightHand(mp orb.MultiPolygon) orb.MultiPolygon {
	out := orb.Round(mp.Clone(), 1e6).(orb.MultiPolygon)
	for _, poly := range out {
		for i, r := range poly {
			if !r.Closed() {
				r = append(r, r[0])
				poly[i] = r
			}
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want && r.Orientation() != 0 {
				r.Reverse()
			}
		}
	}
	return out
}
