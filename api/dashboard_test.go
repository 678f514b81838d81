package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
)

// TestPointDetail: the map's detail panel gets every field of a point, the
// signal per operator, its submission and its history; another province's
// officer gets 404 and an operator 403.
func TestPointDetail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	rev := withToken(e.tokens[phusong.RoleReviewer])
	sub := e.submitValid(t, prov)
	var fc struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
	}
	_, out := e.do("GET", "/api/v1/points?submission="+itoa(sub.ID), nil, rev)
	if json.Unmarshal(out, &fc); len(fc.Features) < 2 {
		t.Fatalf("points of the submission: %s", out)
	}
	first, second := itoa(fc.Features[0].ID), itoa(fc.Features[1].ID)
	if resp, out := e.do("POST", "/api/v1/points/decision", map[string]any{"point_ids": []int64{fc.Features[0].ID}, "status": "returned", "comment": "Sai toạ độ"}, rev); resp.StatusCode != 200 {
		t.Fatalf("point decision: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/submissions/"+itoa(sub.ID)+"/decision", map[string]any{"status": "accepted"}, rev); resp.StatusCode != 200 {
		t.Fatalf("submission decision: %d %s", resp.StatusCode, out)
	}

	var d struct {
		ID         int64   `json:"id"`
		Status     string  `json:"status"`
		Lon        float64 `json:"lon"`
		Households int     `json:"households"`
		Signals    []struct {
			Operator, Signal string
		} `json:"signals"`
		Submission struct {
			ID          int64  `json:"id"`
			SubmittedBy string `json:"submitted_by"`
		} `json:"submission"`
		History []struct {
			Action, Actor, Comment string
		} `json:"history"`
	}
	resp, out := e.do("GET", "/api/v1/points/"+first, nil, prov)
	if resp.StatusCode != 200 {
		t.Fatalf("point detail: %d %s", resp.StatusCode, out)
	}
	json.Unmarshal(out, &d)
	if d.Status != "accepted" || d.Lon < 100 || d.Households == 0 || len(d.Signals) != 4 || d.Signals[0].Operator != "viettel" || d.Submission.ID != sub.ID || d.Submission.SubmittedBy == "" {
		t.Fatalf("point detail: %+v", d)
	}
	var actions []string
	for _, h := range d.History {
		actions = append(actions, h.Action)
	}
	if got, want := strings.Join(actions, ","), "submission.create,point.return,submission.accept"; got != want {
		t.Fatalf("history %s, want %s", got, want)
	}
	if d.History[1].Comment != "Sai toạ độ" || d.History[1].Actor != "test-reviewer" {
		t.Fatalf("the return: %+v", d.History[1])
	}
	// The other point was never decided on its own.
	json.Unmarshal(func() []byte { _, b := e.do("GET", "/api/v1/points/"+second, nil, rev); return b }(), &d)
	if len(d.History) != 2 {
		t.Fatalf("second point's history: %+v, want the submission's two events", d.History)
	}
	if resp, _ := e.do("GET", "/api/v1/points/"+first, nil, e.province(t, "08")); resp.StatusCode != 404 {
		t.Fatalf("another province: %d, want 404", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/v1/points/"+first, nil, withToken(e.tokens[phusong.RoleOperator])); resp.StatusCode != 403 {
		t.Fatalf("operator: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/v1/points/abc", nil, rev); resp.StatusCode != 404 {
		t.Fatalf("bad id: %d, want 404", resp.StatusCode)
	}
}

// TestDashboardAccess: every role reads the national figures; anonymous
// visitors only when the deployment publishes them.
func TestDashboardAccess(t *testing.T) {
	t.Parallel()
	closed := newEnv(t)
	for _, r := range phusong.Roles {
		if resp, out := closed.do("GET", "/api/v1/dashboard", nil, withToken(closed.tokens[r])); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", r, resp.StatusCode, out)
		}
	}
	if resp, _ := closed.do("GET", "/api/v1/dashboard", nil); resp.StatusCode != 401 {
		t.Fatalf("anonymous, closed: %d, want 401", resp.StatusCode)
	}
	// The served figures are kept a little, but a write forgets them.
	submitted := func() int {
		var d struct {
			Totals struct {
				PointsSubmitted int `json:"points_submitted"`
			} `json:"totals"`
		}
		_, out := closed.do("GET", "/api/v1/dashboard", nil, withToken(closed.tokens[phusong.RoleReviewer]))
		json.Unmarshal(out, &d)
		return d.Totals.PointsSubmitted
	}
	if n := submitted(); n != 0 {
		t.Fatalf("points submitted before any upload: %d", n)
	}
	if resp, out := closed.upload("/api/v1/submissions", "lc.csv", testFile(t, "valid_utf8.csv"), withToken(closed.tokens[phusong.RoleProvince])); resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	if n := submitted(); n == 0 {
		t.Fatal("the dashboard still shows no point after an upload")
	}
	var cfg struct {
		Basemap         *api.Basemap `json:"basemap"`
		PublicDashboard bool         `json:"public_dashboard"`
	}
	_, out := closed.do("GET", "/api/v1/config", nil)
	if json.Unmarshal(out, &cfg); cfg.Basemap != nil || cfg.PublicDashboard {
		t.Fatalf("default config: %s", out)
	}

	open := newEnv(t, func(d *apiDeps) {
		d.PublicDashboard = true
		d.Basemap = api.Basemap{URL: "https://tiles.example.vn/osm/{z}/{x}/{y}.png", Attribution: "© OpenStreetMap"}
	})
	resp, out := open.do("GET", "/api/v1/dashboard", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("anonymous, public: %d %s", resp.StatusCode, out)
	}
	var dash struct {
		Provinces []map[string]any `json:"provinces"`
	}
	if json.Unmarshal(out, &dash); len(dash.Provinces) != 34 {
		t.Fatalf("public dashboard: %d provinces, want 34", len(dash.Provinces))
	}
	for k := range dash.Provinces[0] {
		if strings.Contains(k, "lon") || strings.Contains(k, "geom") || strings.Contains(k, "bbox") {
			t.Fatalf("public dashboard carries a coordinate field %q", k)
		}
	}
	_, out = open.do("GET", "/api/v1/config", nil)
	if json.Unmarshal(out, &cfg); cfg.Basemap == nil || !cfg.PublicDashboard {
		t.Fatalf("config: %s", out)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "connect-src 'self' https://tiles.example.vn") || !strings.Contains(csp, "img-src 'self' data: blob: https://tiles.example.vn") {
		t.Fatalf("CSP does not admit the basemap: %s", csp)
	}
}

// TestPageCompressed: the page's assets travel compressed (brotli when the
// browser offers it), and the bundle is there.
func TestPageCompressed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/", "/static/app.js", "/static/app.css", "/static/maplibre-gl-worker.mjs"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		resp, err := e.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("%s: %d, Content-Encoding %q, want 200 br", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	}
	req := httptest.NewRequest("GET", "/static/maplibre-gl-worker.mjs", nil)
	resp, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("worker Content-Type %q: a module worker needs JavaScript", ct)
	}
}

