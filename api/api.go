// Package api is phusong's HTTP surface: the Fiber app, every route in one
// table with its access policy, the middleware every request goes through
// (request id, recovery, request log, metrics, authentication, the one
// authorization check, CSRF), and the one error handler.
//
// A handler parses, authorizes through auth, makes one domain call and
// renders; it holds no SQL and no business rules.
package api

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/ansrivas/fiberprometheus/v2"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/api/ogc"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	geofeature "github.com/phusong/phusong/geo/feature"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/progress"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/geo/tile"
)

// Deps are what the API needs; cmd/phusong builds them from its Config.
type Deps struct {
	Pool           *pgxpool.Pool
	Auth           *auth.Store
	Survey         *survey.Store
	Areas          *area.Store
	Bids           *bids.Store
	Progress       *progress.Store // nil: built over Pool
	Admin          *admin.Data
	Tiles          *tile.Store       // nil: one without a cache over Pool
	Features       *geofeature.Store // nil: one over Pool
	Log            *slog.Logger
	Registry       *prometheus.Registry // nil: metrics are not collected
	Ready          func(context.Context) error
	BodyLimit      int           // bytes; larger bodies get 413
	RequestTimeout time.Duration // deadline of each request's context
	CookieSecure   bool          // Secure flag on the session cookie
	LoginPerMinute int           // login attempts per client address per minute
	MaxRows        int           // rows of one uploaded file; 0 = intake.HTTPMaxRows
	// PublicDashboard lets anonymous visitors read the national dashboard
	// (aggregates, no coordinates); off, they get 401 like any other route.
	PublicDashboard bool
	// Basemap is an optional raster basemap under the boundaries, for
	// deployments that have a tile server; empty, the map draws only our
	// own layers and needs no internet.
	Basemap Basemap
}

// Basemap is a raster tile source: URL with {z}/{x}/{y}, and the
// attribution its licence asks for.
type Basemap struct {
	URL         string `json:"url"`
	Attribution string `json:"attribution"`
}

// The map's snapshots of survey points also choose the OGC pages of points.
var _ geofeature.PointIndex = (*tile.Store)(nil)

// Route is one entry of the route table.
type Route struct {
	Method  string
	Path    string
	Policy  auth.Policy
	handler fiber.Handler
}

type handler struct {
	d    Deps
	ogc  *ogc.Service
	dash dashboardCache
}

