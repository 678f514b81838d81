package api

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
)

// pointFilter parses the query of GET /api/v1/points in one place.
func pointFilter(c *fiber.Ctx) (survey.PointFilter, error) {
	f := survey.PointFilter{ProvinceCode: c.Query("province"), Status: c.Query("status"), Category: c.Query("category")}
	var probs []phusong.Problem
	num := func(name string) int64 {
		v := c.Query(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			probs = append(probs, phusong.Problem{Column: name, Code: "bad_number", Value: v,
				VI: "Phải là số nguyên không âm.", EN: "Must be a non-negative whole number."})
		}
		return n
	}
	f.SubmissionID = num("submission")
	f.AfterID = num("after_id")
	f.Limit = int(num("limit"))
	if v := c.Query("bbox"); v != "" {
		parts := strings.Split(v, ",")
		var xs [4]float64
		ok := len(parts) == 4
		for i := 0; ok && i < 4; i++ {
			var err error
			xs[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil
		}
		if !ok || xs[0] > xs[2] || xs[1] > xs[3] {
			probs = append(probs, phusong.Problem{Column: "bbox", Code: "bad_bbox", Value: v,
				VI: "bbox là minLon,minLat,maxLon,maxLat (độ thập phân WGS 84), ví dụ 102.1,21.5,103.9,22.9.",
				EN: "bbox is minLon,minLat,maxLon,maxLat in WGS 84 degrees, e.g. 102.1,21.5,103.9,22.9."})
		} else {
			f.Bound = &orb.Bound{Min: orb.Point{xs[0], xs[1]}, Max: orb.Point{xs[2], xs[3]}}
		}
	}
	if len(probs) > 0 {
		return f, phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ.", "Invalid query parameters.", probs...)
	}
	return f, nil
}

type feature struct {
	Type       string             `json:"type"`
	ID         int64              `json:"id"`
	Geometry   map[string]any     `json:"geometry"`
	Properties survey.StoredPoint `json:"properties"`
}

// listPoints serves survey points as an RFC 7946 GeoJSON FeatureCollection
// (lon, lat), scoped to what the caller may see, paged by after_id.
func (h *handler) listPoints(c *fiber.Ctx) error {
	f, err := pointFilter(c)
	if err != nil {
		return err
	}
	pts, err := h.d.Survey.Points(c.UserContext(), f)
	if err != nil {
		return err
	}
	fs := make([]feature, len(pts))
	for i, p := range pts {
		fs[i] = feature{Type: "Feature", ID: p.ID, Properties: p,
			Geometry: map[string]any{"type": "Point", "coordinates": [2]float64{p.Location[0], p.Location[1]}}}
	}
	out := fiber.Map{"type": "FeatureCollection", "features": fs}
	if len(pts) > 0 && (f.Limit == 0 || len(pts) == f.Limit || len(pts) == 1000) {
		out["next_after_id"] = pts[len(pts)-1].ID
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.JSON(out, "application/geo+json")
}

type pointDecision struct {
	PointIDs []int64 `json:"point_ids"`
	Status   string  `json:"status"`
	Comment  string  `json:"comment"`
}

// decidePoints accepts or returns a selection of points (reviewers).
func (h *handler) decidePoints(c *fiber.Ctx) error {
	var req pointDecision
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	n, err := h.d.Survey.DecidePoints(c.UserContext(), req.PointIDs, survey.Decision{Status: req.Status, Comment: req.Comment})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"updated": n, "status": req.Status})
}
