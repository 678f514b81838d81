package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phusong/phusong"
)

type pkgSummary struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Status           string `json:"status"`
	PublishedVersion *int   `json:"published_version"`
	Changed          bool   `json:"changed"`
	Totals           struct {
		Areas, Points, Households, Sites int
		CostVND                          int64 `json:"cost_vnd"`
	} `json:"totals"`
}

type pkgDetail struct {
	pkgSummary
	ProposedCeilingVND int64 `json:"proposed_ceiling_vnd"`
	Areas              []struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
		Sites   int   `json:"sites"`
	} `json:"areas"`
	Versions []struct {
		Version   int    `json:"version"`
		ZIPName   string `json:"zip_name"`
		ZIPSHA256 string `json:"zip_sha256"`
		Files     []struct {
			Name   string `json:"name"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	} `json:"versions"`
}

// acceptedAreas loads the Lai Châu demo villages (150, several areas),
// accepts them and groups them into areas, through the API.
func acceptedAreas(t *testing.T, e *env) {
	t.Helper()
	csv, err := os.ReadFile("../cmd/phusong/demodata/survey_12.csv")
	if err != nil {
		t.Fatal(err)
	}
	e.acceptAndGroup(t, csv)
}

// TestPackagesFlow walks a package from rule to download: preview, drafts,
// edits, what stops publication, publication with stored files, operator
// downloads with ETag, Range and the Vietnamese file name, a second
// version with a change note, the download record, withdrawal, and the
// audit trail.
func TestPackagesFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	op := withToken(e.tokens[phusong.RoleOperator])
	prov := withToken(e.tokens[phusong.RoleProvince])
	areas := e.count(`SELECT count(*) FROM areas WHERE status = 'active'`)
	if areas < 3 {
		t.Fatalf("only %d areas; the flow needs several", areas)
	}

	// Preview saves nothing; cap mode cuts the province into several packages.
	rule := map[string]any{"mode": "cap", "cap_kind": "sites", "cap": 3, "require_dbkk": false, "require_grid": false}
	resp, out := e.do("POST", "/api/v1/packages/preview", map[string]any{"rule": rule}, rev)
	var pv struct {
		Packages []struct {
			Name   string `json:"name"`
			Areas  []any  `json:"areas"`
			Totals struct{ Areas, Sites int }
		} `json:"packages"`
		Excluded []struct{ Code string } `json:"excluded"`
	}
	json.Unmarshal(out, &pv)
	if resp.StatusCode != 200 || len(pv.Packages) < 2 {
		t.Fatalf("preview: %d %s", resp.StatusCode, out)
	}
	inPreview := 0
	for _, p := range pv.Packages {
		inPreview += len(p.Areas)
		if p.Totals.Sites > 3 && p.Totals.Areas > 1 {
			t.Errorf("package %q over the cap: %+v", p.Name, p.Totals)
		}
	}
	if inPreview+len(pv.Excluded) != areas {
		t.Fatalf("preview covers %d+%d areas, want %d", inPreview, len(pv.Excluded), areas)
	}
	if n := e.count(`SELECT count(*) FROM packages`); n != 0 {
		t.Fatalf("preview stored %d packages", n)
	}
	// A bad rule says what to fix.
	resp, out = e.do("POST", "/api/v1/packages/preview", map[string]any{"rule": map[string]any{"mode": "cap", "cap": -1}}, rev)
	if resp.StatusCode != 422 || len(decodeErr(t, out).Error.Details) != 2 {
		t.Fatalf("bad rule: %d %s", resp.StatusCode, out)
	}

	// Save the rule, then build drafts from it.
	resp, out = e.do("POST", "/api/v1/package-rules", map[string]any{"name": "3 trạm mỗi gói", "rule": rule}, rev)
	var saved struct{ ID int64 }
	json.Unmarshal(out, &saved)
	if resp.StatusCode != 201 || saved.ID == 0 {
		t.Fatalf("save rule: %d %s", resp.StatusCode, out)
	}
	resp, out = e.do("POST", "/api/v1/packages", map[string]any{"rule_id": saved.ID}, rev)
	var created struct{ Packages []pkgSummary }
	json.Unmarshal(out, &created)
	if resp.StatusCode != 201 || len(created.Packages) != len(pv.Packages) {
		t.Fatalf("create drafts: %d %s", resp.StatusCode, out)
	}
	// Every area is now in a package: building again makes nothing.
	if resp, out := e.do("POST", "/api/v1/packages", map[string]any{"rule_id": saved.ID}, rev); resp.StatusCode != 409 {
		t.Fatalf("second build: %d %s", resp.StatusCode, out)
	}
	first, second := created.Packages[len(created.Packages)-1], created.Packages[len(created.Packages)-2]
	id := itoa(first.ID)

	// Operators see no drafts; the province sees its own.
	if _, out := e.do("GET", "/api/v1/packages", nil, op); strings.Contains(string(out), `"id"`) {
		t.Fatalf("operator sees drafts: %s", out)
	}
	if resp, _ := e.do("GET", "/api/v1/packages/"+id, nil, op); resp.StatusCode != 404 {
		t.Fatalf("operator reads a draft: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/v1/packages/"+id, nil, prov); resp.StatusCode != 200 {
		t.Fatalf("province reads its draft: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/api/v1/packages/"+id, nil, e.province(t, "08")); resp.StatusCode != 404 {
		t.Fatalf("another province reads the draft: %d", resp.StatusCode)
	}

	// Move an area of the second package into the first.
	var d2 pkgDetail
	_, out = e.do("GET", "/api/v1/packages/"+itoa(second.ID), nil, rev)
	json.Unmarshal(out, &d2)
	moved := d2.Areas[0].ID
	resp, out = e.do("POST", "/api/v1/packages/"+id+"/areas", map[string]any{"area_id": moved}, rev)
	var d pkgDetail
	json.Unmarshal(out, &d)
	if resp.StatusCode != 200 || d.Areas[len(d.Areas)-1].ID != moved {
		t.Fatalf("move area: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM package_areas WHERE area_id = $1`, moved); n != 1 {
		t.Fatalf("area %d in %d packages", moved, n)
	}

	// Publishing needs a deadline and a ceiling: both problems at once.
	resp, out = e.do("POST", "/api/v1/packages/"+id+"/publish", nil, rev)
	if resp.StatusCode != 422 || len(decodeErr(t, out).Error.Details) < 1 {
		t.Fatalf("publish without deadline: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("PATCH", "/api/v1/packages/"+id, map[string]any{"criteria": []map[string]any{{"name_vi": "Giá", "weight": 50}}}, rev); resp.StatusCode != 422 ||
		!strings.Contains(string(out), "weights_not_100") {
		t.Fatalf("criteria not adding to 100: %d %s", resp.StatusCode, out)
	}
	deadline := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	resp, out = e.do("PATCH", "/api/v1/packages/"+id, map[string]any{"name": "Gói thầu Lai Châu — vùng biên giới", "deadline": deadline,
		"ceiling_vnd": d.ProposedCeilingVND, "coverage_deadline": deadline.Add(365 * 24 * time.Hour), "requirements": "Trạm 4G, nguồn dự phòng 8 giờ."}, rev)
	if resp.StatusCode != 200 {
		t.Fatalf("patch: %d %s", resp.StatusCode, out)
	}
	resp, out = e.do("POST", "/api/v1/packages/"+id+"/publish", nil, rev)
	var v1 struct {
		Version   int    `json:"version"`
		ZIPName   string `json:"zip_name"`
		ZIPSHA256 string `json:"zip_sha256"`
		Files     []struct{ Name, SHA256 string }
	}
	json.Unmarshal(out, &v1)
	if resp.StatusCode != 201 || v1.Version != 1 || len(v1.Files) < 10 {
		t.Fatalf("publish: %d %s", resp.StatusCode, out)
	}
	// Nothing changed since: publishing again is refused.
	if resp, _ := e.do("POST", "/api/v1/packages/"+id+"/publish", nil, rev); resp.StatusCode != 409 {
		t.Fatalf("republish unchanged: %d", resp.StatusCode)
	}

	// The operator lists it and downloads the stored ZIP.
	resp, out = e.do("GET", "/api/v1/packages", nil, op)
	if resp.StatusCode != 200 || !strings.Contains(string(out), `"id":`+id) || !strings.Contains(string(out), "vùng biên giới") {
		t.Fatalf("operator list: %d %s", resp.StatusCode, out)
	}
	zipURL := "/api/v1/packages/" + id + "/versions/1/files/package.zip"
	resp, zipBytes := e.do("GET", zipURL, nil, op)
	sum := sha256.Sum256(zipBytes)
	if resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != v1.ZIPSHA256 || resp.Header.Get("ETag") != `"`+v1.ZIPSHA256+`"` {
		t.Fatalf("zip: %d etag %s len %d", resp.StatusCode, resp.Header.Get("ETag"), len(zipBytes))
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.Contains(cd, `filename="goi-thau-`+id+`-v1.zip"`) || !strings.Contains(cd, "filename*=UTF-8''G%C3%B3i%20th%E1%BA%A7u%20Lai%20Ch%C3%A2u") {
		t.Fatalf("Content-Disposition: %s", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"areas.geojson", "points.geojson", "sites.geojson", "package.kml", "points.csv", "package.xlsx", "summary.pdf", "ocds.json", "manifest.json"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("zip lacks %s: %v", want, names)
		}
	}
	// The stored ZIP passes unzip's own test, like any operator's tool.
	if unzip, err := exec.LookPath("unzip"); err == nil {
		zp := filepath.Join(t.TempDir(), "p.zip")
		os.WriteFile(zp, zipBytes, 0o644)
		if out, err := exec.Command(unzip, "-t", zp).CombinedOutput(); err != nil || !strings.Contains(string(out), "No errors detected") {
			t.Fatalf("unzip -t: %v\n%s", err, out)
		}
	} else {
		t.Fatal("unzip is missing: scripts/install-deps.sh test installs it")
	}
	// Caching and ranges.
	resp, _ = e.do("GET", zipURL, nil, op, withHeader("If-None-Match", `"`+v1.ZIPSHA256+`"`))
	if resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", resp.StatusCode)
	}
	// Asked for gzip, the stored bytes still come as stored (their ETag is their hash).
	if resp, csvGz := e.do("GET", "/api/v1/packages/"+id+"/versions/1/files/points.csv", nil, op, withHeader("Accept-Encoding", "gzip")); resp.StatusCode != 200 ||
		resp.Header.Get("Content-Encoding") != "" || !bytes.HasPrefix(csvGz, []byte("\xef\xbb\xbf")) {
		t.Fatalf("points.csv with Accept-Encoding gzip: %d %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	resp, part := e.do("GET", zipURL, nil, op, withHeader("Range", "bytes=10-109"))
	if resp.StatusCode != 206 || !bytes.Equal(part, zipBytes[10:110]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 10-109/%d", len(zipBytes)) {
		t.Fatalf("range: %d %q", resp.StatusCode, resp.Header.Get("Content-Range"))
	}
	if resp, _ := e.do("GET", zipURL, nil, op, withHeader("Range", fmt.Sprintf("bytes=%d-", len(zipBytes)+10))); resp.StatusCode != 416 {
		t.Fatalf("unsatisfiable range: %d", resp.StatusCode)
	}
	// Each file alone, the same bytes as in the manifest.
	resp, csvBytes := e.do("GET", "/api/v1/packages/"+id+"/versions/latest/files/points.csv", nil, op)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(csvBytes, []byte("\xef\xbb\xbf")) {
		t.Fatalf("points.csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := e.do("GET", "/api/v1/packages/"+id+"/versions/1/files/secret.txt", nil, op); resp.StatusCode != 404 {
		t.Fatalf("unknown file: %d", resp.StatusCode)
	}

	// A change after publication is a new version with a change note.
	if resp, out := e.do("DELETE", "/api/v1/packages/"+id+"/areas/"+itoa(moved), nil, rev); resp.StatusCode != 200 {
		t.Fatalf("drop area: %d %s", resp.StatusCode, out)
	}
	resp, out = e.do("POST", "/api/v1/packages/"+id+"/publish", map[string]any{}, rev)
	if resp.StatusCode != 422 || !strings.Contains(string(out), "change_note") {
		t.Fatalf("v2 without note: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/packages/"+id+"/publish", map[string]any{"change_note": "Bỏ một vùng đã có trạm."}, rev); resp.StatusCode != 201 {
		t.Fatalf("v2: %d %s", resp.StatusCode, out)
	}
	// Version 1 stays downloadable, byte for byte.
	if resp, again := e.do("GET", zipURL, nil, op); resp.StatusCode != 200 || !bytes.Equal(again, zipBytes) {
		t.Fatalf("v1 after v2: %d", resp.StatusCode)
	}
	resp, out = e.do("GET", "/api/v1/packages/"+id, nil, op)
	json.Unmarshal(out, &d)
	if resp.StatusCode != 200 || d.Versions[0].Version != 2 || *d.PublishedVersion != 2 || len(d.Areas) != d.Totals.Areas {
		t.Fatalf("operator detail after v2: %d %s", resp.StatusCode, out)
	}

	// Reviewers see who downloaded what.
	resp, out = e.do("GET", "/api/v1/packages/"+id+"/downloads", nil, rev)
	var dl struct {
		Downloads []struct {
			Name     string  `json:"name"`
			Operator *string `json:"operator"`
			Ranged   bool    `json:"ranged"`
			Version  int     `json:"version"`
		} `json:"downloads"`
	}
	json.Unmarshal(out, &dl)
	if resp.StatusCode != 200 || len(dl.Downloads) != 5 || dl.Downloads[0].Operator == nil || *dl.Downloads[0].Operator != "viettel" {
		t.Fatalf("downloads: %d %s", resp.StatusCode, out)
	}

	// Published versions are immutable, even for the table's owner.
	if _, err := e.pool.Exec(t.Context(), `UPDATE package_files SET data = 'x' WHERE package_id = $1`, first.ID); err == nil {
		t.Fatal("a published file was changed")
	}

	// Withdrawal: operators still see the package and the reason, but no files.
	if resp, _ := e.do("POST", "/api/v1/packages/"+id+"/withdraw", map[string]any{"reason": ""}, rev); resp.StatusCode != 422 {
		t.Fatalf("withdraw without reason: %d", resp.StatusCode)
	}
	if resp, out := e.do("POST", "/api/v1/packages/"+id+"/withdraw", map[string]any{"reason": "Vùng đã được phủ sóng bằng vốn doanh nghiệp."}, rev); resp.StatusCode != 200 {
		t.Fatalf("withdraw: %d %s", resp.StatusCode, out)
	}
	resp, out = e.do("GET", zipURL, nil, op)
	if resp.StatusCode != 410 {
		t.Fatalf("withdrawn zip: %d %s", resp.StatusCode, out)
	}
	if _, out := e.do("GET", "/api/v1/packages", nil, op); !strings.Contains(string(out), "vốn doanh nghiệp") {
		t.Fatalf("operator does not see the withdrawal reason: %s", out)
	}
	if resp, _ := e.do("PATCH", "/api/v1/packages/"+id, map[string]any{"name": "x"}, rev); resp.StatusCode != 409 {
		t.Fatalf("editing a withdrawn package: %d", resp.StatusCode)
	}
	// Its areas are free again.
	if n := e.count(`SELECT count(*) FROM package_areas WHERE package_id = $1`, first.ID); n != 0 {
		t.Fatalf("withdrawn package keeps %d areas", n)
	}

	for action, want := range map[string]int{"package.create": len(created.Packages), "package.update": 1, "package.area_add": 1,
		// area_drop: the move out of the second package, then the drop.
		"package.area_drop": 2, "package.publish": 2, "package.withdraw": 1, "package_rule.create": 1} {
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = $1`, action); n != want {
			t.Errorf("audit %s: %d rows, want %d", action, n, want)
		}
	}
}

// TestPackagesEligibility: the default rule leaves out areas without ĐBKK
// villages or grid power, each with its reason.
func TestPackagesEligibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	resp, out := e.do("POST", "/api/v1/packages/preview", nil, rev)
	var pv struct {
		Packages []struct{ Areas []struct{ DBKK, Grid int } } `json:"packages"`
		Excluded []struct {
			Code      string `json:"code"`
			MessageVI string `json:"message_vi"`
		} `json:"excluded"`
	}
	json.Unmarshal(out, &pv)
	if resp.StatusCode != 200 {
		t.Fatalf("preview: %d %s", resp.StatusCode, out)
	}
	for _, p := range pv.Packages {
		for _, a := range p.Areas {
			if a.DBKK == 0 || a.Grid == 0 {
				t.Errorf("ineligible area packaged: %+v", a)
			}
		}
	}
	notDBKK := e.count(`SELECT count(*) FROM areas WHERE status = 'active' AND (summary->>'dbkk')::int = 0`)
	got := 0
	for _, x := range pv.Excluded {
		if x.Code == "not_dbkk" {
			got++
		}
		if x.MessageVI == "" {
			t.Errorf("exclusion without a reason: %+v", x)
		}
	}
	if got != notDBKK {
		t.Fatalf("not_dbkk exclusions: %d, want %d", got, notDBKK)
	}
}

// publishPackage takes a draft, or builds drafts of every area of province
// 12 (no eligibility checks) when there is none, sets what publication
// needs on the first and publishes it; it returns the package id.
func (e *env) publishPackage(t *testing.T) int64 {
	t.Helper()
	rev := withToken(e.tokens[phusong.RoleReviewer])
	var created struct{ Packages []pkgSummary }
	_, out := e.do("GET", "/api/v1/packages?status=draft", nil, rev)
	json.Unmarshal(out, &created)
	if len(created.Packages) == 0 {
		resp, out := e.do("POST", "/api/v1/packages", map[string]any{"rule": map[string]any{"mode": "province", "province": "12"}}, rev)
		json.Unmarshal(out, &created)
		if resp.StatusCode != 201 || len(created.Packages) == 0 {
			t.Fatalf("create drafts: %d %s", resp.StatusCode, out)
		}
	}
	id := created.Packages[0].ID
	if resp, out := e.do("PATCH", "/api/v1/packages/"+itoa(id), map[string]any{"deadline": time.Now().Add(30 * 24 * time.Hour), "ceiling_vnd": 9_000_000_000}, rev); resp.StatusCode != 200 {
		t.Fatalf("patch: %d %s", resp.StatusCode, out)
	}
	if resp, out := e.do("POST", "/api/v1/packages/"+itoa(id)+"/publish", nil, rev); resp.StatusCode != 201 {
		t.Fatalf("publish: %d %s", resp.StatusCode, out)
	}
	return id
}

// TestPackagesAreaInTwoPublished: moving an area out of a published
// package into another package's working copy is allowed (and says where
// the area is still published), but publishing that other package is
// refused while the first package's latest version holds the area; once
// the first is republished without it, the second is published, and
// operators see the area in one package only.
func TestPackagesAreaInTwoPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	op := withToken(e.tokens[phusong.RoleOperator])
	rule := map[string]any{"mode": "cap", "cap_kind": "sites", "cap": 3, "require_dbkk": false, "require_grid": false}
	resp, out := e.do("POST", "/api/v1/packages", map[string]any{"rule": rule}, rev)
	var created struct{ Packages []pkgSummary }
	json.Unmarshal(out, &created)
	if resp.StatusCode != 201 || len(created.Packages) < 2 {
		t.Fatalf("create drafts: %d %s", resp.StatusCode, out)
	}
	// The holder keeps an area after giving one away, so it can be
	// republished; the taker is any other package.
	holder := created.Packages[0]
	for _, p := range created.Packages {
		if p.Totals.Areas > holder.Totals.Areas {
			holder = p
		}
	}
	if holder.Totals.Areas < 2 {
		t.Fatalf("no draft has two areas: %+v", created.Packages)
	}
	taker := created.Packages[0]
	if taker.ID == holder.ID {
		taker = created.Packages[1]
	}
	deadline := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	for _, id := range []int64{holder.ID, taker.ID} {
		if resp, out := e.do("PATCH", "/api/v1/packages/"+itoa(id), map[string]any{"deadline": deadline, "ceiling_vnd": 9_000_000_000}, rev); resp.StatusCode != 200 {
			t.Fatalf("patch %d: %d %s", id, resp.StatusCode, out)
		}
	}
	publish := func(id int64, note string) (*http.Response, []byte) {
		return e.do("POST", "/api/v1/packages/"+itoa(id)+"/publish", map[string]any{"change_note": note}, rev)
	}
	if resp, out := publish(holder.ID, ""); resp.StatusCode != 201 {
		t.Fatalf("publish holder: %d %s", resp.StatusCode, out)
	}
	var hd pkgDetail
	_, out = e.do("GET", "/api/v1/packages/"+itoa(holder.ID), nil, rev)
	json.Unmarshal(out, &hd)
	moved := hd.Areas[0].ID

	// The move succeeds and says where the area is still published.
	resp, out = e.do("POST", "/api/v1/packages/"+itoa(taker.ID)+"/areas", map[string]any{"area_id": moved}, rev)
	var td struct {
		Areas []struct {
			ID                 int64 `json:"id"`
			PublishedElsewhere *struct {
				PackageID int64 `json:"package_id"`
				Version   int   `json:"version"`
			} `json:"published_elsewhere"`
		} `json:"areas"`
	}
	json.Unmarshal(out, &td)
	if resp.StatusCode != 200 {
		t.Fatalf("move area: %d %s", resp.StatusCode, out)
	}
	for _, a := range td.Areas {
		switch h := a.PublishedElsewhere; {
		case a.ID == moved && (h == nil || h.PackageID != holder.ID || h.Version != 1):
			t.Fatalf("moved area %d: published_elsewhere %+v, want package %d version 1", a.ID, h, holder.ID)
		case a.ID != moved && h != nil:
			t.Fatalf("area %d: published_elsewhere %+v, want none", a.ID, h)
		}
	}

	// Publishing the taker is refused, naming the area and the holder.
	resp, out = publish(taker.ID, "")
	if resp.StatusCode != 422 {
		t.Fatalf("publish taker while the holder has the area: %d %s", resp.StatusCode, out)
	}
	var found bool
	for _, p := range decodeErr(t, out).Error.Details {
		if p.Code == "area_in_published_package" {
			found = true
			if p.Column != "areas" || p.Value != itoa(moved) || !strings.Contains(p.VI, "gói thầu số "+itoa(holder.ID)) ||
				!strings.Contains(p.EN, "withdraw package "+itoa(holder.ID)) {
				t.Fatalf("problem: %+v", p)
			}
		}
	}
	if !found {
		t.Fatalf("no area_in_published_package problem: %s", out)
	}

	// The other order: the holder republished without the area first.
	if resp, out := publish(holder.ID, "Chuyển một vùng sang gói khác."); resp.StatusCode != 201 {
		t.Fatalf("republish holder: %d %s", resp.StatusCode, out)
	}
	if resp, out := publish(taker.ID, ""); resp.StatusCode != 201 {
		t.Fatalf("publish taker after the holder let go: %d %s", resp.StatusCode, out)
	}
	var items struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	resp, out = e.do("GET", "/ogc/collections/packages/items?limit=1000", nil, op)
	json.Unmarshal(out, &items)
	n := 0
	for _, f := range items.Features {
		if f.Properties["area_id"] == float64(moved) {
			n++
		}
	}
	if resp.StatusCode != 200 || n != 1 {
		t.Fatalf("operators see area %d in %d published packages, want 1: %d %s", moved, n, resp.StatusCode, out)
	}
}

// TestPackagesRuleRequest: a rule naming an unknown province, or a body
// naming neither a rule nor a saved one, is refused with what to fix
// instead of previewing nothing or answering that no package was made.
func TestPackagesRuleRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	tests := []struct {
		name, path string
		body       any
		status     int
		problems   map[string]string // column → code
	}{
		{"unknown province, preview", "/api/v1/packages/preview", map[string]any{"rule": map[string]any{"mode": "province", "province": "99"}},
			422, map[string]string{"province": "province_unknown"}},
		{"unknown province, drafts", "/api/v1/packages", map[string]any{"rule": map[string]any{"mode": "province", "province": "99"}},
			422, map[string]string{"province": "province_unknown"}},
		{"unknown province, saved rule", "/api/v1/package-rules", map[string]any{"name": "Tỉnh 99", "rule": map[string]any{"mode": "province", "province": "99"}},
			422, map[string]string{"province": "province_unknown"}},
		{"unknown province and bad mode", "/api/v1/packages/preview", map[string]any{"rule": map[string]any{"mode": "x", "province": "99"}},
			422, map[string]string{"province": "province_unknown", "mode": "bad_mode"}},
		{"malformed province said once", "/api/v1/packages/preview", map[string]any{"rule": map[string]any{"mode": "province", "province": "9x"}},
			422, map[string]string{"province": "bad_province"}},
		{"neither rule nor rule_id, preview", "/api/v1/packages/preview", map[string]any{}, 422, map[string]string{"rule": "required"}},
		{"neither rule nor rule_id, drafts", "/api/v1/packages", map[string]any{}, 422, map[string]string{"rule": "required"}},
		{"known province", "/api/v1/packages/preview", map[string]any{"rule": map[string]any{"mode": "province", "province": "12"}}, 200, nil},
		{"empty body: the default rule", "/api/v1/packages/preview", nil, 200, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do("POST", tc.path, tc.body, rev)
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d: %s", resp.StatusCode, tc.status, out)
			}
			if tc.problems == nil {
				return
			}
			got := map[string]string{}
			for _, p := range decodeErr(t, out).Error.Details {
				if _, dup := got[p.Column]; dup {
					t.Errorf("two problems on %s: %s", p.Column, out)
				}
				got[p.Column] = p.Code
				if p.VI == "" || p.EN == "" {
					t.Errorf("problem without vi/en message: %+v", p)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.problems) {
				t.Fatalf("problems %v, want %v: %s", got, tc.problems, out)
			}
		})
	}
	if n := e.count(`SELECT count(*) FROM packages`) + e.count(`SELECT count(*) FROM package_rules`); n != 0 {
		t.Fatalf("refused requests stored %d rows", n)
	}
}
