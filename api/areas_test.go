package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/phusong/phusong"
)

// TestAreasFlow: accepted points are grouped into areas through the API;
// the province and reviewers see them with sites, cost and score; another
// province and operators do not; recomputing without changes keeps ids and
// writes no new version.
func TestAreasFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	rev := withToken(e.tokens[phusong.RoleReviewer])
	sub := e.submitValid(t, prov)
	if resp, out := e.do("POST", "/api/v1/submissions/"+itoa(sub.ID)+"/decision", map[string]string{"status": "accepted"}, rev); resp.StatusCode != 200 {
		t.Fatalf("accept: %d %s", resp.StatusCode, out)
	}
	if resp, _ := e.do("POST", "/api/v1/areas/recompute", map[string]any{"province": "12", "wait": true}, prov); resp.StatusCode != 403 {
		t.Fatalf("officer recomputing: %d, want 403", resp.StatusCode)
	}
	resp, out := e.do("POST", "/api/v1/areas/recompute", map[string]any{"province": "12", "wait": true}, rev)
	var job struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Results []struct {
			Points, Areas int
		} `json:"results"`
	}
	json.Unmarshal(out, &job)
	if resp.StatusCode != 200 || job.Status != "done" || len(job.Results) != 1 || job.Results[0].Points != sub.Inserted {
		t.Fatalf("recompute: %d %s", resp.StatusCode, out)
	}
	var list struct {
		Areas []struct {
			ID         int64   `json:"id"`
			Households int     `json:"households"`
			Sites      int     `json:"sites"`
			CostVND    int64   `json:"cost_vnd"`
			Score      float64 `json:"score"`
		} `json:"areas"`
		ScoreFormula map[string]any `json:"score_formula"`
	}
	resp, out = e.do("GET", "/api/v1/areas?province=12&sort=households", nil, prov)
	json.Unmarshal(out, &list)
	if resp.StatusCode != 200 || len(list.Areas) == 0 || list.ScoreFormula["formula"] == nil {
		t.Fatalf("areas: %d %s", resp.StatusCode, out)
	}
	points := 0
	for i, a := range list.Areas {
		if a.Sites < 1 || a.CostVND <= 0 || a.Score <= 0 {
			t.Errorf("area %+v lacks sites, cost or score", a)
		}
		if i > 0 && a.Households > list.Areas[i-1].Households {
			t.Errorf("not sorted by households")
		}
	}
	id := itoa(list.Areas[0].ID)
	var detail struct {
		Area struct {
			PointIDs []int64 `json:"point_ids"`
			SiteList []any   `json:"site_list"`
			History  []struct {
				Version int    `json:"version"`
				Change  string `json:"change"`
			} `json:"history"`
		} `json:"area"`
		Geometry struct {
			Type string `json:"type"`
		} `json:"geometry"`
	}
	resp, out = e.do("GET", "/api/v1/areas/"+id, nil, rev)
	json.Unmarshal(out, &detail)
	if resp.StatusCode != 200 || len(detail.Area.PointIDs) == 0 || len(detail.Area.SiteList) == 0 ||
		len(detail.Area.History) != 1 || detail.Area.History[0].Change != "new" || detail.Geometry.Type != "MultiPolygon" {
		t.Fatalf("area detail: %d %s\n%s", resp.StatusCode, out, e.logs.String()[max(0, e.logs.Len()-600):])
	}
	points += len(detail.Area.PointIDs)
	other := e.province(t, "08")
	if resp, _ := e.do("GET", "/api/v1/areas/"+id, nil, other); resp.StatusCode != 404 {
		t.Fatalf("another province reading the area: %d, want 404", resp.StatusCode)
	}
	if _, out := e.do("GET", "/api/v1/areas", nil, other); strings.Contains(string(out), `"province_code":"12"`) {
		t.Fatalf("another province lists Lai Châu's areas")
	}
	if resp, _ := e.do("GET", "/api/v1/areas", nil, withToken(e.tokens[phusong.RoleOperator])); resp.StatusCode != 403 {
		t.Fatalf("operator listing unpublished areas: %d, want 403", resp.StatusCode)
	}
	resp, out = e.do("GET", "/api/v1/areas.geojson?province=12", nil, rev)
	if resp.StatusCode != 200 || !strings.Contains(string(out), `"MultiPolygon"`) || !strings.Contains(string(out), `"FeatureCollection"`) {
		t.Fatalf("geojson: %d %.300s", resp.StatusCode, out)
	}
	// Nothing changed: nothing regrouped, same ids, no new version; a full
	// recomputation regroups every point and finds the same.
	for _, full := range []bool{false, true} {
		resp, out := e.do("POST", "/api/v1/areas/recompute", map[string]any{"province": "12", "wait": true, "full": full}, rev)
		var again struct {
			Full    bool `json:"full"`
			Results []struct {
				Mode      string         `json:"mode"`
				Points    int            `json:"points"`
				Regrouped int            `json:"regrouped"`
				Changes   map[string]int `json:"changes"`
			} `json:"results"`
		}
		json.Unmarshal(out, &again)
		if resp.StatusCode != 200 || len(again.Results) != 1 || again.Full != full {
			t.Fatalf("recompute again (full %v): %d %s", full, resp.StatusCode, out)
		}
		r := again.Results[0]
		wantMode, wantRegrouped := "incremental", 0
		if full {
			wantMode, wantRegrouped = "full", r.Points
		}
		if r.Mode != wantMode || r.Regrouped != wantRegrouped || r.Changes["kept"] != len(list.Areas) {
			t.Fatalf("recompute again (full %v): %s", full, out)
		}
	}
	if n := e.count(`SELECT count(*) FROM area_versions`); n != len(list.Areas) {
		t.Fatalf("versions after no-op recomputes: %d, want %d", n, len(list.Areas))
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'areas.recompute'`); n != 3 {
		t.Fatalf("audit rows for recompute jobs: %d, want 3", n)
	}
}
