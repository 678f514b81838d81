package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong"
)

func testFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../geo/intake/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upload posts a file as multipart form data.
func (e *env) upload(path, filename string, content []byte, opts ...reqOpt) (*http.Response, []byte) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for _, o := range opts {
		o(req)
	}
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.Bytes()
}

// submitValid uploads testdata's valid_utf8.csv (3 villages of Lai Châu)
// as opt and returns the stored submission.
func (e *env) submitValid(t *testing.T, opt reqOpt) subResp {
	t.Helper()
	resp, out := e.upload("/api/v1/submissions", "lc.csv", testFile(t, "valid_utf8.csv"), opt)
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	var sub subResp
	if err := json.Unmarshal(out, &sub); err != nil {
		t.Fatalf("upload: %v: %s", err, out)
	}
	return sub
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

type subResp struct {
	ID       int64             `json:"id"`
	Status   string            `json:"status"`
	Rows     int               `json:"rows"`
	Inserted int               `json:"inserted"`
	Updated  int               `json:"updated"`
	Problems []phusong.Problem `json:"problems"`
	Summary  []struct {
		Code  string `json:"code"`
		Count int    `json:"count"`
	} `json:"summary"`
}

// TestSubmitReviewFlow: a province officer uploads a valid file (stored,
// audited), a reviewer returns it with a comment, the officer sees the
// comment; a resubmission with the same ref_ids updates, never duplicates.
func TestSubmitReviewFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	resp, out := e.upload("/api/v1/submissions", "khao-sat.csv", testFile(t, "valid_utf8.csv"), prov, withHeader("Idempotency-Key", "k1"))
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	var sub subResp
	json.Unmarshal(out, &sub)
	stored := e.count(`SELECT count(*) FROM survey_points WHERE submission_id = $1`, sub.ID)
	if sub.Status != "submitted" || sub.Inserted == 0 || stored != sub.Inserted || sub.Rows != sub.Inserted {
		t.Fatalf("got %+v with %d stored", sub, stored)
	}
	// Same Idempotency-Key: the first result, nothing stored twice.
	resp, out = e.upload("/api/v1/submissions", "khao-sat.csv", testFile(t, "valid_utf8.csv"), prov, withHeader("Idempotency-Key", "k1"))
	var again subResp
	json.Unmarshal(out, &again)
	if resp.StatusCode != 201 || again.ID != sub.ID || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM submissions`); n != 1 {
		t.Fatalf("submissions after replay: %d, want 1", n)
	}
	// Without the key, the same ref_ids update the stored points.
	resp, out = e.upload("/api/v1/submissions", "khao-sat.csv", testFile(t, "valid_utf8.csv"), prov)
	var upd subResp
	json.Unmarshal(out, &upd)
	if resp.StatusCode != 201 || upd.Updated != sub.Inserted || upd.Inserted != 0 {
		t.Fatalf("resubmission: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM survey_points`); n != stored {
		t.Fatalf("points after resubmission: %d, want %d", n, stored)
	}

	rev := withToken(e.tokens[phusong.RoleReviewer])
	id := itoa(upd.ID)
	resp, out = e.do("POST", "/api/v1/submissions/"+id+"/decision", map[string]string{"status": "returned"}, rev)
	if resp.StatusCode != 422 {
		t.Fatalf("return without comment: %d %s, want 422", resp.StatusCode, out)
	}
	resp, out = e.do("POST", "/api/v1/submissions/"+id+"/decision", map[string]string{"status": "returned", "comment": "Thiếu tọa độ chính xác của bản Nậm Củm"}, rev)
	if resp.StatusCode != 200 {
		t.Fatalf("return: %d %s", resp.StatusCode, out)
	}
	resp, out = e.do("GET", "/api/v1/submissions/"+id, nil, prov)
	if resp.StatusCode != 200 || !strings.Contains(string(out), "Thiếu tọa độ") || !strings.Contains(string(out), `"returned"`) {
		t.Fatalf("officer's view: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM survey_points WHERE status = 'returned'`); n != stored {
		t.Fatalf("returned points: %d, want %d", n, stored)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('submission.create', 'submission.return')`); n != 3 {
		t.Fatalf("audit rows: %d, want 3", n)
	}
	// A province officer cannot decide.
	resp, _ = e.do("POST", "/api/v1/submissions/"+id+"/decision", map[string]string{"status": "accepted"}, prov)
	if resp.StatusCode != 403 {
		t.Fatalf("officer deciding: %d, want 403", resp.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRejectedStoresNothing: invalid rows reject the whole file (422,
// nothing stored), the problems are kept and downloadable as CSV;
// mode=valid_only stores the valid rows.
func TestRejectedStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	resp, out := e.upload("/api/v1/submissions", "loi.csv", testFile(t, "invalid_rows.csv"), prov)
	if resp.StatusCode != 422 {
		t.Fatalf("got %d %s, want 422", resp.StatusCode, out)
	}
	var body struct {
		Error struct {
			Code    string            `json:"code"`
			Details []phusong.Problem `json:"details"`
		} `json:"error"`
		Submission subResp `json:"submission"`
	}
	json.Unmarshal(out, &body)
	if body.Error.Code != "submission_invalid" || len(body.Error.Details) == 0 || body.Submission.Status != "rejected" {
		t.Fatalf("body: %s", out)
	}
	for _, p := range body.Error.Details {
		if p.Row == 0 && p.Code != "column_unknown" || p.VI == "" || p.EN == "" {
			t.Errorf("a problem without row or texts: %+v", p)
		}
	}
	if n := e.count(`SELECT count(*) FROM survey_points`); n != 0 {
		t.Fatalf("a rejected file stored %d points", n)
	}
	resp, csvOut := e.do("GET", "/api/v1/submissions/"+itoa(body.Submission.ID)+"/problems.csv", nil, prov)
	if resp.StatusCode != 200 || !bytes.HasPrefix(csvOut, []byte("\xEF\xBB\xBF")) || !strings.Contains(string(csvOut), "message_vi") {
		t.Fatalf("problems.csv: %d %.200s", resp.StatusCode, csvOut)
	}
	resp, out = e.upload("/api/v1/submissions?mode=valid_only", "loi.csv", testFile(t, "invalid_rows.csv"), prov)
	var partial subResp
	json.Unmarshal(out, &partial)
	if resp.StatusCode != 201 || partial.Inserted == 0 || partial.Inserted >= partial.Rows {
		t.Fatalf("valid_only: %d %s", resp.StatusCode, out)
	}
}

// TestBadFilesGet4xx: unreadable files get a 4xx with the one error shape
// and leave nothing behind.
func TestBadFilesGet4xx(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	for _, name := range []string{"empty.csv", "header_only.csv", "garbage.bin", "image_renamed.csv", "unclosed_quote.csv", "utf32.csv", "not_feature_collection.json", "array.json", "not_a_zip.xlsx", "old_excel.xls"} {
		t.Run(name, func(t *testing.T) {
			resp, out := e.upload("/api/v1/submissions", name, testFile(t, name), prov)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Fatalf("got %d %s, want 4xx", resp.StatusCode, out)
			}
			decodeErr(t, out)
		})
	}
	if n := e.count(`SELECT count(*) FROM survey_points`); n != 0 {
		t.Fatalf("bad files stored %d points", n)
	}
}

// TestProvinceIsolation: an officer cannot submit for, read or list
// another province's submissions; they look absent, not forbidden.
func TestProvinceIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	// A reviewer submits Lai Châu's file on its behalf; then the officer of
	// another province must not see it.
	resp, out := e.upload("/api/v1/submissions?province=12", "lc.csv", testFile(t, "valid_utf8.csv"), rev)
	if resp.StatusCode != 201 {
		t.Fatalf("reviewer upload: %d %s", resp.StatusCode, out)
	}
	var sub subResp
	json.Unmarshal(out, &sub)
	other := e.province(t, "08")
	for _, p := range []string{"/api/v1/submissions/" + itoa(sub.ID), "/api/v1/submissions/" + itoa(sub.ID) + "/problems.csv"} {
		if resp, out := e.do("GET", p, nil, other); resp.StatusCode != 404 {
			t.Fatalf("other province GET %s: %d %s, want 404", p, resp.StatusCode, out)
		}
	}
	if _, out := e.do("GET", "/api/v1/submissions", nil, other); strings.Contains(string(out), `"province_code":"12"`) {
		t.Fatalf("other province lists Lai Châu's submissions: %s", out)
	}
	if resp, _ := e.upload("/api/v1/submissions", "lc.csv", testFile(t, "valid_utf8.csv"), other); resp.StatusCode != 422 {
		t.Fatalf("Tuyên Quang officer uploading Lai Châu rows: %d, want 422", resp.StatusCode)
	}
	if resp, _ := e.upload("/api/v1/submissions?province=12", "lc.csv", testFile(t, "valid_utf8.csv"), other); resp.StatusCode != 403 {
		t.Fatalf("Tuyên Quang officer submitting for 12: %d, want 403", resp.StatusCode)
	}
	if n := e.count(`SELECT count(*) FROM survey_points WHERE province_code <> '12'`); n != 0 {
		t.Fatalf("%d points stored outside Lai Châu", n)
	}
}

// TestTemplateDownload: the Excel template opens, has the instructions
// sheet, and the province's communes.
func TestTemplateDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, out := e.do("GET", "/api/v1/submissions/template.xlsx", nil, withToken(e.tokens[phusong.RoleProvince]))
	if resp.StatusCode != 200 {
		t.Fatalf("template: %d %.300s", resp.StatusCode, out)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.GetSheetList()) < 2 {
		t.Fatalf("sheets: %v", f.GetSheetList())
	}
	// Sent back unchanged, the template stores nothing: its example row is
	// refused (QA: "Thôn Nậm Cười" was stored and later published).
	resp, out = e.upload("/api/v1/submissions", "mau.xlsx", out, withToken(e.tokens[phusong.RoleProvince]))
	if resp.StatusCode != 422 || !strings.Contains(string(out), `"code":"template_example_row"`) {
		t.Fatalf("unchanged template uploaded: %d %.400s, want 422 with template_example_row", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM survey_points`); n != 0 {
		t.Fatalf("the unchanged template stored %d points", n)
	}
	if resp, out := e.do("GET", "/guide", nil); resp.StatusCode != 200 || !strings.Contains(string(out), "province_code") {
		t.Fatalf("guide: %d", resp.StatusCode)
	}
}

