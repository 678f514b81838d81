package bids

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
)

// Rule is a packaging rule reviewers choose (and may save): which areas go
// into packages and how they are cut.
type Rule struct {
	Province string `json:"province,omitempty"` // 2-digit code; empty: every province
	// Mode "province" makes one package per province; "cap" makes packages
	// of neighbouring areas up to Cap of CapKind each.
	Mode    string  `json:"mode"`
	CapKind string  `json:"cap_kind,omitempty"` // sites | households | value (VND)
	Cap     float64 `json:"cap,omitempty"`
	// MinScore leaves out areas whose priority score is below it.
	MinScore float64 `json:"min_score"`
	// RequireDBKK leaves out areas with no village on the ĐBKK list (not
	// eligible for the public fund); RequireGrid leaves out areas with no
	// grid power at all (they wait for power).
	RequireDBKK bool `json:"require_dbkk"`
	RequireGrid bool `json:"require_grid"`
}

// DefaultRule is what the preview uses when the reviewer gives nothing:
// one package per province, every eligible area.
func DefaultRule() Rule { return Rule{Mode: "province", RequireDBKK: true, RequireGrid: true} }

// Validate checks a rule and says, in Vietnamese and English, how to fix it.
func (r Rule) Validate() error {
	var ps []phusong.Problem
	if r.Province != "" && !validProvince(r.Province) {
		ps = append(ps, phusong.Problem{Column: "province", Code: "bad_province", Value: r.Province,
			VI: "Mã tỉnh gồm 2 chữ số, ví dụ 12 (Lai Châu); để trống để lập cho mọi tỉnh.",
			EN: "A province code is 2 digits, e.g. 12 (Lai Châu); leave it empty for every province."})
	}
	switch r.Mode {
	case "province":
	case "cap":
		switch r.CapKind {
		case "sites", "households", "value":
		default:
			ps = append(ps, phusong.Problem{Column: "cap_kind", Code: "bad_cap_kind", Value: r.CapKind,
				VI: "Giới hạn theo: sites (số trạm), households (số hộ) hoặc value (giá trị, đồng).",
				EN: "Cap by sites, households or value (VND)."})
		}
		if !(r.Cap > 0) || math.IsInf(r.Cap, 0) {
			ps = append(ps, phusong.Problem{Column: "cap", Code: "bad_cap", Value: fmtFloat(r.Cap),
				VI: "Giới hạn của mỗi gói phải là một số dương, ví dụ 20 trạm.",
				EN: "The cap of each package must be a positive number, e.g. 20 sites."})
		}
	default:
		ps = append(ps, phusong.Problem{Column: "mode", Code: "bad_mode", Value: r.Mode,
			VI: "Cách chia gói: province (một gói mỗi tỉnh) hoặc cap (gói các vùng gần nhau đến một giới hạn).",
			EN: "Mode is province (one package per province) or cap (neighbouring areas up to a cap)."})
	}
	if r.MinScore < 0 || r.MinScore > 100 || math.IsNaN(r.MinScore) {
		ps = append(ps, phusong.Problem{Column: "min_score", Code: "bad_min_score", Value: fmtFloat(r.MinScore),
			VI: "Điểm ưu tiên tối thiểu từ 0 đến 100.", EN: "The minimum priority score is from 0 to 100."})
	}
	if len(ps) > 0 {
		return phusong.Invalid("bad_rule", "Quy tắc lập gói chưa hợp lệ.", "The packaging rule is not valid.", ps...)
	}
	return nil
}

