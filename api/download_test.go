package api_test

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/phusong/phusong"
)

// TestHEAD: every GET route answers HEAD with the GET's headers and no
// body; HEAD on a package file is not recorded as a download.
func TestHEAD(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	id := itoa(e.publishPackage(t))
	op, rev := withToken(e.tokens[phusong.RoleOperator]), withToken(e.tokens[phusong.RoleReviewer])
	downloads := func() int {
		return e.count("SELECT count(*) FROM package_downloads WHERE package_id = $1", id)
	}
	tests := []struct {
		name, path string
		opts       []reqOpt
		status     int
		headers    []string // must equal the GET's
	}{
		{"package file", "/api/v1/packages/" + id + "/versions/1/files/package.zip", []reqOpt{op}, 200,
			[]string{"Content-Length", "ETag", "Accept-Ranges", "Content-Type", "Content-Disposition", "Last-Modified"}},
		{"latest file", "/api/v1/packages/" + id + "/versions/latest/files/points.csv", []reqOpt{op}, 200,
			[]string{"Content-Length", "ETag", "Accept-Ranges", "Content-Type"}},
		{"JSON", "/api/v1/auth/me", []reqOpt{rev}, 200, []string{"Content-Type", "Content-Length"}},
		{"public JSON", "/api/v1/provinces", nil, 200, []string{"Content-Type"}},
		{"login needed", "/api/v1/packages", nil, 401, []string{"Content-Type"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := downloads()
			head, body := e.do("HEAD", tc.path, nil, tc.opts...)
			if head.StatusCode != tc.status || len(body) != 0 {
				t.Fatalf("HEAD: got %d with %d body bytes, want %d and none", head.StatusCode, len(body), tc.status)
			}
			if got := downloads(); got != before {
				t.Fatalf("HEAD recorded %d downloads", got-before)
			}
			get, getBody := e.do("GET", tc.path, nil, tc.opts...)
			for _, h := range tc.headers {
				if head.Header.Get(h) == "" || head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("%s: HEAD %q, GET %q", h, head.Header.Get(h), get.Header.Get(h))
				}
			}
			if n := head.Header.Get("Content-Length"); n != "" && n != strconv.Itoa(len(getBody)) {
				t.Errorf("Content-Length %s, GET sent %d bytes", n, len(getBody))
			}
		})
	}
}

// TestPackageFileRanges: an unsatisfiable range is a 416 in the JSON
// error shape with Content-Range: bytes */SIZE; a Range header that is not
// a valid byte range is ignored (RFC 9110 §14.2): the whole file, 200.
func TestPackageFileRanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acceptedAreas(t, e)
	id := itoa(e.publishPackage(t))
	op := withToken(e.tokens[phusong.RoleOperator])
	url := "/api/v1/packages/" + id + "/versions/1/files/package.zip"
	_, whole := e.do("GET", url, nil, op)
	size := len(whole)
	tests := []struct {
		name, rng string
		status    int
		want      []byte // the body of 200 and 206
	}{
		{"satisfiable", "bytes=10-109", 206, whole[10:110]},
		{"suffix", "bytes=-10", 206, whole[size-10:]},
		{"past the end", "bytes=999999-", 416, nil},
		{"past the end, closed", fmt.Sprintf("bytes=%d-%d", size, size+5), 416, nil},
		{"not a number", "bytes=abc", 200, whole},
		{"no dash", "bytes=5", 200, whole},
		{"last before first", "bytes=9-2", 200, whole},
		{"unknown unit", "items=0-5", 200, whole},
		{"empty set", "bytes=", 200, whole},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := e.do("GET", url, nil, op, withHeader("Range", tc.rng))
			if resp.StatusCode != tc.status {
				t.Fatalf("got %d, want %d: %.200q", resp.StatusCode, tc.status, out)
			}
			if tc.status != 416 {
				if !bytes.Equal(out, tc.want) {
					t.Fatalf("body of %d bytes, want %d", len(out), len(tc.want))
				}
				return
			}
			got := decodeErr(t, out)
			if got.Error.Code != "range_not_satisfiable" || got.Error.RequestID == "" {
				t.Fatalf("got %s", out)
			}
			if cr := resp.Header.Get("Content-Range"); cr != fmt.Sprintf("bytes */%d", size) {
				t.Errorf("Content-Range %q, want bytes */%d", cr, size)
			}
			if cd := resp.Header.Get("Content-Disposition"); cd != "" {
				t.Errorf("an error body is not an attachment: Content-Disposition %q", cd)
			}
		})
	}
}