// TestPointsAndPointDecision: points come as GeoJSON scoped to the
// caller's province; a reviewer accepts a selection of them.
func TestPointsAndPointDecision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	if resp, out := e.upload("/api/v1/submissions", "lc.csv", testFile(t, "valid_utf8.csv"), prov); resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID       int64 `json:"id"`
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				ProvinceCode string `json:"province_code"`
				Status       string `json:"status"`
			} `json:"properties"`
		} `json:"features"`
	}
	resp, out := e.do("GET", "/api/v1/points?bbox=102,21,104,23", nil, prov)
	json.Unmarshal(out, &fc)
	if resp.StatusCode != 200 || fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("points: %d %.300s", resp.StatusCode, out)
	}
	for _, f := range fc.Features {
		if f.Properties.ProvinceCode != "12" || f.Geometry.Coordinates[0] < 100 {
			t.Fatalf("feature %+v: want Lai Châu, lon first", f)
		}
	}
	other := e.province(t, "08")
	if _, out := e.do("GET", "/api/v1/points", nil, other); strings.Contains(string(out), `"province_code":"12"`) {
		t.Fatalf("another province sees Lai Châu's points")
	}
	if resp, _ := e.do("GET", "/api/v1/points?bbox=1,2,3", nil, prov); resp.StatusCode != 400 {
		t.Fatalf("bad bbox: %d, want 400", resp.StatusCode)
	}
	ids := []int64{fc.Features[0].ID}
	rev := withToken(e.tokens[phusong.RoleReviewer])
	if resp, out := e.do("POST", "/api/v1/points/decision", map[string]any{"point_ids": ids, "status": "accepted"}, rev); resp.StatusCode != 200 {
		t.Fatalf("decision: %d %s", resp.StatusCode, out)
	}
	if n := e.count(`SELECT count(*) FROM survey_points WHERE status = 'accepted'`); n != 1 {
		t.Fatalf("accepted points: %d, want 1", n)
	}
	if resp, _ := e.do("POST", "/api/v1/points/decision", map[string]any{"point_ids": []int64{999999}, "status": "accepted"}, rev); resp.StatusCode != 404 {
		t.Fatalf("unknown point: %d, want 404", resp.StatusCode)
	}
}