func validProvince(s string) bool {
	return len(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Candidate is an active area as packaging sees it.
type Candidate struct {
	ID         int64     `json:"id"`
	Version    int       `json:"version"`
	Province   string    `json:"province_code"`
	Centroid   orb.Point `json:"centroid"` // lon/lat
	Points     int       `json:"points"`
	Households int       `json:"households"`
	Sites      int       `json:"sites"`
	CostVND    int64     `json:"cost_vnd"`
	Score      float64   `json:"score"`
	DBKK       int       `json:"dbkk"`       // points on the ĐBKK list
	GridPower  int       `json:"grid"`       // points with grid power (yes or partial)
	PackageID  int64     `json:"package_id"` // the package (not withdrawn) it is in; 0 when free
}

// Totals add up the areas of a package.
type Totals struct {
	Areas      int   `json:"areas"`
	Points     int   `json:"points"`
	Households int   `json:"households"`
	Sites      int   `json:"sites"`
	CostVND    int64 `json:"cost_vnd"`
}

func (t *Totals) add(c Candidate) {
	t.Areas++
	t.Points += c.Points
	t.Households += c.Households
	t.Sites += c.Sites
	t.CostVND += c.CostVND
}

// Planned is one package a rule makes.
type Planned struct {
	Province string      `json:"province_code"`
	Seq      int         `json:"seq"` // 1-based within the province
	Areas    []Candidate `json:"areas"`
	Totals   Totals      `json:"totals"`
}

// Excluded is an area a rule leaves out, with the reason.
type Excluded struct {
	AreaID   int64  `json:"area_id"`
	Province string `json:"province_code"`
	Code     string `json:"code"` // below_min_score | not_dbkk | no_grid_power | in_package
	phusong.Message
}

// Plan applies rule r to the candidate areas: it leaves out the areas that
// are not eligible (each with its reason) and cuts the rest into packages,
// never across a province border. In "cap" mode the areas of a province are
// ordered along a Hilbert curve through their centroids, so that consecutive
// areas are neighbours, and the order is cut whenever the next area would
// take the package over the cap; an area above the cap alone is a package of
// its own. Plan is deterministic: the same candidates give the same packages.
func Plan(cands []Candidate, r Rule) ([]Planned, []Excluded) {
	byProvince := map[string][]Candidate{}
	var excluded []Excluded
	for _, c := range cands {
		if r.Province != "" && c.Province != r.Province {
			continue
		}
		if code, msg, out := exclusion(c, r); out {
			excluded = append(excluded, Excluded{AreaID: c.ID, Province: c.Province, Code: code, Message: msg})
			continue
		}
		byProvince[c.Province] = append(byProvince[c.Province], c)
	}
	provinces := make([]string, 0, len(byProvince))
	for p := range byProvince {
		provinces = append(provinces, p)
	}
	slices.Sort(provinces)
	var out []Planned
	for _, p := range provinces {
		as := byProvince[p]
		if r.Mode != "cap" {
			slices.SortFunc(as, func(a, b Candidate) int { return cmpScore(a, b) })
			out = append(out, planned(p, 1, as))
			continue
		}
		hilbertOrder(as)
		seq, start := 1, 0
		var acc float64
		for i, c := range as {
			v := capValue(c, r.CapKind)
			if i > start && acc+v > r.Cap {
				out = append(out, planned(p, seq, as[start:i]))
				seq, start, acc = seq+1, i, 0
			}
			acc += v
		}
		out = append(out, planned(p, seq, as[start:]))
	}
	slices.SortFunc(excluded, func(a, b Excluded) int {
		if a.Province != b.Province {
			if a.Province < b.Province {
				return -1
			}
			return 1
		}
		return int(a.AreaID - b.AreaID)
	})
	return out, excluded
}

func planned(province string, seq int, as []Candidate) Planned {
	p := Planned{Province: province, Seq: seq, Areas: slices.Clone(as)}
	for _, c := range as {
		p.Totals.add(c)
	}
	return p
}

// cmpScore orders by score, highest first, then id.
func cmpScore(a, b Candidate) int {
	switch {
	case a.Score > b.Score:
		return -1
	case a.Score < b.Score:
		return 1
	}
	return int(a.ID - b.ID)
}

func capValue(c Candidate, kind string) float64 {
	switch kind {
	case "households":
		return float64(c.Households)
	case "value":
		return float64(c.CostVND)
	}
	return float64(c.Sites)
}

func exclusion(c Candidate, r Rule) (string, phusong.Message, bool) {
	switch {
	case c.PackageID != 0:
		return "in_package", phusong.Message{
			VI: fmt.Sprintf("Vùng đã thuộc gói thầu số %d; bỏ vùng khỏi gói đó trước.", c.PackageID),
			EN: fmt.Sprintf("The area is already in package %d; drop it from that package first.", c.PackageID)}, true
	case c.Score < r.MinScore:
		return "below_min_score", phusong.Message{
			VI: fmt.Sprintf("Điểm ưu tiên %.1f thấp hơn ngưỡng %.1f.", c.Score, r.MinScore),
			EN: fmt.Sprintf("Priority score %.1f is below the threshold %.1f.", c.Score, r.MinScore)}, true
	case r.RequireDBKK && c.DBKK == 0:
		return "not_dbkk", phusong.Message{
			VI: "Không có thôn nào thuộc vùng ĐBKK: chưa đủ điều kiện dùng Quỹ dịch vụ viễn thông công ích.",
			EN: "No village is on the ĐBKK list: not eligible for the public telecommunication fund."}, true
	case r.RequireGrid && c.GridPower == 0:
		return "no_grid_power", phusong.Message{
			VI: "Không thôn nào có điện lưới: chờ có điện rồi mới lập gói.",
			EN: "No village has grid power: the area waits for power before it is tendered."}, true
	}
	return "", phusong.Message{}, false
}

// hilbertOrder sorts areas along a Hilbert curve through their centroids
// (order 16 over the areas' bounding box), ties by id, so that a cut of the
// order gives geographically compact packages.
func hilbertOrder(as []Candidate) {
	if len(as) < 2 {
		return
	}
	b := orb.Bound{Min: as[0].Centroid, Max: as[0].Centroid}
	for _, c := range as[1:] {
		b = b.Extend(c.Centroid)
	}
	const n = 1 << 16
	span := math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
	keys := make(map[int64]uint64, len(as))
	for _, c := range as {
		var x, y uint32
		if span > 0 {
			x = uint32(math.Min(n-1, (c.Centroid[0]-b.Min[0])/span*(n-1)))
			y = uint32(math.Min(n-1, (c.Centroid[1]-b.Min[1])/span*(n-1)))
		}
		keys[c.ID] = hilbert(n, x, y)
	}
	slices.SortFunc(as, func(a, b Candidate) int {
		ka, kb := keys[a.ID], keys[b.ID]
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return int(a.ID - b.ID)
	})
}

// hilbert returns the distance along the Hilbert curve of side n (a power
// of two) of cell (x, y): the classic rotate-and-flip walk.
func hilbert(n, x, y uint32) uint64 {
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s > 0 {
			rx = 1
		}
		if y&s > 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x, y = n-1-x, n-1-y
			}
			x, y = y, x
		}
	}
	return d
}
