package site

import (
	"fmt"
	"math"
)

// Weights are the weights and reference values of the priority score. The
// score is 100 × Σ weight·term / Σ weight, each term in [0, 1]:
//
//	households_per_site  min(1, households / sites / HouseholdsPerSiteRef)
//	trang_song_share     trắng sóng points / points
//	public_facilities    min(1, points with a school, health post or commune office / FacilitiesRef)
//	dbkk_share           ĐBKK points / points
//	border               1 when a point has a border post, else 0
//
// so a score is comparable across areas of any size and stays in [0, 100]
// whatever the weights. Score returns the formula and weights with every
// value, so an API can show how a score came about.
type Weights struct {
	HouseholdsPerSite float64 `json:"households_per_site"`
	TrangSongShare    float64 `json:"trang_song_share"`
	PublicFacilities  float64 `json:"public_facilities"`
	DBKKShare         float64 `json:"dbkk_share"`
	Border            float64 `json:"border"`

	HouseholdsPerSiteRef float64 `json:"households_per_site_ref"` // households per site that earns the full term
	FacilitiesRef        float64 `json:"facilities_ref"`          // public facilities that earn the full term
}

// DefaultWeights are the weights doc.go explains: reach first (how many
// households each subsidised tower connects), then how dead the zone is,
// then public services, disadvantage and border security.
var DefaultWeights = Weights{
	HouseholdsPerSite:    0.35,
	TrangSongShare:       0.25,
	PublicFacilities:     0.15,
	DBKKShare:            0.15,
	Border:               0.10,
	HouseholdsPerSiteRef: 150,
	FacilitiesRef:        3,
}

// Validate reports weights that would make the score meaningless.
func (w Weights) Validate() error {
	sum := 0.0
	for _, v := range []float64{w.HouseholdsPerSite, w.TrangSongShare, w.PublicFacilities, w.DBKKShare, w.Border} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("site: score weights must be finite and non-negative")
		}
		sum += v
	}
	if sum == 0 {
		return fmt.Errorf("site: score weights are all zero")
	}
	if !(w.HouseholdsPerSiteRef > 0) || !(w.FacilitiesRef > 0) {
		return fmt.Errorf("site: score reference values must be positive")
	}
	return nil
}

// Summary is what the priority score reads about an area.
type Summary struct {
	Points           int // survey points
	Households       int
	Sites            int // sites proposed
	TrangSong        int // points in category trang_song
	PublicFacilities int // points with a school, health post or commune office
	DBKK             int // points on the ĐBKK list
	BorderPosts      int // points with a border post
}

// Score is a priority score with how it was computed.
type Score struct {
	Value   float64 `json:"value"` // 0 … 100, higher first
	Formula string  `json:"formula"`
	Weights Weights `json:"weights"`
	Terms   []Term  `json:"terms"`
}

// Term is one term of a score: its raw input, its normalised value in
// [0, 1], its weight and the points it contributed to Value.
type Term struct {
	Name         string  `json:"name"`
	Raw          float64 `json:"raw"`
	Value        float64 `json:"value"`
	Weight       float64 `json:"weight"`
	Contribution float64 `json:"contribution"`
}

// Formula is the score formula in words, as Score returns it.
const Formula = "100 × (w_hh·min(1, households/sites/households_per_site_ref) + w_ts·trang_song_points/points + " +
	"w_pf·min(1, public_facility_points/facilities_ref) + w_dbkk·dbkk_points/points + w_border·[border post]) / Σw"

// Score computes the priority score of an area. An empty area scores 0.
func (w Weights) Score(s Summary) Score {
	share := func(n int) float64 {
		if s.Points == 0 {
			return 0
		}
		return float64(n) / float64(s.Points)
	}
	hhPerSite := 0.0
	if s.Sites > 0 {
		hhPerSite = float64(s.Households) / float64(s.Sites)
	}
	border := 0.0
	if s.BorderPosts > 0 {
		border = 1
	}
	terms := []Term{
		{Name: "households_per_site", Raw: hhPerSite, Value: math.Min(1, hhPerSite/w.HouseholdsPerSiteRef), Weight: w.HouseholdsPerSite},
		{Name: "trang_song_share", Raw: share(s.TrangSong), Value: share(s.TrangSong), Weight: w.TrangSongShare},
		{Name: "public_facilities", Raw: float64(s.PublicFacilities), Value: math.Min(1, float64(s.PublicFacilities)/w.FacilitiesRef), Weight: w.PublicFacilities},
		{Name: "dbkk_share", Raw: share(s.DBKK), Value: share(s.DBKK), Weight: w.DBKKShare},
		{Name: "border", Raw: float64(s.BorderPosts), Value: border, Weight: w.Border},
	}
	sumW := 0.0
	for _, t := range terms {
		sumW += t.Weight
	}
	out := Score{Formula: Formula, Weights: w, Terms: terms}
	if sumW == 0 || s.Points == 0 {
		return out
	}
	for i := range out.Terms {
		t := &out.Terms[i]
		t.Contribution = 100 * t.Weight * t.Value / sumW
		out.Value += t.Contribution
	}
	return out
}
