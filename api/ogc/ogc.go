// Package ogc serves OGC API – Features, Part 1: Core, with the GeoJSON
// and OpenAPI 3.0 conformance classes, at /ogc, over the collections of
// geo/feature: survey points, areas, proposed sites and provinces. QGIS
// and GDAL (the OAPIF driver) connect to it directly; scripts send an API
// token as Authorization: Bearer.
//
// The handlers are registered by api (its route table holds every route
// with its access policy); each parses the request here, makes one call to
// geo/feature, and writes the document. Errors go back to api's one error
// handler, so they have the API's JSON error shape.
//
// Content negotiation: JSON is the only encoding (no HTML pages); f=json
// (or f=geojson for items) is accepted, any other f is a 400, and an
// Accept header that allows no JSON type is a 406.
package ogc

import (
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong/geo/feature"
)

// Conformance classes implemented.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

const (
	mimeJSON    = "application/json"
	mimeGeoJSON = "application/geo+json"
	mimeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	crs84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

// Service holds what the handlers need.
type Service struct {
	store  *feature.Store
	extent [4]float64 // lon/lat box of every collection: Vietnam's provinces
	now    func() time.Time
}

// New returns the handlers over a feature store; extent is the lon/lat
// bounding box advertised for every collection.
func New(store *feature.Store, extent [4]float64) *Service {
	return &Service{store: store, extent: extent, now: time.Now}
}

// Link is a link of an OGC API document.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func base(c *fiber.Ctx) string { return c.BaseURL() + "/ogc" }

// accepts checks the f parameter and the Accept header against the JSON
// types a resource has (fs: the f values it accepts).
func accepts(c *fiber.Ctx, fs []string, types ...string) error {
	if f := c.Query("f"); f != "" {
		ok := false
		for _, v := range fs {
			ok = ok || f == v
		}
		if !ok {
			return badFormat(f)
		}
	}
	h := c.Get(fiber.HeaderAccept)
	if h == "" {
		return nil
	}
	for _, part := range strings.Split(h, ",") {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		if mt == "*/*" || mt == "application/*" || mt == mimeJSON {
			return nil
		}
		for _, t := range types {
			if mt == strings.Split(t, ";")[0] {
				return nil
			}
		}
	}
	return fiber.NewError(fiber.StatusNotAcceptable, "only JSON is served here")
}

func sendJSON(c *fiber.Ctx, v any, contentType string) error {
	c.Set(fiber.HeaderContentType, contentType)
	return c.JSON(v, contentType)
}

// Landing serves GET /ogc.
func (s *Service) Landing(c *fiber.Ctx) error {
	if err := accepts(c, []string{"json"}); err != nil {
		return err
	}
	b := base(c)
	return sendJSON(c, fiber.Map{
		"title":       "phusong — OGC API Features",
		"description": "Điểm khảo sát lõm sóng, vùng lõm sóng, trạm đề xuất và ranh giới tỉnh. Survey points of villages without mobile coverage, dead-zone areas, proposed sites and province boundaries.",
		"links": []Link{
			{b, "self", mimeJSON, "This document"},
			{b + "/api", "service-desc", mimeOpenAPI, "The API definition"},
			{c.BaseURL() + "/api/openapi.json", "service-doc", mimeJSON, "The phusong REST API"},
			{b + "/conformance", "conformance", mimeJSON, "Conformance classes"},
			{b + "/collections", "data", mimeJSON, "Collections"},
		},
	}, mimeJSON)
}

// Conformance serves GET /ogc/conformance.
func (s *Service) Conformance(c *fiber.Ctx) error {
	if err := accepts(c, []string{"json"}); err != nil {
		return err
	}
	return sendJSON(c, fiber.Map{"conformsTo": conformsTo}, mimeJSON)
}

func (s *Service) collection(b string, col *feature.Collection) fiber.Map {
	extent := fiber.Map{"spatial": fiber.Map{"bbox": [][4]float64{s.extent}, "crs": crs84}}
	if col.Temporal != "" {
		extent["temporal"] = fiber.Map{"interval": [][2]*string{{nil, nil}}, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	self := b + "/collections/" + col.ID
	return fiber.Map{
		"id": col.ID, "title": col.Title, "description": col.Description, "itemType": "feature",
		"extent": extent, "crs": []string{crs84},
		"links": []Link{
			{self, "self", mimeJSON, col.Title},
			{self + "/items", "items", mimeGeoJSON, "Items"},
		},
	}
}

// Collections serves GET /ogc/collections.
func (s *Service) Collections(c *fiber.Ctx) error {
	if err := accepts(c, []string{"json"}); err != nil {
		return err
	}
	b := base(c)
	cols := make([]fiber.Map, 0, len(feature.Collections))
	for i := range feature.Collections {
		cols = append(cols, s.collection(b, &feature.Collections[i]))
	}
	return sendJSON(c, fiber.Map{
		"links":       []Link{{b + "/collections", "self", mimeJSON, "Collections"}},
		"collections": cols,
	}, mimeJSON)
}

// Collection serves GET /ogc/collections/{collectionId}.
func (s *Service) Collection(c *fiber.Ctx) error {
	if err := accepts(c, []string{"json"}); err != nil {
		return err
	}
	col, ok := feature.CollectionByID(c.Params("collectionId"))
	if !ok {
		return feature.ErrNoCollection
	}
	return sendJSON(c, s.collection(base(c), col), mimeJSON)
}

// Items serves GET /ogc/collections/{collectionId}/items; id "" takes the
// collection from the path (the public collection has a route of its own).
func (s *Service) Items(id string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if id == "" {
			id := c.Params("collectionId")
			if col, ok := feature.CollectionByID(id); ok && col.Public {
				return feature.ErrNoCollection // reached only through a path its own route did not match
			}
			return s.items(c, id)
		}
		return s.items(c, id)
	}
}

func (s *Service) items(c *fiber.Ctx, id string) error {
	if err := accepts(c, []string{"json", "geojson"}, mimeGeoJSON); err != nil {
		return err
	}
	col, ok := feature.CollectionByID(id)
	if !ok {
		return feature.ErrNoCollection
	}
	q, err := ParseItemsQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return err
	}
	// The document is written into a buffer of the pool, around the
	// features, and copied into the response's own (pooled) body.
	bp := bufs.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooled {
			bufs.Put(bp)
		}
	}()
	b := append((*bp)[:0], `{"type":"FeatureCollection","features":[`...)
	page, err := s.store.Items(c.UserContext(), col.ID, q, b)
	if err != nil {
		return err
	}
	b = page.Features
	*bp = b
	self := base(c) + "/collections/" + col.ID + "/items"
	link := func(offset int, f string) string {
		v := c.Request().URI().QueryArgs()
		args := fiber.AcquireArgs()
		defer fiber.ReleaseArgs(args)
		v.CopyTo(args)
		args.Del("offset")
		args.Del("f")
		args.Del("limit")
		args.Add("limit", itoa(pageLimit(q)))
		if offset > 0 {
			args.Add("offset", itoa(offset))
		}
		if f != "" {
			args.Add("f", f)
		}
		return self + "?" + string(args.QueryString())
	}
	ct := mimeGeoJSON
	if c.Query("f") == "json" {
		ct = mimeJSON
	}
	links := []Link{
		{link(q.Offset, ""), "self", mimeGeoJSON, "This page"},
		{link(q.Offset, "json"), "alternate", mimeJSON, "This page as application/json"},
		{base(c) + "/collections/" + col.ID, "collection", mimeJSON, col.Title},
	}
	if page.More {
		links = append(links, Link{link(q.Offset+pageLimit(q), ""), "next", mimeGeoJSON, "Next page"})
	}
	if q.Offset > 0 {
		links = append(links, Link{link(max(q.Offset-pageLimit(q), 0), ""), "prev", mimeGeoJSON, "Previous page"})
	}
	b = append(b, `],"links":`...)
	b = appendJSON(b, links)
	b = append(b, `,"timeStamp":"`...)
	b = s.now().UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","numberReturned":`...)
	b = append(b, itoa(page.Returned)...)
	if page.Matched >= 0 {
		b = append(b, `,"numberMatched":`...)
		b = append(b, itoa(int(page.Matched))...)
	}
	b = append(b, '}')
	*bp = b
	c.Set(fiber.HeaderContentType, ct)
	c.Response().SetBody(b)
	return nil
}

