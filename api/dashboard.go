package api

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/geo/progress"
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
	d, err := h.dash.get(c.UserContext(), h.d.Progress)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.JSON(d)
}

// dashboardTTL bounds how old a served dashboard may be. The figures scan
// every survey point (a few hundred ms at a million), and the public view
// lets anyone ask: one scan serves every caller for this long, unless
// this server made a write meanwhile.
const dashboardTTL = 15 * time.Second

// dashboardCache keeps the last dashboard, the same for every caller. A
// write served by this server forgets it, so whoever decided sees the
// effect at once; another replica's writes show within dashboardTTL.
type dashboardCache struct {
	mu  sync.Mutex
	d   progress.Dashboard
	at  time.Time
	gen uint64        // writes counted when d was read
	w   atomic.Uint64 // writes served so far
}

func (dc *dashboardCache) get(ctx context.Context, st *progress.Store) (progress.Dashboard, error) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	gen := dc.w.Load()
	if !dc.at.IsZero() && dc.gen == gen && time.Since(dc.at) < dashboardTTL {
		return dc.d, nil
	}
	d, err := st.Dashboard(ctx)
	if err != nil {
		return d, err
	}
	dc.d, dc.at, dc.gen = d, time.Now(), gen
	return d, nil
}

// forgetOnWrite counts the successful writes this server serves.
func (dc *dashboardCache) forgetOnWrite(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil && !safeMethod(c.Method()) && c.Response().StatusCode() < 400 {
		dc.w.Add(1)
	}
	return err
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