func multipartFile(t *testing.T, name string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(testFile(t, name))
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// TestOpenAPIMapRoutes checks the map page's routes against the document.
func TestOpenAPIMapRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := newOAChecker(t, e)
	rev, prov := phusong.RoleReviewer, phusong.RoleProvince
	raw, ct := multipartFile(t, "valid_utf8.csv")
	c.check(oaCall{method: "POST", path: "/api/v1/submissions", raw: raw, contentType: ct, role: prov, want: 201})
	out := c.check(oaCall{method: "GET", path: "/api/v1/points?limit=1", role: rev, want: 200})
	var fc struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
	}
	if json.Unmarshal(out, &fc); len(fc.Features) == 0 {
		t.Fatalf("no points: %s", out)
	}
	for _, call := range []oaCall{
		{method: "GET", path: "/api/v1/points/" + itoa(fc.Features[0].ID), role: prov, want: 200},
		{method: "GET", path: "/api/v1/points/999999", role: rev, want: 404},
		{method: "GET", path: "/api/v1/dashboard", role: prov, want: 200},
		{method: "GET", path: "/api/v1/dashboard", want: 401},
		{method: "GET", path: "/api/v1/config", want: 200},
	} {
		c.check(call)
	}
}

// TestDashboardCountsPackages: publishing a package of every area of Lai
// Châu counts it, covers all its accepted households (none left without
// coverage, share 0) and adds the coverage term to the score.
func TestDashboardCountsPackages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	type row struct {
		Code                string   `json:"code"`
		PointsAccepted      int      `json:"points_accepted"`
		HouseholdsAccepted  int      `json:"households_accepted"`
		HouseholdsUncovered int      `json:"households_uncovered"`
		PackagesPublished   int      `json:"packages_published"`
		ShareWithoutSignal  *float64 `json:"share_without_signal"`
		Score               float64  `json:"score"`
	}
	lc := func() (row, bool) {
		var d struct {
			Provinces     []row `json:"provinces"`
			PackagesKnown bool  `json:"packages_known"`
		}
		_, out := e.do("GET", "/api/v1/dashboard", nil, rev)
		json.Unmarshal(out, &d)
		for _, p := range d.Provinces {
			if p.Code == "12" {
				return p, d.PackagesKnown
			}
		}
		t.Fatalf("no Lai Châu: %s", out)
		return row{}, false
	}
	before, known := lc()
	if !known || before.PackagesPublished != 0 || before.HouseholdsUncovered != before.HouseholdsAccepted || before.Score != 50 {
		t.Fatalf("before publication: %+v (packages known: %v), want 0 packages, every accepted household uncovered, score 50", before, known)
	}
	// Every area of the province in one package (no eligibility checks).
	if resp, out := e.do("POST", "/api/v1/packages", map[string]any{"rule": map[string]any{"mode": "province", "province": "12"}}, rev); resp.StatusCode != 201 {
		t.Fatalf("drafts: %d %s", resp.StatusCode, out)
	}
	e.publishPackage(t)
	after, _ := lc()
	if after.PackagesPublished != 1 || after.HouseholdsUncovered != 0 || after.ShareWithoutSignal == nil || *after.ShareWithoutSignal != 0 || after.Score != 100 {
		t.Fatalf("after publication: %+v, want 1 package, no household uncovered, share 0, score 100", after)
	}
}