// TestRedecideSubmission: deciding a submission again with its own status is
// refused (409) and leaves the decisions on single points alone; a change of
// status applies to every point. QA: accept, return one point, accept again
// → the point was accepted again with its comment gone and a second audit row.
func TestRedecideSubmission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	rev := withToken(e.tokens[phusong.RoleReviewer])
	sub := e.submitValid(t, prov)
	id := itoa(sub.ID)
	var point int64
	if err := e.pool.QueryRow(context.Background(), `SELECT min(id) FROM survey_points WHERE submission_id = $1`, sub.ID).Scan(&point); err != nil {
		t.Fatal(err)
	}
	accept := map[string]string{"status": "accepted"}
	giveBack := map[string]string{"status": "returned", "comment": "Sai tọa độ"}
	steps := []struct {
		name       string
		path       string
		body       any
		wantStatus int
		wantCode   string
		// after the step: points of the submission by status, and audit rows of submission decisions
		accepted, returned, audits int
	}{
		{"accept", "/api/v1/submissions/" + id + "/decision", accept, 200, "", sub.Inserted, 0, 1},
		{"return one point", "/api/v1/points/decision", map[string]any{"point_ids": []int64{point}, "status": "returned", "comment": "Thôn này đã có sóng"}, 200, "", sub.Inserted - 1, 1, 1},
		{"accept again", "/api/v1/submissions/" + id + "/decision", accept, 409, "submission_already_decided", sub.Inserted - 1, 1, 1},
		{"return the submission", "/api/v1/submissions/" + id + "/decision", giveBack, 200, "", 0, sub.Inserted, 2},
		{"return again", "/api/v1/submissions/" + id + "/decision", giveBack, 409, "submission_already_decided", 0, sub.Inserted, 2},
		{"accept after return", "/api/v1/submissions/" + id + "/decision", accept, 200, "", sub.Inserted, 0, 3},
	}
	for _, s := range steps {
		resp, out := e.do("POST", s.path, s.body, rev)
		if resp.StatusCode != s.wantStatus {
			t.Fatalf("%s: got %d %s, want %d", s.name, resp.StatusCode, out, s.wantStatus)
		}
		if s.wantCode != "" {
			if got := decodeErr(t, out).Error.Code; got != s.wantCode {
				t.Fatalf("%s: code %q, want %q", s.name, got, s.wantCode)
			}
		}
		acc := e.count(`SELECT count(*) FROM survey_points WHERE submission_id = $1 AND status = 'accepted'`, sub.ID)
		ret := e.count(`SELECT count(*) FROM survey_points WHERE submission_id = $1 AND status = 'returned'`, sub.ID)
		aud := e.count(`SELECT count(*) FROM audit_log WHERE object_type = 'submission' AND object_id = $1 AND action IN ('submission.accept', 'submission.return')`, id)
		if acc != s.accepted || ret != s.returned || aud != s.audits {
			t.Fatalf("%s: %d accepted, %d returned, %d audit rows; want %d, %d, %d", s.name, acc, ret, aud, s.accepted, s.returned, s.audits)
		}
		if s.name == "accept again" {
			var comment string
			e.pool.QueryRow(context.Background(), `SELECT review_comment FROM survey_points WHERE id = $1`, point).Scan(&comment)
			if comment != "Thôn này đã có sóng" {
				t.Fatalf("the returned point's comment after a refused re-decision: %q", comment)
			}
		}
	}
}

