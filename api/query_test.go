package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/phusong/phusong"
)

// TestListQueryIsStrict: every list endpoint answers a bad query value with
// 400 bad_query whose details name the parameter, in both languages, and
// say what it accepts — never 500 (OFFSET -1 reached SQL) and never 200
// with the value ignored or replaced by a default.
func TestListQueryIsStrict(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	prov := withToken(e.tokens[phusong.RoleProvince])
	tests := []struct {
		name, path string
		opt        reqOpt
		param      string // the parameter the details must name; "" when the query is fine
		accepts    string // part of the English message: what the parameter accepts
	}{
		{"areas negative offset", "/api/v1/areas?offset=-1", rev, "offset", "from 0"},
		{"areas negative offset officer", "/api/v1/areas?offset=-1", prov, "offset", "from 0"},
		{"areas geojson negative offset", "/api/v1/areas.geojson?offset=-1", rev, "offset", "from 0"},
		{"areas offset not a number", "/api/v1/areas?offset=abc", rev, "offset", "from 0"},
		{"areas limit not a number", "/api/v1/areas?limit=abc", rev, "limit", "from 1 to 5000"},
		{"areas limit zero", "/api/v1/areas?limit=0", rev, "limit", "from 1 to 5000"},
		{"areas limit over max", "/api/v1/areas?limit=5001", rev, "limit", "from 1 to 5000"},
		{"areas sort", "/api/v1/areas?sort=bogus", rev, "sort", "score, households, points, sites, cost, id"},
		{"areas status", "/api/v1/areas?status=bogus", prov, "status", "active, merged, removed, all"},
		{"areas category", "/api/v1/areas.geojson?category=white", rev, "category", "trang_song, lom_song"},
		{"areas min_score NaN", "/api/v1/areas?min_score=NaN", rev, "min_score", "from 0 to 100"},
		{"areas min_score Inf", "/api/v1/areas?min_score=Inf", rev, "min_score", "from 0 to 100"},
		{"areas min_score over 100", "/api/v1/areas?min_score=101", rev, "min_score", "from 0 to 100"},
		{"areas province unknown", "/api/v1/areas?province=99", rev, "province", "34 provinces"},
		{"areas fine", "/api/v1/areas?province=12&status=all&category=lom_song&min_score=10.5&sort=cost&limit=5000&offset=3", rev, "", ""},
		{"areas geojson fine", "/api/v1/areas.geojson?status=removed&sort=id&limit=1&offset=0", prov, "", ""},

		{"submissions negative limit", "/api/v1/submissions?limit=-1", rev, "limit", "from 1 to 500"},
		{"submissions limit not a number", "/api/v1/submissions?limit=abc", prov, "limit", "from 1 to 500"},
		{"submissions limit over max", "/api/v1/submissions?limit=501", rev, "limit", "from 1 to 500"},
		{"submissions before_id", "/api/v1/submissions?before_id=abc", rev, "before_id", "of 0 or more"},
		{"submissions status", "/api/v1/submissions?status=bogus", rev, "status", "rejected, submitted, accepted, returned"},
		{"submissions province unknown", "/api/v1/submissions?province=1", rev, "province", "34 provinces"},
		{"submissions fine", "/api/v1/submissions?province=12&status=returned&before_id=10&limit=500", rev, "", ""},

		{"points limit over max", "/api/v1/points?limit=10001", rev, "limit", "from 1 to 10000"},
		{"points limit far over max", "/api/v1/points?limit=20000", rev, "limit", "from 1 to 10000"},
		{"points bbox NaN", "/api/v1/points?bbox=NaN,1,2,3", rev, "bbox", "minLon,minLat,maxLon,maxLat"},
		{"points bbox infinite", "/api/v1/points?bbox=-Inf,-Inf,Inf,Inf", rev, "bbox", "minLon,minLat,maxLon,maxLat"},
		{"points bbox out of range", "/api/v1/points?bbox=100,-91,200,30", rev, "bbox", "minLon,minLat,maxLon,maxLat"},
		{"points status", "/api/v1/points?status=rejected", prov, "status", "submitted, accepted, returned"},
		{"points category", "/api/v1/points?category=bogus", prov, "category", "trang_song, lom_song"},
		{"points after_id", "/api/v1/points?after_id=-5", prov, "after_id", "of 0 or more"},
		{"points fine", "/api/v1/points?province=12&status=accepted&category=trang_song&bbox=102,21,104,23&after_id=0&limit=10000", rev, "", ""},

		{"packages status", "/api/v1/packages?status=bogus", rev, "status", "draft, published, withdrawn"},
		{"packages province unknown", "/api/v1/packages?province=99", prov, "province", "34 provinces"},
		{"packages fine", "/api/v1/packages?province=12&status=published", rev, "", ""},

		{"audit limit over max", "/api/v1/audit?limit=1001", rev, "limit", "from 1 to 1000"},
		{"audit from", "/api/v1/audit?from=yesterday", rev, "from", "RFC 3339"},
		{"audit fine", "/api/v1/audit?from=2026-01-01T00:00:00Z&before_id=5&limit=1000", rev, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do("GET", tc.path, nil, tc.opt)
			if tc.param == "" {
				if resp.StatusCode != 200 {
					t.Fatalf("got %d, want 200: %.300s", resp.StatusCode, out)
				}
				return
			}
			if resp.StatusCode != 400 {
				t.Fatalf("got %d, want 400: %.300s", resp.StatusCode, out)
			}
			got := decodeErr(t, out)
			if got.Error.Code != "bad_query" || len(got.Error.Details) != 1 {
				t.Fatalf("got code %q with %d details, want bad_query with 1: %s", got.Error.Code, len(got.Error.Details), out)
			}
			d := got.Error.Details[0]
			if d.Column != tc.param || d.VI == "" || !strings.Contains(d.EN, tc.accepts) {
				t.Fatalf("detail %+v: want parameter %q and a message saying %q", d, tc.param, tc.accepts)
			}
		})
	}
}

