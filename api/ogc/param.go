package ogc

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/feature"
)

// reserved are the query parameters that are not property filters.
var reserved = map[string]bool{"bbox": true, "limit": true, "offset": true, "datetime": true, "f": true, "bbox-crs": true}

// ParseItemsQuery parses the query string of /collections/{id}/items into
// a feature.Query, in one place (OGC API Features Part 1, 7.15): bbox
// (4 or 6 numbers, CRS84), limit (1…, clamped to feature.MaxLimit as the
// standard asks, default feature.DefaultLimit), offset, datetime (an
// RFC 3339 instant or date, or an interval a/b with .. or empty for an
// open end) and property=value filters. Every problem is reported, each
// with its parameter; a *phusong.InputError with code bad_query.
func ParseItemsQuery(raw string) (feature.Query, error) {
	q := feature.Query{Limit: feature.DefaultLimit}
	vals, err := url.ParseQuery(raw)
	var probs []phusong.Problem
	if err != nil {
		probs = append(probs, problem("query", "bad_query_string", raw, "Chuỗi truy vấn sai cú pháp.", "The query string is malformed."))
	}
	one := func(name string) (string, bool) {
		v, ok := vals[name]
		if !ok {
			return "", false
		}
		if len(v) > 1 {
			probs = append(probs, problem(name, "repeated", "", "Tham số chỉ được có một lần.", "The parameter may appear only once."))
		}
		return v[0], true
	}
	if v, ok := one("bbox"); ok {
		b, err := ParseBbox(v)
		if err != nil {
			probs = append(probs, *err)
		} else {
			q.Bound = &b
		}
	}
	if v, ok := one("bbox-crs"); ok && v != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
		probs = append(probs, problem("bbox-crs", "crs_unsupported", v, "Chỉ hỗ trợ CRS84 (kinh độ, vĩ độ WGS 84).", "Only CRS84 (WGS 84 longitude, latitude) is supported."))
	}
	if v, ok := one("limit"); ok {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil && isDigits(v):
			q.Limit = feature.MaxLimit // a huge number: clamped, as for any limit over the maximum
		case err != nil || n < 1:
			probs = append(probs, problem("limit", "bad_limit", v, "limit là số nguyên từ 1.", "limit is a whole number from 1."))
		default:
			q.Limit = min(n, feature.MaxLimit)
		}
	}
	if v, ok := one("offset"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > feature.MaxOffset {
			probs = append(probs, problem("offset", "bad_offset", v,
				"offset là số nguyên từ 0 đến "+strconv.Itoa(feature.MaxOffset)+".", "offset is a whole number from 0 to "+strconv.Itoa(feature.MaxOffset)+"."))
		} else {
			q.Offset = n
		}
	}
	if v, ok := one("datetime"); ok {
		start, end, err := ParseDatetime(v)
		if err != nil {
			probs = append(probs, *err)
		} else {
			q.Start, q.End = start, end
		}
	}
	if v, ok := one("f"); ok && v != "json" && v != "geojson" {
		probs = append(probs, problem("f", "format_unsupported", v, "Chỉ hỗ trợ f=json (GeoJSON).", "Only f=json (GeoJSON) is supported."))
	}
	for name, v := range vals {
		if reserved[name] {
			continue
		}
		if q.Filters == nil {
			q.Filters = map[string]string{}
		}
		if len(v) > 1 {
			probs = append(probs, problem(name, "repeated", "", "Tham số chỉ được có một lần.", "The parameter may appear only once."))
		}
		q.Filters[name] = v[0]
	}
	if len(probs) > 0 {
		return q, phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ.", "Invalid query parameters.", probs...)
	}
	return q, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func problem(param, code, value, vi, en string) phusong.Problem {
	if len(value) > 200 {
		value = value[:200]
	}
	return phusong.Problem{Column: param, Code: code, Value: strings.ToValidUTF8(value, "\uFFFD"), VI: vi, EN: en}
}

// ParseBbox parses minLon,minLat,maxLon,maxLat (or the 6-number form with
// heights, which are ignored) in CRS84 degrees. A box crossing the
// antimeridian (minLon > maxLon) is refused: Vietnam does not need it.
func ParseBbox(v string) (orb.Bound, *phusong.Problem) {
	bad := problem("bbox", "bad_bbox", v,
		"bbox là minLon,minLat,maxLon,maxLat (độ thập phân WGS 84), ví dụ 102.1,21.5,103.9,22.9.",
		"bbox is minLon,minLat,maxLon,maxLat in WGS 84 degrees, e.g. 102.1,21.5,103.9,22.9.")
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, &bad
	}
	xs := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, &bad
		}
		xs[i] = f
	}
	if len(xs) == 6 { // minLon, minLat, minZ, maxLon, maxLat, maxZ
		xs = []float64{xs[0], xs[1], xs[3], xs[4]}
	}
	if xs[0] > xs[2] || xs[1] > xs[3] || xs[0] < -180 || xs[2] > 180 || xs[1] < -90 || xs[3] > 90 {
		return orb.Bound{}, &bad
	}
	return orb.Bound{Min: orb.Point{xs[0], xs[1]}, Max: orb.Point{xs[2], xs[3]}}, nil
}

// ParseDatetime parses the datetime parameter into a half-open range
// [start, end): an instant t gives [t, t+1 µs) when it has fractions of a
// second (timestamps are stored to the microsecond) and the whole second
// when it has none — the features print their times to the second, so a
// time copied from one finds it; a date gives the whole UTC day; an
// interval a/b includes both ends, b in the same way; ".." or an empty
// side is open.
func ParseDatetime(v string) (start, end *time.Time, _ *phusong.Problem) {
	bad := problem("datetime", "bad_datetime", v,
		"datetime là thời điểm RFC 3339 (2026-01-15T08:00:00Z), ngày (2026-01-15) hoặc khoảng a/b (dùng .. cho đầu mở).",
		"datetime is an RFC 3339 instant (2026-01-15T08:00:00Z), a date (2026-01-15) or an interval a/b (.. for an open end).")
	parse := func(s string) (t time.Time, day bool, ok bool) {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, false, true
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true, true
		}
		return time.Time{}, false, false
	}
	// after is the end of the span an instant or date s (parsed as t) names.
	after := func(s string, t time.Time, day bool) time.Time {
		switch {
		case day:
			return t.AddDate(0, 0, 1)
		case strings.Contains(s, "."):
			return t.Add(time.Microsecond)
		default:
			return t.Add(time.Second)
		}
	}
	a, b, interval := strings.Cut(v, "/")
	if !interval {
		t, day, ok := parse(v)
		if !ok {
			return nil, nil, &bad
		}
		e := after(v, t, day)
		return &t, &e, nil
	}
	if (a == "" || a == "..") && (b == "" || b == "..") {
		return nil, nil, &bad // the standard requires one closed end
	}
	if a != "" && a != ".." {
		t, _, ok := parse(a)
		if !ok {
			return nil, nil, &bad
		}
		start = &t
	}
	if b != "" && b != ".." {
		t, day, ok := parse(b)
		if !ok {
			return nil, nil, &bad
		}
		e := after(b, t, day)
		end = &e
	}
	if start != nil && end != nil && !start.Before(*end) {
		return nil, nil, &bad
	}
	return start, end, nil
}
