package ogc

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/feature"
)

func itoa(n int) string { return strconv.Itoa(n) }

// appendJSON appends v as JSON; only our own link structs go through it,
// which always marshal.
func appendJSON(b []byte, v any) []byte {
	j, _ := json.Marshal(v)
	return append(b, j...)
}

func badFormat(f string) error {
	return phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ.", "Invalid query parameters.",
		problem("f", "format_unsupported", f, "Chỉ hỗ trợ f=json.", "Only f=json is supported."))
}

// API serves GET /ogc/api: the OpenAPI 3.0 definition of this OGC API
// (conformance class oas30), built from the collections so that every
// collection's items path lists its own filters (GDAL reads them to pass
// attribute filters to the server).
func (s *Service) API(c *fiber.Ctx) error {
	if err := accepts(c, []string{"json"}, mimeOpenAPI); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, mimeOpenAPI)
	return c.Send(apiDocument(c.BaseURL() + "/ogc"))
}

type obj = map[string]any

func apiDocument(server string) []byte {
	jsonResp := func(desc, ref string) obj {
		r := obj{"description": desc, "content": obj{mimeJSON: obj{"schema": obj{"type": "object"}}}}
		if ref != "" {
			r["content"] = obj{ref: obj{"schema": obj{"type": "object"}}}
		}
		return r
	}
	errors := obj{
		"400": jsonResp("Invalid query parameters", ""),
		"401": jsonResp("Login required (session cookie or Authorization: Bearer)", ""),
		"404": jsonResp("No such collection or feature", ""),
		"406": jsonResp("Only JSON is served", ""),
	}
	withErrors := func(ok obj) obj {
		r := obj{"200": ok}
		for k, v := range errors {
			r[k] = v
		}
		return r
	}
	fParam := obj{"name": "f", "in": "query", "required": false, "schema": obj{"type": "string", "enum": []string{"json"}}}
	paths := obj{
		"/": obj{"get": obj{"operationId": "getLandingPage", "summary": "Landing page", "security": []any{},
			"parameters": []any{fParam}, "responses": withErrors(jsonResp("The landing page", ""))}},
		"/conformance": obj{"get": obj{"operationId": "getConformanceDeclaration", "summary": "Conformance classes", "security": []any{},
			"parameters": []any{fParam}, "responses": withErrors(jsonResp("The conformance classes", ""))}},
		"/api": obj{"get": obj{"operationId": "getAPI", "summary": "This document", "security": []any{},
			"responses": withErrors(jsonResp("The API definition", mimeOpenAPI))}},
		"/collections": obj{"get": obj{"operationId": "getCollections", "summary": "The collections", "security": []any{},
			"parameters": []any{fParam}, "responses": withErrors(jsonResp("The collections", ""))}},
	}
	for _, col := range feature.Collections {
		var security []any
		if col.Public {
			security = []any{}
		}
		params := []any{
			obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
				"description": "minLon,minLat,maxLon,maxLat (CRS84); features meeting the box",
				"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
			obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
				"description": "features per page; larger values are clamped to the maximum",
				"schema":      obj{"type": "integer", "minimum": 1, "maximum": feature.MaxLimit, "default": feature.DefaultLimit}},
			obj{"name": "offset", "in": "query", "required": false, "description": "features to skip (next/prev links carry it)",
				"schema": obj{"type": "integer", "minimum": 0, "maximum": feature.MaxOffset, "default": 0}},
			obj{"name": "f", "in": "query", "required": false, "schema": obj{"type": "string", "enum": []string{"json", "geojson"}}},
		}
		if col.Temporal != "" {
			params = append(params, obj{"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
				"description": "an RFC 3339 instant or date, or an interval a/b (.. for an open end), on " + col.Temporal,
				"schema":      obj{"type": "string"}})
		}
		for _, f := range col.Filters {
			schema := obj{"type": "string"}
			if f.Int {
				schema = obj{"type": "integer"}
			}
			if len(f.Enum) > 0 {
				schema["enum"] = f.Enum
			}
			desc := "features whose " + f.Name + " equals this"
			if f.Default != "" {
				schema["default"] = f.Default
				desc += "; " + f.Default + " when absent"
			}
			if f.Any != "" {
				desc += "; " + f.Any + ": every feature"
			}
			params = append(params, obj{"name": f.Name, "in": "query", "required": false, "schema": schema, "description": desc})
		}
		geo := jsonResp("The features (GeoJSON)", mimeGeoJSON)
		items := obj{"operationId": "getFeatures_" + col.ID, "summary": col.Title, "parameters": params, "responses": withErrors(geo)}
		item := obj{"operationId": "getFeature_" + col.ID, "summary": col.Title + ": one feature",
			"parameters": []any{obj{"name": "featureId", "in": "path", "required": true, "schema": obj{"type": "string"}}, fParam},
			"responses":  withErrors(jsonResp("The feature (GeoJSON)", mimeGeoJSON))}
		coll := obj{"operationId": "describeCollection_" + col.ID, "summary": col.Title, "security": []any{},
			"parameters": []any{fParam}, "responses": withErrors(jsonResp("The collection", ""))}
		if security != nil {
			items["security"], item["security"] = security, security
		}
		paths["/collections/"+col.ID] = obj{"get": coll}
		paths["/collections/"+col.ID+"/items"] = obj{"get": items}
		paths["/collections/"+col.ID+"/items/{featureId}"] = obj{"get": item}
	}
	doc := obj{
		"openapi": "3.0.3",
		"info": obj{"title": "phusong — OGC API Features", "version": "1.0",
			"description": "OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) over survey points, areas, proposed sites and provinces. Points, areas and sites need a login: a session cookie or an API token as Authorization: Bearer phs_…; province officers see their own province."},
		"servers":  []any{obj{"url": server}},
		"security": []any{obj{"bearerAuth": []any{}}, obj{"cookieAuth": []any{}}},
		"paths":    paths,
		"components": obj{"securitySchemes": obj{
			"bearerAuth": obj{"type": "http", "scheme": "bearer"},
			"cookieAuth": obj{"type": "apiKey", "in": "cookie", "name": "phusong_session"},
		}},
	}
	b, _ := json.Marshal(doc) // maps of strings, numbers and slices: always marshals
	return b
}