// bufs holds the buffers pages are written in; one larger than maxPooled
// (pages of thousands of features) is left to the garbage collector.
var bufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooled = 1 << 20

func pageLimit(q feature.Query) int {
	if q.Limit <= 0 {
		return feature.DefaultLimit
	}
	return q.Limit
}

// Item serves GET /ogc/collections/{collectionId}/items/{featureId}.
func (s *Service) Item(id string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := accepts(c, []string{"json", "geojson"}, mimeGeoJSON); err != nil {
			return err
		}
		cid := id
		if cid == "" {
			cid = c.Params("collectionId")
			if col, ok := feature.CollectionByID(cid); ok && col.Public {
				return feature.ErrNoCollection
			}
		}
		fid := c.Params("featureId")
		f, err := s.store.Item(c.UserContext(), cid, fid)
		if err != nil {
			return err
		}
		self := base(c) + "/collections/" + cid + "/items/" + fid
		links := []Link{{self, "self", mimeGeoJSON, ""}, {base(c) + "/collections/" + cid, "collection", mimeJSON, ""}}
		b := append([]byte(nil), f[:len(f)-1]...) // the feature without its closing brace
		b = append(b, `,"links":`...)
		b = appendJSON(b, links)
		b = append(b, '}')
		ct := mimeGeoJSON
		if c.Query("f") == "json" {
			ct = mimeJSON
		}
		c.Set(fiber.HeaderContentType, ct)
		return c.Send(b)
	}
}