// routes is the whole HTTP surface. Every route names its policy; the
// authorization matrix test is generated from this table.
func (h *handler) routes() []Route {
	return []Route{
		{"GET", "/healthz", auth.Public, h.healthz},
		{"GET", "/readyz", auth.Public, h.readyz},
		{"GET", "/metrics", auth.Public, h.metrics},

		{"POST", "/api/v1/auth/login", auth.Public, h.login},
		{"POST", "/api/v1/auth/logout", auth.AnyUser, h.logout},
		{"GET", "/api/v1/auth/me", auth.AnyUser, h.me},
		{"GET", "/api/v1/auth/tokens", auth.AnyUser, h.listTokens},
		{"POST", "/api/v1/auth/tokens", auth.AnyUser, h.createToken},
		{"DELETE", "/api/v1/auth/tokens/:id", auth.AnyUser, h.revokeToken},

		{"GET", "/api/v1/users", auth.Admins, h.listUsers},
		{"POST", "/api/v1/users", auth.Admins, h.createUser},
		{"PATCH", "/api/v1/users/:username", auth.Admins, h.updateUser},

		{"GET", "/api/v1/audit", auth.Reviewers, h.listAudit},

		{"GET", "/api/v1/submissions/template.xlsx", auth.Submitters, h.template},
		{"GET", "/api/v1/submissions", auth.SurveyRead, h.listSubmissions},
		{"POST", "/api/v1/submissions", auth.Submitters, h.createSubmission},
		{"GET", "/api/v1/submissions/:id", auth.SurveyRead, h.getSubmission},
		{"GET", "/api/v1/submissions/:id/problems.csv", auth.SurveyRead, h.submissionProblems},
		{"POST", "/api/v1/submissions/:id/decision", auth.Reviewers, h.decideSubmission},
		{"GET", "/api/v1/points", auth.SurveyRead, h.listPoints},
		{"POST", "/api/v1/points/decision", auth.Reviewers, h.decidePoints},
		{"GET", "/api/v1/points/:id", auth.SurveyRead, h.getPoint},
		{"GET", "/api/v1/areas", auth.SurveyRead, h.listAreas},
		{"GET", "/api/v1/areas.geojson", auth.SurveyRead, h.areasGeoJSON},
		{"POST", "/api/v1/areas/recompute", auth.Reviewers, h.recomputeAreas},
		{"GET", "/api/v1/areas/jobs/:id", auth.Reviewers, h.getAreaJob},
		{"GET", "/api/v1/areas/:id", auth.SurveyRead, h.getArea},
		{"GET", "/guide", auth.Public, h.guide},

		{"GET", "/api/v1/package-rules", auth.Reviewers, h.listPackageRules},
		{"POST", "/api/v1/package-rules", auth.Reviewers, h.createPackageRule},
		{"POST", "/api/v1/packages/preview", auth.Reviewers, h.previewPackages},
		{"GET", "/api/v1/packages", auth.AnyUser, h.listPackages},
		{"POST", "/api/v1/packages", auth.Reviewers, h.createPackages},
		{"GET", "/api/v1/packages/:id", auth.AnyUser, h.getPackage},
		{"PATCH", "/api/v1/packages/:id", auth.Reviewers, h.updatePackage},
		{"POST", "/api/v1/packages/:id/areas", auth.Reviewers, h.addPackageArea},
		{"DELETE", "/api/v1/packages/:id/areas/:area", auth.Reviewers, h.removePackageArea},
		{"POST", "/api/v1/packages/:id/refresh", auth.Reviewers, h.refreshPackage},
		{"POST", "/api/v1/packages/:id/publish", auth.Reviewers, h.publishPackage},
		{"POST", "/api/v1/packages/:id/withdraw", auth.Reviewers, h.withdrawPackage},
		{"GET", "/api/v1/packages/:id/downloads", auth.Reviewers, h.listPackageDownloads},
		{"GET", "/api/v1/packages/:id/versions/:version", auth.AnyUser, h.getPackageVersion},
		{"GET", "/api/v1/packages/:id/versions/:version/files/:name", auth.AnyUser, h.downloadPackageFile},
		{"GET", "/api/v1/dashboard", h.dashboardPolicy(), h.dashboard},
		{"GET", "/api/v1/config", auth.Public, h.pageConfig},

		{"GET", "/api/v1/provinces", auth.Public, h.listProvinces},
		{"GET", "/api/v1/provinces/:code/communes", auth.Public, h.listCommunes},

		{"GET", "/api/openapi.json", auth.Public, h.openAPI},
		{"GET", "/api/docs", auth.Public, h.apiDocs},
		{"GET", "/api/docs/:file", auth.Public, h.apiDocs},

		// Reference layers first: Fiber matches in this order, and the
		// generic route below would otherwise ask for a login.
		{"GET", "/tiles/provinces/:z/:x/:y.mvt", auth.Public, h.tileOf(tile.LayerProvinces)},
		{"GET", "/tiles/communes/:z/:x/:y.mvt", auth.Public, h.tileOf(tile.LayerCommunes)},
		{"GET", "/tiles/:layer/:z/:x/:y.mvt", auth.AnyUser, h.tileOf("")},

		// OGC API Features: the documents are public; the items of points,
		// areas and sites need a login (scoped by the store), provinces are
		// public reference data (their routes come first, as for tiles).
		{"GET", "/ogc", auth.Public, h.ogc.Landing},
		{"GET", "/ogc/conformance", auth.Public, h.ogc.Conformance},
		{"GET", "/ogc/api", auth.Public, h.ogc.API},
		{"GET", "/ogc/collections", auth.Public, h.ogc.Collections},
		{"GET", "/ogc/collections/:collectionId", auth.Public, h.ogc.Collection},
		{"GET", "/ogc/collections/provinces/items", auth.Public, h.ogc.Items("provinces")},
		{"GET", "/ogc/collections/provinces/items/:featureId", auth.Public, h.ogc.Item("provinces")},
		{"GET", "/ogc/collections/:collectionId/items", auth.AnyUser, h.ogc.Items("")},
		{"GET", "/ogc/collections/:collectionId/items/:featureId", auth.AnyUser, h.ogc.Item("")},

		{"GET", "/", auth.Public, h.page},
		{"GET", "/static/*", auth.Public, h.static},
	}
}

// Routes returns the route table (without handlers), for the
// authorization matrix and the docs.
func Routes() []Route {
	rs := (&handler{ogc: &ogc.Service{}}).routes()
	for i := range rs {
		rs[i].handler = nil
	}
	return rs
}