// TestPointsPaging: a page carries next_after_id only when it is full, so
// a short last page ends the walk; following the cursor reads every point
// once.
func TestPointsPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.storePoints(t, 25)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	type page struct {
		Features []struct {
			ID int64 `json:"id"`
		} `json:"features"`
		Next *int64 `json:"next_after_id"`
	}
	get := func(path string) page {
		t.Helper()
		resp, out := e.do("GET", path, nil, rev)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %.300s", path, resp.StatusCode, out)
		}
		var p page
		if err := json.Unmarshal(out, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, query string
		rows        int
		next        bool
	}{
		{"no limit, one short page", "", 25, false},
		{"limit larger than the rows", "?limit=100", 25, false},
		{"limit at the maximum", "?limit=10000", 25, false},
		{"full page", "?limit=10", 10, true},
		{"exactly the rows", "?limit=25", 25, true}, // full: the next page is empty
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := get("/api/v1/points" + tc.query)
			if len(p.Features) != tc.rows || (p.Next != nil) != tc.next {
				t.Fatalf("got %d rows, cursor %v; want %d rows, cursor %v", len(p.Features), p.Next != nil, tc.rows, tc.next)
			}
		})
	}
	seen := map[int64]bool{}
	path := "/api/v1/points?limit=10"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatalf("paging does not end")
		}
		p := get(path)
		for _, f := range p.Features {
			if seen[f.ID] {
				t.Fatalf("point %d twice", f.ID)
			}
			seen[f.ID] = true
		}
		if p.Next == nil {
			break
		}
		path = "/api/v1/points?limit=10&after_id=" + itoa(*p.Next)
	}
	if len(seen) != 25 {
		t.Fatalf("read %d points by paging, want 25", len(seen))
	}
}
