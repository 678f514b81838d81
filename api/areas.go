package api

import (
	"context"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/site"
)

// areaFilter parses the query of the area list (JSON and GeoJSON) in one
// place, strictly: a bad value is a 400 naming the parameter.
func (h *handler) areaFilter(c *fiber.Ctx) (area.Filter, error) {
	q := newListQuery(c)
	f := area.Filter{
		Province: q.Province("province", h.d.Admin),
		Status:   q.OneOf("status", "active", area.Statuses...),
		Category: q.OneOf("category", "", area.Categories...),
		MinScore: q.Float("min_score", 0, 0, 100),
		Sort:     q.OneOf("sort", "score", area.SortKeys...),
		Limit:    int(q.Int("limit", area.DefaultLimit, 1, area.MaxLimit)),
		Offset:   int(q.Int("offset", 0, 0, math.MaxInt32)),
	}
	return f, q.Err()
}

func (h *handler) listAreas(c *fiber.Ctx) error {
	f, err := h.areaFilter(c)
	if err != nil {
		return err
	}
	as, err := h.d.Areas.Areas(c.UserContext(), f)
	if err != nil {
		return err
	}
	if as == nil {
		as = []area.Stored{}
	}
	return c.JSON(fiber.Map{"areas": as, "score_formula": scoreFormula()})
}

// scoreFormula is shown with every list, so reviewers know what they sort by.
func scoreFormula() fiber.Map {
	cfg, err := area.DefaultConfig()
	if err != nil {
		return nil
	}
	return fiber.Map{"formula": site.Formula, "weights": cfg.Site.Weights}
}

type areaFeature struct {
	Type       string       `json:"type"`
	ID         int64        `json:"id"`
	Geometry   orb.Geometry `json:"-"`
	GeoJSON    any          `json:"geometry"`
	Properties area.Stored  `json:"properties"`
}

// areasGeoJSON serves the areas as an RFC 7946 FeatureCollection of
// MultiPolygons (counter-clockwise outer rings, lon/lat).
func (h *handler) areasGeoJSON(c *fiber.Ctx) error {
	f, err := h.areaFilter(c)
	if err != nil {
		return err
	}
	f.Geometry = true
	as, err := h.d.Areas.Areas(c.UserContext(), f)
	if err != nil {
		return err
	}
	fs := make([]areaFeature, len(as))
	for i, a := range as {
		fs[i] = areaFeature{Type: "Feature", ID: a.ID, GeoJSON: geoJSONGeometry(a.Polygon), Properties: a}
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.JSON(fiber.Map{"type": "FeatureCollection", "features": fs}, "application/geo+json")
}

func geoJSONGeometry(g orb.Geometry) any {
	switch v := g.(type) {
	case orb.MultiPolygon:
		return fiber.Map{"type": "MultiPolygon", "coordinates": v}
	case orb.Polygon:
		return fiber.Map{"type": "Polygon", "coordinates": v}
	case orb.Point:
		return fiber.Map{"type": "Point", "coordinates": v}
	}
	return nil
}

func (h *handler) getArea(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return phusong.Errorf(phusong.ErrNotFound, "area_not_found", "Không có vùng này.", "There is no such area.")
	}
	d, err := h.d.Areas.Area(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"area": d, "geometry": geoJSONGeometry(d.Polygon)})
}

type recomputeRequest struct {
	Province string  `json:"province"`
	Eps      float64 `json:"eps"`
	Wait     bool    `json:"wait"`
	Full     bool    `json:"full"`
}

// recomputeAreas starts a recomputation job (reviewers): 202 with the job,
// whose progress GET /api/v1/areas/jobs/{id} shows; with "wait": true it
// answers when the job is done (one province after an accept: tens of
// milliseconds, as only the groups the changes touch are rebuilt; "full":
// true regroups every point, under a second for the largest province).
func (h *handler) recomputeAreas(c *fiber.Ctx) error {
	var req recomputeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		return err
	}
	if req.Eps != 0 {
		cfg.Eps = req.Eps
	}
	ctx := c.UserContext()
	job, err := h.d.Areas.StartJob(ctx, req.Province, cfg)
	if err != nil {
		return err
	}
	job.Full = req.Full
	a, _ := actorOf(c)
	if req.Wait {
		job, err = h.d.Areas.RunJob(ctx, job, cfg, nil)
		if err != nil {
			return err
		}
		return c.JSON(job)
	}
	// The job outlives the request: a fresh context carrying the actor, so
	// its audit rows name who asked.
	go func() {
		bg := phusong.WithActor(context.Background(), a)
		if _, err := h.d.Areas.RunJob(bg, job, cfg, nil); err != nil {
			h.d.Log.Error("area job failed", "job", job.ID, "error", err)
		}
	}()
	return c.Status(fiber.StatusAccepted).JSON(job)
}

func (h *handler) getAreaJob(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return phusong.Errorf(phusong.ErrNotFound, "job_not_found", "Không có lượt tính này.", "There is no such job.")
	}
	j, err := h.d.Areas.JobByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(j)
}
