package area

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// Area is a group of nearby dead-zone points of one province that a few
// sites can cover, with what reviewers sort and tender by.
type Area struct {
	Province string `json:"province"` // 2-digit 2025 code
	// Cluster is the index in Grouping.Clusters of the group this area is,
	// or was split from by bounding.
	Cluster    int      `json:"cluster"`
	Points     []int    `json:"points"`   // indices into the input, ascending
	Communes   []string `json:"communes"` // 5-digit codes, ascending
	Villages   int      `json:"villages"` // distinct villages (doc.go: how they are told apart)
	Households int      `json:"households"`
	Population int      `json:"population"` // sum of the populations given; points without one add 0
	TrangSong  int      `json:"trang_song"` // points in category trang_song
	LomSong    int      `json:"lom_song"`
	DBKK       int      `json:"dbkk"` // points on the ĐBKK list
	// PublicFacilities counts the points with a school, health post or
	// commune office.
	PublicFacilities int        `json:"public_facilities"`
	GridPower        GridMix    `json:"grid_power"`
	Terrain          Terrains   `json:"terrain"`
	Facilities       Facilities `json:"facilities"`
	// Polygon is the convex hull of the points grown by Margin, EPSG:4326,
	// valid, counter-clockwise: every point lies inside it at least Margin
	// metres from its edge.
	Polygon  orb.MultiPolygon `json:"polygon"`
	Margin   float64          `json:"margin_m"`   // the largest coverage radius of the points' terrains, metres
	Diameter float64          `json:"diameter_m"` // the largest distance between two points, metres
	// Sites, Cost and Score are filled by Build, not by Grouping.Areas.
	// Site.Points index the input like Points; Site.Covers counts this
	// area's points only.
	Sites []site.Site `json:"sites,omitempty"`
	Cost  site.Cost   `json:"cost"`
	Score site.Score  `json:"score"`
}

// GridMix counts points by grid power.
type GridMix struct {
	Yes     int `json:"yes"`
	Partial int `json:"partial"`
	No      int `json:"no"`
}

// Terrains counts points by terrain class; Unknown when not given.
type Terrains struct {
	Flat        int `json:"flat"`
	Hilly       int `json:"hilly"`
	Mountainous int `json:"mountainous"`
	Unknown     int `json:"unknown"`
}

// Facilities counts the points listing each facility.
type Facilities struct {
	School        int `json:"school"`
	Health        int `json:"health"`
	CommuneOffice int `json:"commune_office"`
	BorderPost    int `json:"border_post"`
	Market        int `json:"market"`
}

// Present returns the facilities at least one point lists, in the order of
// the survey-file specification.
func (f Facilities) Present() []string {
	var out []string
	for _, x := range []struct {
		name string
		n    int
	}{{"school", f.School}, {"health", f.Health}, {"commune_office", f.CommuneOffice}, {"border_post", f.BorderPost}, {"market", f.Market}} {
		if x.n > 0 {
			out = append(out, x.name)
		}
	}
	return out
}