// TestIdempotencyKeyFingerprint: a repeated Idempotency-Key replays the
// first answer only for the same file and parameters; another file under a
// used key is refused (422 idempotency_key_reused) and stores nothing. QA: a
// second file under a used key answered 201 with the first submission, and a
// corrected file after a 422 got the old 422 back.
func TestIdempotencyKeyFingerprint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	good, other, bad := testFile(t, "valid_utf8.csv"), testFile(t, "valid_bom_vi_headers.csv"), testFile(t, "invalid_rows.csv")
	steps := []struct {
		name, path, key string
		file            []byte
		wantStatus      int
		wantCode        string // error code, "" for a 201
		sameAs          int    // index of the step whose submission is replayed; -1 for a new one
	}{
		{"first upload", "/api/v1/submissions", "qa-key-1", good, 201, "", -1},
		{"same file, same key", "/api/v1/submissions", "qa-key-1", good, 201, "", 0},
		{"another file, same key", "/api/v1/submissions", "qa-key-1", other, 422, "idempotency_key_reused", -1},
		{"same file, another mode", "/api/v1/submissions?mode=valid_only", "qa-key-1", good, 422, "idempotency_key_reused", -1},
		{"invalid file", "/api/v1/submissions", "qa-key-2", bad, 422, "submission_invalid", -1},
		{"invalid file again", "/api/v1/submissions", "qa-key-2", bad, 422, "submission_invalid", 4},
		{"corrected file, same key", "/api/v1/submissions", "qa-key-2", other, 422, "idempotency_key_reused", -1},
		{"corrected file, new key", "/api/v1/submissions", "qa-key-3", other, 201, "", -1},
	}
	ids := make([]int64, len(steps))
	for i, s := range steps {
		before := e.count(`SELECT count(*) FROM submissions`)
		resp, out := e.upload(s.path, "khao-sat.csv", s.file, prov, withHeader("Idempotency-Key", s.key))
		if resp.StatusCode != s.wantStatus {
			t.Fatalf("%s: got %d %s, want %d", s.name, resp.StatusCode, out, s.wantStatus)
		}
		var body struct {
			subResp
			Error      *struct{ Code string } `json:"error"`
			Submission *subResp               `json:"submission"`
		}
		json.Unmarshal(out, &body)
		ids[i] = body.ID
		if body.Submission != nil {
			ids[i] = body.Submission.ID
		}
		if s.wantCode != "" && (body.Error == nil || body.Error.Code != s.wantCode) {
			t.Fatalf("%s: body %s, want error %s", s.name, out, s.wantCode)
		}
		after := e.count(`SELECT count(*) FROM submissions`)
		switch {
		case s.sameAs >= 0 && (ids[i] != ids[s.sameAs] || resp.Header.Get("Idempotent-Replayed") != "true" || after != before):
			t.Fatalf("%s: submission %d (replayed %q, %d → %d stored), want the replay of %d", s.name, ids[i],
				resp.Header.Get("Idempotent-Replayed"), before, after, ids[s.sameAs])
		case s.wantCode == "idempotency_key_reused":
			if after != before {
				t.Fatalf("%s: %d submissions stored, want none", s.name, after-before)
			}
			decodeErr(t, out) // bilingual
		case s.sameAs < 0 && after != before+1:
			t.Fatalf("%s: %d submissions stored, want one", s.name, after-before)
		}
	}
}