// New returns the Fiber app serving every route of the table.
func New(d Deps) *fiber.App {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 64 << 20
	}
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 60 * time.Second
	}
	if d.MaxRows == 0 {
		d.MaxRows = intake.HTTPMaxRows
	}
	if d.LoginPerMinute == 0 {
		d.LoginPerMinute = 10
	}
	if d.Admin == nil {
		// Parsed once per process and shared; an error means a broken build.
		d.Admin, _ = admin.Load()
	}
	if d.Tiles == nil {
		d.Tiles = tile.NewStore(d.Pool, d.Admin, tile.NewVersions(d.Pool), tile.Options{})
	}
	if d.Features == nil {
		d.Features = geofeature.NewStore(d.Pool, d.Tiles)
	}
	if d.Progress == nil {
		d.Progress = progress.NewStore(d.Pool)
		if d.Bids != nil {
			d.Progress.Packages = d.Bids.Coverage
		}
	}
	h := &handler{d: d, ogc: ogc.New(d.Features, vietnamExtent(d.Admin))}
	// The OpenAPI document is converted to JSON once, here; a test keeps
	// it valid, so this only logs.
	if _, err := openAPIJSON(); err != nil {
		d.Log.Error("openapi document", "error", err)
	}
	var refused *prometheus.CounterVec
	if d.Registry != nil {
		// fiberprometheus counts only the requests that reach the
		// middleware; these never do.
		refused = prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "phusong", Subsystem: "http", Name: "refused_requests_total",
			Help: "Requests the HTTP server refused before routing (413 body too large, 431 headers too large), by status code.",
		}, []string{"status_code"})
		d.Registry.MustRegister(refused)
	}
	app := fiber.New(fiber.Config{
		AppName:               "phusong",
		BodyLimit:             d.BodyLimit,
		ReadBufferSize:        headerLimit,
		ErrorHandler:          errorHandler(d.Log, refused),
		DisableStartupMessage: true,
		// Values from c.Params/Query/Body are kept after handlers return
		// (audit summaries, stored rows): copy them rather than alias
		// Fiber's reused buffers.
		Immutable:    true,
		ReadTimeout:  2 * time.Minute,
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
	})
	app.Use(requestid.New(requestid.Config{ContextKey: localRequestID}))
	app.Use(h.requestLog)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: h.logPanic}))
	app.Use(helmet.New(helmet.Config{ContentSecurityPolicy: contentSecurityPolicy(d.Basemap.URL)}))
	// Compressed responses: the map page's JavaScript (MapLibre) is about
	// 1.6 MB as is and under 0.5 MB compressed. Bodies that already carry a
	// Content-Encoding (gzipped tiles) are passed through untouched.
	// Package files are not compressed on the fly: they are served as
	// stored, so their ETag (the SHA-256) and byte ranges refer to the
	// bytes sent.
	// The page and its assets at the default level; responses made per
	// request (JSON, GeoJSON pages) at the fastest: a page of 100 points
	// (55 KB) takes 53 µs to 5.4 KB instead of 123 µs to 4.4 KB, and a
	// client of the OGC API reads hundreds of pages.
	asset := func(c *fiber.Ctx) bool { return c.Path() == "/" || strings.HasPrefix(c.Path(), "/static/") }
	stored := func(c *fiber.Ctx) bool {
		return strings.HasPrefix(c.Path(), "/api/v1/packages/") && strings.Contains(c.Path(), "/files/")
	}
	app.Use(compress.New(compress.Config{Level: compress.LevelDefault, Next: func(c *fiber.Ctx) bool { return !asset(c) }}))
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed, Next: func(c *fiber.Ctx) bool { return asset(c) || stored(c) }}))
	if d.Registry != nil {
		prom := fiberprometheus.NewWithRegistry(d.Registry, "phusong", "phusong", "http", nil)
		prom.SetSkipPaths([]string{"/metrics", "/healthz"})
		app.Use(prom.Middleware)
		// Errors become answers below the metrics: fiberprometheus counts
		// an error that is not a *fiber.Error as a 500, so our 404s, 409s
		// and 422s were counted as server faults.
		app.Use(func(c *fiber.Ctx) error {
			if err := c.Next(); err != nil {
				return app.Config().ErrorHandler(c, err)
			}
			return nil
		})
	}
	loginLimit := limiter.New(limiter.Config{
		Max:        d.LoginPerMinute,
		Expiration: time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string {
			return c.IP()
		},
		LimitReached: func(c *fiber.Ctx) error { return errTooManyLogins },
	})
	app.Use(refuseNUL)
	app.Use(h.syncTiles)
	app.Use(h.dash.forgetOnWrite)
	for _, r := range h.routes() {
		chain := []fiber.Handler{h.guard(r.Policy)}
		if r.Path == "/api/v1/auth/login" {
			chain = append(chain, loginLimit)
		}
		chain = append(chain, r.handler)
		app.Add(r.Method, r.Path, chain...)
		// Every GET answers HEAD too (RFC 9110 §9.3.2: the same headers,
		// no body): download managers ask for a file's size, ETag and
		// Accept-Ranges before their Range requests. app.Add, unlike
		// app.Get, does not add it by itself.
		if r.Method == fiber.MethodGet {
			app.Add(fiber.MethodHead, r.Path, chain...)
		}
	}
	return app
}

func (h *handler) metrics(c *fiber.Ctx) error {
	if h.d.Registry == nil {
		return fiber.ErrNotFound
	}
	return adaptor.HTTPHandler(promhttp.HandlerFor(h.d.Registry, promhttp.HandlerOpts{}))(c)
}

// vietnamExtent is the lon/lat box of every province, the spatial extent of
// the OGC collections.
func vietnamExtent(ref *admin.Data) [4]float64 {
	var b orb.Bound
	for i, p := range ref.Provinces() {
		if i == 0 {
			b = p.Boundary.Bound()
		} else {
			b = b.Union(p.Boundary.Bound())
		}
	}
	return [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}
