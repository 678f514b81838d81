package api

import (
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/geo/survey"
)

// pointFilter parses the query of GET /api/v1/points in one place,
// strictly: a bad value is a 400 naming the parameter.
func (h *handler) pointFilter(c *fiber.Ctx) (survey.PointFilter, error) {
	q := newListQuery(c)
	f := survey.PointFilter{
		ProvinceCode: q.Province("province", h.d.Admin),
		Status:       q.OneOf("status", "", survey.PointStatuses...),
		Category:     q.OneOf("category", "", survey.Categories...),
		SubmissionID: q.Int("submission", 0, 0, math.MaxInt64),
		Bound:        q.Bbox("bbox"),
		AfterID:      q.Int("after_id", 0, 0, math.MaxInt64),
		// Over the maximum is refused, as on every list, rather than
		// capped: a client asking for 20,000 learns it gets pages of 10,000.
		Limit: int(q.Int("limit", survey.DefaultPointPage, 1, survey.MaxPointPage)),
	}
	return f, q.Err()
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
	f, err := h.pointFilter(c)
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
	// A full page may have more after it; a short one is the last, so it
	// carries no cursor (a full last page is followed by an empty one).
	if len(pts) > 0 && len(pts) == f.Limit {
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