// Areas returns one area per cluster of g, without bounding and without
// sites, cost or score: the counts, communes, villages and polygon of
// every group, in cluster order. pts must be the points g was made from;
// cfg must be valid (its site radii set the polygons' margin).
func (g *Grouping) Areas(ctx context.Context, pts []survey.Point, cfg Config) ([]Area, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(pts) != len(g.X) {
		return nil, fmt.Errorf("area: %d points given, the grouping has %d", len(pts), len(g.X))
	}
	out := make([]Area, len(g.Clusters))
	scratch := make([]*summaryScratch, cfg.workers())
	for i := range scratch {
		scratch[i] = new(summaryScratch)
	}
	// Chunks of clusters, each summarised with one worker's scratch; small,
	// so that a chunk holding a very large cluster does not hold up the rest.
	const chunk = 16
	n := (len(g.Clusters) + chunk - 1) / chunk
	free := make(chan *summaryScratch, len(scratch))
	for _, s := range scratch {
		free <- s
	}
	err := parallel(ctx, n, cfg.workers(), func(c int) error {
		s := <-free
		defer func() { free <- s }()
		for k := c * chunk; k < min((c+1)*chunk, len(g.Clusters)); k++ {
			cl := g.Clusters[k]
			proj, err := ProjectionFor(cl.Province)
			if err != nil {
				return err
			}
			out[k] = summarize(pts, cl.Points, g, proj, cfg.Site, s)
			out[k].Cluster = k
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// summaryScratch is reused memory of one summarizing goroutine.
type summaryScratch struct {
	pts, hull, ring []xy
	villages        []uint64
	communes        []int32
	// seen[c] == stamp marks commune number c as collected for the
	// current area: no sort of one code per point.
	seen  []int32
	stamp int32
}

// record is what summarising reads of a point, packed so that the points
// of an area, scattered through the input, cost one cache line each
// instead of a survey.Point and the strings it points to.
type record struct {
	households, population int32
	commune                int32 // the 5-digit code as a number; -1 when it is not one
	flags                  uint32
	village                uint64 // VillageKey
}

// Bits of record.flags.
const (
	fTrangSong = 1 << iota
	fLomSong
	fGridYes
	fGridPartial
	fGridNo
	fDBKK
	fSchool
	fHealth
	fCommuneOffice
	fBorderPost
	fMarket
	fTerrainShift = 12 // two bits: 0 flat, 1 hilly, 2 mountainous, 3 unknown
)

var terrainCodes = map[string]uint32{site.Flat: 0, site.Hilly: 1, site.Mountainous: 2}

func newRecord(p *survey.Point) record {
	r := record{households: int32(p.Households), population: int32(p.Population), village: VillageKey(p.CommuneCode, p.VillageName)}
	if c, ok := communeNumber(p.CommuneCode); ok {
		r.commune = int32(c)
	} else {
		r.commune = -1
	}
	switch p.Category {
	case survey.TrangSong:
		r.flags |= fTrangSong
	case survey.LomSong:
		r.flags |= fLomSong
	}
	switch p.GridPower {
	case "yes":
		r.flags |= fGridYes
	case "partial":
		r.flags |= fGridPartial
	case "no":
		r.flags |= fGridNo
	}
	if p.DBKK == "yes" {
		r.flags |= fDBKK
	}
	for _, f := range p.Facilities {
		switch f {
		case "school":
			r.flags |= fSchool
		case "health":
			r.flags |= fHealth
		case "commune_office":
			r.flags |= fCommuneOffice
		case "border_post":
			r.flags |= fBorderPost
		case "market":
			r.flags |= fMarket
		}
	}
	t, ok := terrainCodes[p.Terrain]
	if !ok {
		t = 3
	}
	r.flags |= t << fTerrainShift
	return r
}

func communeNumber(code string) (int, bool) {
	if len(code) != 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < 5; i++ {
		c := code[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// summarize fills everything of an Area but Cluster, Sites, Cost and Score
// for the points idx (ascending) of one province.
func summarize(pts []survey.Point, idx []int, g *Grouping, proj Projection, sc site.Config, s *summaryScratch) Area {
	a := Area{Province: proj.Province, Points: idx}
	if s.seen == nil {
		s.seen, s.stamp = make([]int32, 100000), 0
	}
	s.stamp++
	s.pts, s.villages, s.communes = s.pts[:0], s.villages[:0], s.communes[:0]
	var odd []string // commune codes that are not 5 digits (intake lets none through)
	var terrain [4]int
	for _, i := range idx {
		r := &g.records[i]
		s.pts = append(s.pts, xy{g.X[i], g.Y[i]})
		a.Households += int(r.households)
		a.Population += int(r.population)
		f := r.flags
		a.TrangSong += int(f & fTrangSong)
		a.LomSong += int(f & fLomSong >> 1)
		a.GridPower.Yes += int(f & fGridYes >> 2)
		a.GridPower.Partial += int(f & fGridPartial >> 3)
		a.GridPower.No += int(f & fGridNo >> 4)
		a.DBKK += int(f & fDBKK >> 5)
		if f&(fSchool|fHealth|fCommuneOffice) != 0 {
			a.PublicFacilities++
		}
		if f&(fSchool|fHealth|fCommuneOffice|fBorderPost|fMarket) != 0 {
			a.Facilities.School += int(f & fSchool >> 6)
			a.Facilities.Health += int(f & fHealth >> 7)
			a.Facilities.CommuneOffice += int(f & fCommuneOffice >> 8)
			a.Facilities.BorderPost += int(f & fBorderPost >> 9)
			a.Facilities.Market += int(f & fMarket >> 10)
		}
		terrain[f>>fTerrainShift&3]++
		if c := r.commune; c >= 0 {
			if s.seen[c] != s.stamp {
				s.seen[c] = s.stamp
				s.communes = append(s.communes, c)
			}
		} else if !slices.Contains(odd, pts[i].CommuneCode) {
			odd = append(odd, pts[i].CommuneCode)
		}
		s.villages = append(s.villages, r.village)
	}
	a.Terrain = Terrains{Flat: terrain[0], Hilly: terrain[1], Mountainous: terrain[2], Unknown: terrain[3]}
	for k, t := range []string{site.Flat, site.Hilly, site.Mountainous, ""} {
		if terrain[k] > 0 {
			a.Margin = math.Max(a.Margin, sc.RadiusOf(t))
		}
	}
	a.Communes = make([]string, 0, len(s.communes)+len(odd))
	for _, c := range s.communes {
		a.Communes = append(a.Communes, fmt.Sprintf("%05d", c))
	}
	a.Communes = append(a.Communes, odd...)
	slices.Sort(a.Communes)
	slices.Sort(s.villages)
	a.Villages = len(slices.Compact(s.villages))
	s.hull = hull(s.pts, s.hull)
	a.Diameter = diameter(s.hull)
	s.ring = buffer(s.hull, a.Margin, s.ring)
	a.Polygon = polygon(s.ring, proj)
	return a
}

// VillageKey returns a hash telling villages apart: the commune code and
// the village name without a trailing "cụm N" (any case, with or without
// diacritics, after "-" or a space), the suffix the survey-file
// specification suggests for several points of one village ("Bản Nà - cụm
// 2"). Names are NFC already, so bytes compare; folding case and
// diacritics as well cost a third of summarising 100k points for a
// handful of villages spelt two ways. It is the one rule for counting
// villages: an area's Villages is the number of distinct keys of its
// points, and a bid package's files count with it too (bids.assemble), so
// that they agree with the area.
func VillageKey(commune, name string) uint64 {
	// FNV-1a, 64 bits.
	h := uint64(14695981039346656037)
	for i := 0; i < len(commune); i++ {
		h = (h ^ uint64(commune[i])) * 1099511628211
	}
	h *= 1099511628211 // a 0 byte between the two
	base := villageBase(name)
	for i := 0; i < len(base); i++ {
		h = (h ^ uint64(base[i])) * 1099511628211
	}
	return h
}

// villageBase strips a trailing "cụm N" from a village name.
func villageBase(name string) string {
	s := strings.TrimRight(name, " ")
	end := len(s)
	for end > 0 && s[end-1] >= '0' && s[end-1] <= '9' {
		end--
	}
	if end == len(s) {
		return name
	}
	s = strings.TrimRight(s[:end], " ")
	for _, w := range []string{"cụm", "Cụm", "CỤM", "cum", "Cum", "CUM"} {
		if strings.HasSuffix(s, w) {
			s = strings.TrimRight(s[:len(s)-len(w)], " ")
			return strings.TrimRight(strings.TrimSuffix(s, "-"), " ")
		}
	}
	return name
}
