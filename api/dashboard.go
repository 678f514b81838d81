package api

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/geo/survey"
)

// dashboardPolicy: any account reads the national dashboard; anonymous
// visitors too when the deployment publishes it (Deps.PublicDashboard).
// Routes() reports the default, closed policy.
func (h *handler) dashboardPolicy() auth.Policy {
	if h.d.PublicDashboard {
		return auth.Policy{Name: "public_dashboard", Public: true}
	}
	return auth.AnyUser
}

// dashboard serves every province's progress and the ranking: aggregates
// only, no coordinates, so the same answer suits the public view.
func (h *handler) dashboard(c *fiber.Ctx) error {
	d, err := h.d.Progress.Dashboard(c.UserContext())
	if err != nil {
		return err
	}
	// Figures change only when points are decided or areas recomputed;
	// a short private cache spares a national scan per tab switch.
	c.Set(fiber.HeaderCacheControl, "private, max-age=10")
	return c.JSON(d)
}

// pageConfig tells the page what this deployment offers: an optional
// raster basemap and whether the dashboard is public. Public, so the
// login page can show the public dashboard.
func (h *handler) pageConfig(c *fiber.Ctx) error {
	var basemap any
	if h.d.Basemap.URL != "" {
		basemap = h.d.Basemap
	}
	return c.JSON(fiber.Map{"basemap": basemap, "public_dashboard": h.d.PublicDashboard})
}

// contentSecurityPolicy admits only our own origin, plus the basemap's
// tile server when one is configured: MapLibre fetches raster tiles
// (connect-src) and may decode them as images (img-src). Its web worker is
// a same-origin module script (worker-src 'self').
func contentSecurityPolicy(basemap string) string {
	img, connect := "'self' data: blob:", "'self'"
	if u, err := url.Parse(basemap); err == nil && u.Host != "" && (u.Scheme == "https" || u.Scheme == "http") {
		origin := u.Scheme + "://" + u.Host
		img += " " + origin
		connect += " " + origin
	}
	return "default-src 'self'; img-src " + img + "; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src " + connect
}

// getPoint serves one survey point with its signal per operator,
// facilities, submission and history, for the map's detail panel.
func (h *handler) getPoint(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return phusong.Errorf(phusong.ErrNotFound, "point_not_found", "Không có điểm khảo sát này.", "There is no such survey point.")
	}
	p, err := h.d.Survey.Point(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := pointOut{PointDetail: p}
	if cm, ok := h.d.Admin.Commune(p.CommuneCode); ok {
		out.CommuneName = cm.FullName
	}
	return c.JSON(out)
}

// pointOut adds the commune's name, from the reference data, to a point.
type pointOut struct {
	survey.PointDetail
	CommuneName string `json:"commune_name"`
}
