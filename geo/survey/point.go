package survey

import (
	"time"

	"github.com/paulmach/orb"
)

// Operator indexes the per-operator arrays of a Point, in the order of
// phusong.Operators: Viettel, VinaPhone, MobiFone, Vietnamobile.
type Operator int

const (
	Viettel Operator = iota
	VinaPhone
	MobiFone
	Vietnamobile
	NumOperators
)

// Categories of a dead-zone point.
const (
	TrangSong = "trang_song" // no operator gives any signal: a total not-spot
	LomSong   = "lom_song"   // some signal, but no operator gives 4G: a partial not-spot
)

// Point is one surveyed place where households lack usable mobile signal: a
// village (thôn, bản, ấp) or a cluster of houses in one. Enumerated fields
// hold the canonical lower-case values of the survey-file specification;
// "" means the optional value was not given.
type Point struct {
	ProvinceCode string               // 2-digit 2025 code
	CommuneCode  string               // 5-digit 2025 code
	VillageName  string               // NFC
	RefID        string               // the province's own id, unique within the province; may be ""
	Location     orb.Point            // lon, lat in EPSG:4326
	SourceCRS    string               // the coordinate system the file gave, e.g. "EPSG:4326", "VN2000-TM3:104.75"
	Households   int                  // ≥ 1
	Population   int                  // 0 when not given; else ≥ Households
	GridPower    string               // yes | no | partial
	RoadAccess   string               // all_year | seasonal | none | ""
	Terrain      string               // flat | hilly | mountainous | ""
	DBKK         string               // yes | no | ""
	Signal       [NumOperators]string // none | 2g | 3g | 4g | 5g | "" (not surveyed)
	RSRP         [NumOperators]int    // measured RSRP in dBm (−140 … −44); 0 when not measured
	Facilities   []string             // school, health, commune_office, border_post, market
	SurveyedOn   time.Time            // a date, UTC midnight
	SurveyedBy   string
	Notes        string
	Category     string // TrangSong or LomSong
	Row          int    // spreadsheet row (header = 1) or feature index it came from
}

// DeriveCategory returns the category the signal columns imply: trang_song
// when no surveyed operator gives any signal, else lom_song.
func DeriveCategory(signal [NumOperators]string) string {
	for _, s := range signal {
		if s != "" && s != "none" {
			return LomSong
		}
	}
	return TrangSong
}
