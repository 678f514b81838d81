package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/phusong/phusong"
)

// TestTileAcceptMakesItStale: a reviewer fetches a points tile, accepts a
// point in it through POST /api/v1/points/decision, and the next fetch has
// another ETag and shows the point accepted; the old ETag no longer gets a
// 304. Anonymous callers get 401 for points and the public layers work.
func TestTileAcceptMakesItStale(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	if resp, out := e.upload("/api/v1/submissions", "khao-sat.csv", testFile(t, "valid_utf8.csv"), withToken(e.tokens[phusong.RoleProvince])); resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	_, out := e.do("GET", "/api/v1/points?province=12&limit=1", nil, rev)
	var pts struct {
		Features []struct {
			ID       int64 `json:"id"`
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(out, &pts); err != nil || len(pts.Features) == 0 {
		t.Fatalf("points: %v %s", err, out)
	}
	p := pts.Features[0]
	tl := maptile.At(p.Geometry.Coordinates, 13)
	path := fmt.Sprintf("/tiles/points/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)

	status := func(body []byte) any {
		t.Helper()
		ls, err := mvt.Unmarshal(body)
		if err != nil || len(ls) != 1 || ls[0].Name != "points" {
			t.Fatalf("tile: %v %d layers", err, len(ls))
		}
		for _, f := range ls[0].Features {
			if int64(f.Properties["id"].(float64)) == p.ID {
				return f.Properties["status"]
			}
		}
		t.Fatalf("point %d is not in its tile", p.ID)
		return nil
	}
	resp, before := e.do("GET", path, nil, rev)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || resp.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: %d etag %q type %q", resp.StatusCode, etag, resp.Header.Get("Content-Type"))
	}
	if s := status(before); s != "submitted" {
		t.Fatalf("status %v before the decision", s)
	}
	if resp, _ := e.do("GET", path, nil, rev, withHeader("If-None-Match", etag)); resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d, want 304", resp.StatusCode)
	}
	if resp, out := e.do("POST", "/api/v1/points/decision", map[string]any{"point_ids": []int64{p.ID}, "status": "accepted"}, rev); resp.StatusCode != 200 {
		t.Fatalf("decision: %d %s", resp.StatusCode, out)
	}
	resp, after := e.do("GET", path, nil, rev, withHeader("If-None-Match", etag))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || bytes.Equal(after, before) {
		t.Fatalf("after the accept: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	if s := status(after); s != "accepted" {
		t.Fatalf("status %v after accepting", s)
	}

	if resp, _ := e.do("GET", path, nil); resp.StatusCode != 401 {
		t.Errorf("anonymous points tile: %d, want 401", resp.StatusCode)
	}
	resp, body := e.do("GET", fmt.Sprintf("/tiles/provinces/6/%d/%d.mvt", tl.X>>7, tl.Y>>7), nil, withHeader("Accept-Encoding", "gzip"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("provinces tile: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if ls, err := mvt.Unmarshal(raw); err != nil || len(ls) != 1 || ls[0].Name != "provinces" || len(ls[0].Features) == 0 {
		t.Fatalf("provinces tile: %v", err)
	}
	if resp, _ := e.do("GET", "/tiles/communes/9/0/0.mvt", nil); resp.StatusCode != 200 {
		t.Errorf("communes tile: %d", resp.StatusCode)
	}
	for _, bad := range []string{"/tiles/bids/5/1/1.mvt", "/tiles/points/3/9/1.mvt", "/tiles/points/x/1/1.mvt"} {
		if resp, out := e.do("GET", bad, nil, rev); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404: %s", bad, resp.StatusCode, out)
		} else {
			decodeErr(t, out)
		}
	}
	if resp, _ := e.do("GET", path, nil, withToken(e.tokens[phusong.RoleOperator])); resp.StatusCode != 200 {
		t.Errorf("operator: %d", resp.StatusCode)
	}
}

// TestPackageTiles: a draft package's areas are in the reviewer's packages
// tile and not in the operator's; publishing moves the tile's version and
// puts the published areas in the operator's tile too.
func TestPackageTiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	op := withToken(e.tokens[phusong.RoleOperator])
	resp, out := e.do("POST", "/api/v1/packages", map[string]any{"rule": map[string]any{"mode": "province", "province": "12"}}, rev)
	if resp.StatusCode != 201 {
		t.Fatalf("drafts: %d %s", resp.StatusCode, out)
	}
	var c orb.Point
	if err := e.pool.QueryRow(t.Context(), `SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM areas WHERE status = 'active' LIMIT 1`).Scan(&c[0], &c[1]); err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(c, 9)
	path := fmt.Sprintf("/tiles/packages/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y)
	features := func(body []byte) []*geojsonFeature {
		t.Helper()
		ls, err := mvt.Unmarshal(body)
		if err != nil || len(ls) != 1 || ls[0].Name != "packages" {
			t.Fatalf("tile: %v", err)
		}
		var out []*geojsonFeature
		for _, f := range ls[0].Features {
			out = append(out, &geojsonFeature{Status: f.Properties["status"], PackageID: f.Properties["package_id"]})
		}
		return out
	}
	resp, body := e.do("GET", path, nil, rev)
	if resp.StatusCode != 200 {
		t.Fatalf("reviewer's packages tile: %d %s\n%s", resp.StatusCode, body, e.logs.String())
	}
	fs := features(body)
	if resp.StatusCode != 200 || len(fs) == 0 || fs[0].Status != "draft" {
		t.Fatalf("reviewer's packages tile: %d %+v", resp.StatusCode, fs)
	}
	resp, body = e.do("GET", path, nil, op)
	opTag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || len(features(body)) != 0 {
		t.Fatalf("operator sees drafts: %d", resp.StatusCode)
	}
	id := e.publishPackage(t)
	resp, body = e.do("GET", path, nil, op, withHeader("If-None-Match", opTag))
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == opTag {
		t.Fatalf("after publishing: %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), opTag)
	}
	published := 0
	for _, f := range features(body) {
		if f.Status != "published" || int64(f.PackageID.(float64)) != id {
			t.Errorf("operator sees %+v", f)
		}
		published++
	}
	if published == 0 {
		t.Fatal("the published package is not in the operator's tile")
	}
}

type geojsonFeature struct {
	Status    any
	PackageID any
}
