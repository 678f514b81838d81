package progress

import (
	"cmp"
	"math"
	"slices"
)

// Weights of the ranking score (see the package documentation).
const (
	WeightQuality  = 0.5
	WeightCoverage = 0.5
)

// Province is one province's figures. Counts are points (one per surveyed
// village or cluster of houses) unless named otherwise; money is VND.
type Province struct {
	Code                string   `json:"code"`
	Name                string   `json:"name"`
	FullName            string   `json:"full_name"`
	Submissions         int      `json:"submissions"`         // stored files (not the rejected ones)
	SubmissionsPending  int      `json:"submissions_pending"` // awaiting review, with points to decide (not superseded)
	PointsSubmitted     int      `json:"points_submitted"`
	PointsPending       int      `json:"points_pending"`
	PointsAccepted      int      `json:"points_accepted"`
	PointsReturned      int      `json:"points_returned"`
	HouseholdsReported  int      `json:"households_reported"`  // households of every submitted point
	HouseholdsAccepted  int      `json:"households_accepted"`  // households of the accepted points
	PointsUncovered     int      `json:"points_uncovered"`     // accepted, not in a published package
	HouseholdsUncovered int      `json:"households_uncovered"` // accepted, not covered by a published package
	Areas               int      `json:"areas"`                // active dead-zone areas
	Sites               int      `json:"sites"`                // estimated sites of those areas
	CostVND             int64    `json:"cost_vnd"`             // estimated cost of those sites
	PackagesPublished   int      `json:"packages_published"`
	ShareWithoutSignal  *float64 `json:"share_without_signal"` // 0–1; null without points
	Score               float64  `json:"score"`                // 0–100
	Rank                int      `json:"rank"`                 // 1 = best; 0 = not ranked (nothing decided yet)
}

// Totals are the national sums.
type Totals struct {
	Submissions         int      `json:"submissions"`
	SubmissionsPending  int      `json:"submissions_pending"`
	PointsSubmitted     int      `json:"points_submitted"`
	PointsPending       int      `json:"points_pending"`
	PointsAccepted      int      `json:"points_accepted"`
	PointsReturned      int      `json:"points_returned"`
	PointsUncovered     int      `json:"points_uncovered"`
	HouseholdsReported  int      `json:"households_reported"`
	HouseholdsUncovered int      `json:"households_uncovered"`
	Areas               int      `json:"areas"`
	Sites               int      `json:"sites"`
	CostVND             int64    `json:"cost_vnd"`
	PackagesPublished   int      `json:"packages_published"`
	ShareWithoutSignal  *float64 `json:"share_without_signal"`
}

// Text is a sentence in both languages.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// Dashboard is the national picture: every province (in ranking order),
// the totals, and the definitions behind the figures.
type Dashboard struct {
	Provinces     []Province         `json:"provinces"`
	Totals        Totals             `json:"totals"`
	ScoreFormula  Text               `json:"score_formula"`
	Weights       map[string]float64 `json:"weights"`
	ShareFormula  Text               `json:"share_formula"`
	PackagesKnown bool               `json:"packages_known"` // false until bid packages are wired in
}

var scoreFormula = Text{
	VI: "Điểm xếp hạng = 100 × (0,5 × tỷ lệ điểm được chấp nhận trong các điểm đã thẩm định + 0,5 × tỷ lệ hộ dân đã nằm trong gói thầu công bố). Tỉnh chưa có điểm nào được thẩm định thì chưa xếp hạng. Bằng điểm: tỉnh có nhiều điểm được chấp nhận hơn xếp trên.",
	EN: "Score = 100 × (0.5 × share of decided points that were accepted + 0.5 × share of accepted households covered by a published bid package). Provinces with no decided point are not ranked. Ties go to the province with more accepted points.",
}

var shareFormula = Text{
	VI: "Tỷ lệ thôn còn lõm sóng = số điểm đã được chấp nhận mà chưa thuộc gói thầu công bố ÷ tổng số điểm tỉnh đã nộp (kể cả điểm chờ thẩm định và bị trả lại).",
	EN: "Share of villages still without signal = accepted points not yet in a published bid package ÷ all points the province submitted (including those awaiting review or returned).",
}

// Covered is what published bid packages cover in one province.
type Covered struct {
	Packages   int
	Points     int // accepted points inside published packages
	Households int
}

// rank fills each province's share, score and rank, and sorts them in
// ranking order (ranked provinces first).
func rank(ps []Province, covered map[string]Covered) {
	for i := range ps {
		p := &ps[i]
		c := covered[p.Code]
		p.PackagesPublished = c.Packages
		p.HouseholdsUncovered = max(p.HouseholdsAccepted-c.Households, 0)
		p.PointsUncovered = max(p.PointsAccepted-c.Points, 0)
		if p.PointsSubmitted > 0 {
			s := float64(p.PointsUncovered) / float64(p.PointsSubmitted)
			p.ShareWithoutSignal = &s
		}
		decided := p.PointsAccepted + p.PointsReturned
		if decided == 0 {
			continue
		}
		quality := float64(p.PointsAccepted) / float64(decided)
		coverage := 0.0
		if p.HouseholdsAccepted > 0 {
			coverage = math.Min(float64(c.Households)/float64(p.HouseholdsAccepted), 1)
		}
		p.Score = math.Round(1000*(WeightQuality*quality+WeightCoverage*coverage)) / 10
		p.Rank = -1 // ranked; numbered below
	}
	slices.SortStableFunc(ps, func(a, b Province) int {
		if (a.Rank == 0) != (b.Rank == 0) {
			if a.Rank == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.PointsAccepted, a.PointsAccepted), cmp.Compare(a.Code, b.Code))
	})
	for i := range ps {
		if ps[i].Rank != 0 {
			ps[i].Rank = i + 1
		}
	}
}

func totals(ps []Province) Totals {
	var t Totals
	for _, p := range ps {
		t.Submissions += p.Submissions
		t.SubmissionsPending += p.SubmissionsPending
		t.PointsSubmitted += p.PointsSubmitted
		t.PointsPending += p.PointsPending
		t.PointsAccepted += p.PointsAccepted
		t.PointsReturned += p.PointsReturned
		t.PointsUncovered += p.PointsUncovered
		t.HouseholdsReported += p.HouseholdsReported
		t.HouseholdsUncovered += p.HouseholdsUncovered
		t.Areas += p.Areas
		t.Sites += p.Sites
		t.CostVND += p.CostVND
		t.PackagesPublished += p.PackagesPublished
	}
	if t.PointsSubmitted > 0 {
		s := float64(t.PointsUncovered) / float64(t.PointsSubmitted)
		t.ShareWithoutSignal = &s
	}
	return t
}