// TestSupersededSubmission: the same file sent twice without an
// Idempotency-Key. The second takes over every point, so the first leaves
// the review queue as superseded (listed under status=superseded, naming
// the second) and deciding it answers 409 submission_empty, changing
// nothing. QA: the first stayed in the queue as "3 points" and accepting
// it answered 200 while its former points stayed submitted.
func TestSupersededSubmission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := withToken(e.tokens[phusong.RoleProvince])
	rev := withToken(e.tokens[phusong.RoleReviewer])
	first := e.submitValid(t, prov)
	second := e.submitValid(t, prov)
	if second.Updated != first.Inserted {
		t.Fatalf("second upload: %+v, want %d updated", second, first.Inserted)
	}

	type listed struct {
		ID           int64  `json:"id"`
		Status       string `json:"status"`
		PointsNow    *int   `json:"points_now"`
		SupersededBy *int64 `json:"superseded_by"`
	}
	list := func(query string) []listed {
		t.Helper()
		resp, out := e.do("GET", "/api/v1/submissions"+query, nil, rev)
		if resp.StatusCode != 200 {
			t.Fatalf("list %s: %d %s", query, resp.StatusCode, out)
		}
		var body struct{ Submissions []listed }
		if err := json.Unmarshal(out, &body); err != nil {
			t.Fatal(err)
		}
		return body.Submissions
	}
	if q := list("?status=submitted"); len(q) != 1 || q[0].ID != second.ID || q[0].PointsNow == nil || *q[0].PointsNow != first.Inserted {
		t.Fatalf("review queue: got %+v, want only %d with %d points now", q, second.ID, first.Inserted)
	}
	s := list("?status=superseded")
	if len(s) != 1 || s[0].ID != first.ID || s[0].PointsNow == nil || *s[0].PointsNow != 0 || s[0].SupersededBy == nil || *s[0].SupersededBy != second.ID {
		t.Fatalf("superseded: got %+v, want %d with 0 points now, superseded by %d", s, first.ID, second.ID)
	}
	if resp, out := e.do("GET", "/api/v1/submissions?status=gone", nil, rev); resp.StatusCode != 400 && resp.StatusCode != 422 {
		t.Fatalf("unknown status: %d %s, want refused", resp.StatusCode, out)
	}

	resp, out := e.do("POST", "/api/v1/submissions/"+itoa(first.ID)+"/decision", map[string]string{"status": "accepted"}, rev)
	if resp.StatusCode != 409 {
		t.Fatalf("deciding the superseded one: %d %s, want 409", resp.StatusCode, out)
	}
	if er := decodeErr(t, out); er.Error.Code != "submission_empty" || !strings.Contains(er.Error.MessageEN, "submission "+itoa(second.ID)) ||
		!strings.Contains(er.Error.MessageVI, "lượt nộp số "+itoa(second.ID)) {
		t.Fatalf("deciding the superseded one: %s, want submission_empty naming %d", out, second.ID)
	}
	if n := e.count(`SELECT count(*) FROM survey_points WHERE status <> 'submitted'`); n != 0 {
		t.Fatalf("%d points decided by a refused decision", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'submission.accept'`); n != 0 {
		t.Fatalf("%d accept audit rows after a refused decision", n)
	}
	resp, out = e.do("POST", "/api/v1/submissions/"+itoa(second.ID)+"/decision", map[string]string{"status": "accepted"}, rev)
	if resp.StatusCode != 200 || e.count(`SELECT count(*) FROM survey_points WHERE status = 'accepted'`) != first.Inserted {
		t.Fatalf("deciding the later one: %d %s", resp.StatusCode, out)
	}
}

// TestDecisionFrom: two reviewers look at the same waiting submission; the
// first accepts it, the second returns it "from submitted", as the page
// sends it: the second is told (409 submission_changed) instead of
// overriding the first. Without from, a change of decision still applies.
func TestDecisionFrom(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rev := withToken(e.tokens[phusong.RoleReviewer])
	sub := e.submitValid(t, withToken(e.tokens[phusong.RoleProvince]))
	path := "/api/v1/submissions/" + itoa(sub.ID) + "/decision"
	steps := []struct {
		name   string
		body   map[string]string
		status int
		code   string
		after  string
	}{
		{"bad from", map[string]string{"status": "accepted", "from": "maybe"}, 422, "invalid_decision", "submitted"},
		{"first reviewer accepts", map[string]string{"status": "accepted", "from": "submitted"}, 200, "", "accepted"},
		{"second reviewer returns what they saw waiting", map[string]string{"status": "returned", "comment": "Sai toạ độ", "from": "submitted"}, 409, "submission_changed", "accepted"},
		{"returned knowingly", map[string]string{"status": "returned", "comment": "Sai toạ độ", "from": "accepted"}, 200, "", "returned"},
		{"no from: a change still applies", map[string]string{"status": "accepted"}, 200, "", "accepted"},
	}
	for _, s := range steps {
		resp, out := e.do("POST", path, s.body, rev)
		if resp.StatusCode != s.status {
			t.Fatalf("%s: %d %s, want %d", s.name, resp.StatusCode, out, s.status)
		}
		if s.code != "" {
			got := decodeErr(t, out)
			if got.Error.Code != s.code || got.Error.MessageVI == got.Error.MessageEN {
				t.Fatalf("%s: %s, want code %s in both languages", s.name, out, s.code)
			}
		}
		var status string
		if err := e.pool.QueryRow(context.Background(), `SELECT status FROM submissions WHERE id = $1`, sub.ID).Scan(&status); err != nil || status != s.after {
			t.Fatalf("%s: submission %s (%v), want %s", s.name, status, err, s.after)
		}
	}
}
