package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/survey"
)

// serve starts the app on 127.0.0.1 at a free port, as the real server
// does, and returns its base URL.
func (e *env) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln) //nolint:errcheck // ends with the test
	t.Cleanup(func() { _ = e.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// storePoints stores n points of province 12 around Lai Châu's first
// commune as one submitted submission, straight through the survey store.
func (e *env) storePoints(t *testing.T, n int) {
	t.Helper()
	ctx := phusong.WithActor(context.Background(), phusong.System)
	_, err := survey.NewStore(e.pool).Submit(ctx, survey.NewSubmission{ProvinceCode: "12"}, func(emit func(survey.Point) error) (survey.Result, error) {
		for i := range n {
			p := survey.Point{ProvinceCode: "12", CommuneCode: "03430", VillageName: fmt.Sprintf("Bản thử %d", i), RefID: fmt.Sprintf("T-%d", i),
				Location: orb.Point{103.3 + float64(i%100)*0.004, 22.1 + float64(i/100)*0.004}, Households: 5 + i%40, GridPower: "no",
				SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Category: survey.TrangSong}
			if err := emit(p); err != nil {
				return survey.Result{}, err
			}
		}
		return survey.Result{Rows: n}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// loadReviewed uploads the sample file as the province, accepts it and
// regroups the province, so that every collection has features.
func (e *env) loadReviewed(t *testing.T) {
	t.Helper()
	e.acceptAndGroup(t, testFile(t, "valid_utf8.csv"))
}

// acceptAndGroup uploads a survey file as Lai Châu's officer, accepts it
// and groups the province's points into areas, through the API.
func (e *env) acceptAndGroup(t *testing.T, file []byte) {
	t.Helper()
	rev := withToken(e.tokens[phusong.RoleReviewer])
	resp, out := e.upload("/api/v1/submissions", "khao-sat.csv", file, withToken(e.tokens[phusong.RoleProvince]))
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	var sub subResp
	json.Unmarshal(out, &sub)
	if resp, out := e.do("POST", "/api/v1/submissions/"+itoa(sub.ID)+"/decision", map[string]string{"status": "accepted"}, rev); resp.StatusCode != 200 {
		t.Fatalf("accept: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/areas/recompute", map[string]any{"province": "12", "wait": true}, rev); resp.StatusCode != 200 {
		t.Fatalf("recompute: %d %s", resp.StatusCode, out)
	}
}

// retireArea returns every point of Lai Châu's smallest area and regroups
// the province, so the area is removed; it returns the area's id.
func (e *env) retireArea(t *testing.T) int64 {
	t.Helper()
	rev := withToken(e.tokens[phusong.RoleReviewer])
	var list struct {
		Areas []struct {
			ID int64 `json:"id"`
		} `json:"areas"`
	}
	_, out := e.do("GET", "/api/v1/areas?province=12&sort=points", nil, rev)
	if json.Unmarshal(out, &list); len(list.Areas) < 2 {
		t.Fatalf("want two areas or more to retire one: %s", out)
	}
	id := list.Areas[len(list.Areas)-1].ID
	var d struct {
		Area struct {
			PointIDs []int64 `json:"point_ids"`
		} `json:"area"`
	}
	_, out = e.do("GET", "/api/v1/areas/"+itoa(id), nil, rev)
	if json.Unmarshal(out, &d); len(d.Area.PointIDs) == 0 {
		t.Fatalf("area %d has no points: %s", id, out)
	}
	if resp, out := e.do("POST", "/api/v1/points/decision", map[string]any{"point_ids": d.Area.PointIDs, "status": "returned", "comment": "Khảo sát lại."}, rev); resp.StatusCode != 200 {
		t.Fatalf("return: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/areas/recompute", map[string]any{"province": "12", "wait": true}, rev); resp.StatusCode != 200 {
		t.Fatalf("recompute: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM areas WHERE id = $1 AND status = 'removed'`, id); n != 1 {
		t.Fatalf("area %d was not removed", id)
	}
	return id
}

var (
	layerName    = regexp.MustCompile(`(?m)^Layer name: (\w+)`)
	featureCount = regexp.MustCompile(`(?m)^Feature Count: (\d+)`)
	ogrFeature   = regexp.MustCompile(`(?m)^OGRFeature\((\w+)\):`)
)

// TestOGCWithGDAL: GDAL's OAPIF driver, given an API token, lists the five
// collections and reads every feature of each, with the counts the
// database holds.
func TestOGCWithGDAL(t *testing.T) {
	t.Parallel()
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Fatalf("ogrinfo not found (%v): run scripts/install-deps.sh test", err)
	}
	e := newEnv(t)
	e.loadReviewed(t)
	e.retireArea(t)
	e.publishPackage(t)
	base := e.serve(t)
	want := map[string]int{
		"points": e.count(`SELECT count(*) FROM survey_points`),
		// The areas collection serves the active areas unless asked for
		// status=merged|removed|all; GDAL asks for none.
		"areas":     e.count(`SELECT count(*) FROM areas WHERE status = 'active'`),
		"sites":     e.count(`SELECT count(*) FROM area_sites`),
		"packages":  e.count(`SELECT count(*) FROM package_version_areas pva JOIN packages p ON p.id = pva.package_id AND p.published_version = pva.version`),
		"provinces": 34,
	}
	for name, n := range want {
		if n == 0 {
			t.Fatalf("no %s in the database: the test would prove nothing", name)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		args = append([]string{"-ro", "-al", "-geom=NO", "-oo", "PAGE_SIZE=7", "OAPIF:" + base + "/ogc",
			"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + e.tokens[phusong.RoleReviewer]}, args...)
		out, err := exec.Command(ogrinfo, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	summary := run("-so")
	layers := layerName.FindAllStringSubmatch(summary, -1)
	counts := featureCount.FindAllStringSubmatch(summary, -1)
	if len(layers) != len(want) || len(counts) != len(layers) {
		t.Fatalf("ogrinfo lists %d layers with %d counts, want %d:\n%s", len(layers), len(counts), len(want), summary)
	}
	for i, l := range layers {
		if got := counts[i][1]; got != fmt.Sprint(want[l[1]]) {
			t.Errorf("%s: Feature Count %s, database %d", l[1], got, want[l[1]])
		}
	}
	read := map[string]int{}
	for _, m := range ogrFeature.FindAllStringSubmatch(run(), -1) {
		read[m[1]]++
	}
	for name, n := range want {
		if read[name] != n {
			t.Errorf("%s: GDAL read %d features, database %d", name, read[name], n)
		}
	}
}

// TestOGCAreasActiveByDefault: the areas collection serves the active
// areas, with the figures the REST list gives; status=removed, merged or
// all asks for the others, which count nothing.
func TestOGCAreasActiveByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.loadReviewed(t)
	removed := e.retireArea(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	var rest struct {
		Areas []struct {
			Households int `json:"households"`
		} `json:"areas"`
	}
	_, out := e.do("GET", "/api/v1/areas?limit=5000", nil, prov)
	json.Unmarshal(out, &rest)
	restHH := 0
	for _, a := range rest.Areas {
		restHH += a.Households
	}
	tests := []struct {
		query      string
		status     string // every feature has it; "" any
		count      string // SQL counting the features wanted
		households int    // their sum; -1: the REST list's
	}{
		{"", "active", `SELECT count(*) FROM areas WHERE status = 'active'`, -1},
		{"?status=active", "active", `SELECT count(*) FROM areas WHERE status = 'active'`, -1},
		{"?status=removed", "removed", `SELECT count(*) FROM areas WHERE status = 'removed'`, 0},
		{"?status=merged", "merged", `SELECT count(*) FROM areas WHERE status = 'merged'`, 0},
		{"?status=all", "", `SELECT count(*) FROM areas`, -1},
	}
	for _, tc := range tests {
		name := strings.TrimPrefix(tc.query, "?")
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			sep := "?"
			if tc.query != "" {
				sep = "&"
			}
			resp, out := e.do("GET", "/ogc/collections/areas/items"+tc.query+sep+"limit=10000", nil, prov)
			var p ogcPage
			if resp.StatusCode != 200 || json.Unmarshal(out, &p) != nil {
				t.Fatalf("%d %.300s", resp.StatusCode, out)
			}
			if want := e.count(tc.count); len(p.Features) != want || p.NumberMatched == nil || *p.NumberMatched != want {
				t.Fatalf("got %d features (matched %v), want %d", len(p.Features), p.NumberMatched, want)
			}
			hh, sawRemoved := 0, false
			for _, f := range p.Features {
				if tc.status != "" && f.Properties["status"] != tc.status {
					t.Fatalf("feature %v has status %v, want %s", f.ID, f.Properties["status"], tc.status)
				}
				hh += int(f.Properties["households"].(float64))
				sawRemoved = sawRemoved || fmt.Sprint(f.ID) == itoa(removed)
			}
			want := tc.households
			if want < 0 {
				want = restHH
			}
			if hh != want {
				t.Fatalf("households: %d, want %d", hh, want)
			}
			if sawRemoved != (tc.status == "removed" || tc.status == "") {
				t.Fatalf("removed area %d listed: %v", removed, sawRemoved)
			}
		})
	}
	// The removed area is still one request away by its id.
	if resp, out := e.do("GET", "/ogc/collections/areas/items/"+itoa(removed), nil, prov); resp.StatusCode != 200 {
		t.Fatalf("removed area by id: %d %.300s", resp.StatusCode, out)
	}
}

type ogcPage struct {
	Type     string `json:"type"`
	Features []struct {
		ID         any            `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Links []struct {
		Href, Rel, Type string
	} `json:"links"`
	NumberReturned int  `json:"numberReturned"`
	NumberMatched  *int `json:"numberMatched"`
}

func (p ogcPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// TestOGCDocuments: the landing page, conformance, API definition and
// collections; paging by links; filters; access; errors.
func TestOGCDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.loadReviewed(t)
	e.storePoints(t, 250)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	get := func(path string, want int, opts ...reqOpt) []byte {
		t.Helper()
		resp, out := e.do("GET", path, nil, opts...)
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d: %.300s", path, resp.StatusCode, want, out)
		}
		if want >= 400 {
			decodeErr(t, out)
		}
		return out
	}
	var landing struct{ Links []struct{ Rel, Href string } }
	json.Unmarshal(get("/ogc", 200), &landing)
	rels := map[string]bool{}
	for _, l := range landing.Links {
		rels[l.Rel] = true
	}
	for _, r := range []string{"self", "service-desc", "conformance", "data"} {
		if !rels[r] {
			t.Errorf("landing page lacks rel=%s", r)
		}
	}
	if !strings.Contains(string(get("/ogc/conformance", 200)), "conf/geojson") {
		t.Error("conformance lacks geojson")
	}
	if _, err := openapi3.NewLoader().LoadFromData(get("/ogc/api", 200)); err != nil {
		t.Fatalf("/ogc/api: %v", err)
	} else if doc, _ := openapi3.NewLoader().LoadFromData(get("/ogc/api", 200)); doc.Validate(context.Background()) != nil {
		t.Fatalf("/ogc/api is not a valid OpenAPI document: %v", doc.Validate(context.Background()))
	}
	var cols struct {
		Collections []struct {
			ID     string         `json:"id"`
			Extent map[string]any `json:"extent"`
		} `json:"collections"`
	}
	json.Unmarshal(get("/ogc/collections", 200), &cols)
	if len(cols.Collections) != 5 || cols.Collections[0].ID != "points" || cols.Collections[0].Extent["temporal"] == nil {
		t.Fatalf("collections: %+v", cols)
	}
	get("/ogc/collections/sites", 200)
	get("/ogc/collections/packages", 200)
	get("/ogc/collections/bids", 404)

	// Paging through every point by the next links.
	total := e.count(`SELECT count(*) FROM survey_points`)
	seen := map[any]bool{}
	path := "/ogc/collections/points/items?limit=100"
	pages := 0
	var last ogcPage
	for path != "" {
		resp, out := e.do("GET", path, nil, rev)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var p ogcPage
		if err := json.Unmarshal(out, &p); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if p.Type != "FeatureCollection" || p.NumberReturned != len(p.Features) || p.link("self") == "" || p.link("alternate") == "" {
			t.Fatalf("%s: %+v", path, p.Links)
		}
		if pages > 0 && p.link("prev") == "" {
			t.Errorf("page %d has no prev link", pages+1)
		}
		for _, f := range p.Features {
			seen[f.ID] = true
		}
		pages++
		last = p
		path = strings.TrimPrefix(p.link("next"), "http://example.com")
	}
	if len(seen) != total || pages != (total+99)/100 {
		t.Errorf("%d points in %d pages, want %d in %d", len(seen), pages, total, (total+99)/100)
	}
	if last.NumberMatched == nil || *last.NumberMatched != total {
		t.Errorf("last page numberMatched %v, want %d", last.NumberMatched, total)
	}

	var p ogcPage
	json.Unmarshal(get("/ogc/collections/points/items?status=accepted&category=trang_song&limit=1000", 200, rev), &p)
	if n := e.count(`SELECT count(*) FROM survey_points WHERE status = 'accepted' AND category = 'trang_song'`); len(p.Features) != n || n == 0 {
		t.Errorf("filters: %d features, database %d", len(p.Features), n)
	}
	json.Unmarshal(get("/ogc/collections/points/items?bbox=103.3,22.1,103.34,22.14&limit=1000", 200, rev), &p)
	if n := e.count(`SELECT count(*) FROM survey_points WHERE geom && ST_MakeEnvelope(103.3, 22.1, 103.34, 22.14, 4326)`); len(p.Features) != n || n == 0 {
		t.Errorf("bbox: %d features, database %d", len(p.Features), n)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	json.Unmarshal(get("/ogc/collections/points/items?limit=1000&datetime="+today+"/..", 200, rev), &p)
	if len(p.Features) != min(total, 1000) {
		t.Errorf("datetime from today: %d features, want %d", len(p.Features), min(total, 1000))
	}
	json.Unmarshal(get("/ogc/collections/points/items?datetime=../2020-01-01", 200, rev), &p)
	if len(p.Features) != 0 || p.NumberMatched == nil || *p.NumberMatched != 0 {
		t.Errorf("datetime before 2020: %d features", len(p.Features))
	}
	json.Unmarshal(get("/ogc/collections/areas/items", 200, rev), &p)
	if len(p.Features) == 0 || p.Features[0].Geometry["type"] != "MultiPolygon" {
		t.Fatalf("areas: %+v", p.Features)
	}
	areaID := fmt.Sprint(p.Features[0].ID)
	get("/ogc/collections/areas/items/"+areaID, 200, rev)
	json.Unmarshal(get("/ogc/collections/sites/items?limit=1", 200, rev), &p)
	get("/ogc/collections/sites/items/"+fmt.Sprint(p.Features[0].ID), 200, rev)
	get("/ogc/collections/provinces/items/12", 200)
	json.Unmarshal(get("/ogc/collections/provinces/items?limit=50", 200), &p)
	if len(p.Features) != 34 {
		t.Errorf("provinces: %d", len(p.Features))
	}

	// Access: the officer of 12 sees every point (all are of 12); another
	// province's officer and the operator see none; anonymous gets 401.
	officer08 := e.province(t, "08")
	json.Unmarshal(get("/ogc/collections/points/items?limit=1", 200, officer08), &p)
	if len(p.Features) != 0 {
		t.Errorf("officer of 08 sees %d points of 12", len(p.Features))
	}
	get("/ogc/collections/areas/items/"+areaID, 404, e.province(t, "01"))
	json.Unmarshal(get("/ogc/collections/points/items?limit=1", 200, withToken(e.tokens[phusong.RoleOperator])), &p)
	if len(p.Features) != 0 {
		t.Errorf("operator sees %d points", len(p.Features))
	}
	// Published packages are the operators' collection.
	json.Unmarshal(get("/ogc/collections/packages/items", 200, withToken(e.tokens[phusong.RoleOperator])), &p)
	if len(p.Features) != 0 {
		t.Errorf("operator sees %d package areas before any publication", len(p.Features))
	}
	e.publishPackage(t)
	json.Unmarshal(get("/ogc/collections/packages/items", 200, withToken(e.tokens[phusong.RoleOperator])), &p)
	if len(p.Features) == 0 || p.Features[0].Properties["status"] != "published" || p.Features[0].Geometry["type"] != "MultiPolygon" {
		t.Errorf("operator's packages: %+v", p)
	}
	json.Unmarshal(get("/ogc/collections/packages/items", 200, officer08), &p)
	if len(p.Features) != 0 {
		t.Errorf("officer of 08 sees %d package areas of 12", len(p.Features))
	}
	json.Unmarshal(get("/ogc/collections/points/items?limit=1", 200, withToken(e.tokens[phusong.RoleProvince])), &p)
	if len(p.Features) != 1 {
		t.Errorf("officer of 12 sees %d points", len(p.Features))
	}
	get("/ogc/collections/points/items", 401)

	// Errors.
	get("/ogc/collections/points/items?bbox=1,2", 400, rev)
	get("/ogc/collections/points/items?colour=red", 400, rev)
	get("/ogc/collections/areas/items?datetime=2026-01-01", 400, rev)
	get("/ogc/collections/points/items?f=html", 400, rev)
	get("/ogc/collections", 406, withHeader("Accept", "text/html"))
	get("/ogc/collections/points/items/999999", 404, rev)
	get("/ogc/collections/points/items/abc", 404, rev)
	get("/ogc/collections", 200, withHeader("Accept", "text/html,application/json;q=0.9"))
}

// TestOGCHungClientsLeaveThePoolIdle: clients that ask for the largest page
// and then never read the answer, or hang up at once, more of them than
// the pool has connections: every connection goes back to the pool, and
// the next client is served.
func TestOGCHungClientsLeaveThePoolIdle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.storePoints(t, 5000)
	base := e.serve(t)
	addr := strings.TrimPrefix(base, "http://")
	request := "GET /ogc/collections/points/items?limit=10000 HTTP/1.1\r\nHost: " + addr +
		"\r\nAuthorization: Bearer " + e.tokens[phusong.RoleReviewer] + "\r\n\r\n"
	n := 3 * int(e.pool.Config().MaxConns)
	before := e.pool.Stat().AcquireCount()
	var conns []net.Conn
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte(request)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			c.Close() // hangs up before the answer
		} else {
			conns = append(conns, c) // never reads it
		}
	}
	// Wait for the state: every request answered or abandoned, no
	// connection held (the test's own deadline bounds the wait).
	// Each request takes a connection for its page (and the first also
	// for the token, which is then remembered).
	for {
		st := e.pool.Stat()
		if st.AcquireCount()-before >= int64(n) && st.AcquiredConns() == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// One of the silent clients reads its status line: the page was made
	// while the others still wait.
	line, err := bufio.NewReader(conns[0]).ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Fatalf("a hung client's response: %q %v", line, err)
	}
	req, _ := http.NewRequest("GET", base+"/ogc/collections/points/items?limit=10", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[phusong.RoleReviewer])
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after %d hung clients: %v %v", n, resp, err)
	}
	resp.Body.Close()
	for _, c := range conns {
		c.Close()
	}
}
