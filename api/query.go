package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/ogc"
	"github.com/phusong/phusong/geo/admin"
)

// listQuery reads the query of a list endpoint strictly, in one place for
// every list: a parameter that is present must hold a value the endpoint
// understands. A bad value is never ignored or replaced by a default — a
// filter dropped in silence answers 200 with the wrong rows, which neither
// a script nor a person can tell from the right answer, and an unchecked
// number reaches SQL (OFFSET -1 is a 500). Every problem is collected, each
// naming its parameter and what it accepts, and Err returns them as one
// 400 bad_query.
//
// An empty value (?limit=) counts as absent, as HTML forms send it.
// Parameters a list does not know are left alone.
type listQuery struct {
	c     *fiber.Ctx
	probs []phusong.Problem
}

func newListQuery(c *fiber.Ctx) *listQuery { return &listQuery{c: c} }

func (q *listQuery) bad(name, code, value, vi, en string) {
	if len(value) > 200 {
		value = value[:200]
	}
	q.probs = append(q.probs, phusong.Problem{Column: name, Code: code,
		Value: strings.ToValidUTF8(value, "\uFFFD"), VI: vi, EN: en})
}

// Int returns the whole number name holds, def when absent. It must lie in
// [lo, hi]; hi = math.MaxInt64 means no upper bound.
func (q *listQuery) Int(name string, def, lo, hi int64) int64 {
	v := q.c.Query(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err == nil && n >= lo && n <= hi {
		return n
	}
	vi := fmt.Sprintf("%s phải là số nguyên từ %d đến %d.", name, lo, hi)
	en := fmt.Sprintf("%s must be a whole number from %d to %d.", name, lo, hi)
	if hi == math.MaxInt64 {
		vi = fmt.Sprintf("%s phải là số nguyên từ %d trở lên.", name, lo)
		en = fmt.Sprintf("%s must be a whole number of %d or more.", name, lo)
	}
	q.bad(name, "bad_number", v, vi, en)
	return def
}

// Float returns the finite number name holds, def when absent; it must lie
// in [lo, hi] (NaN and ±Inf never do).
func (q *listQuery) Float(name string, def, lo, hi float64) float64 {
	v := q.c.Query(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err == nil && f >= lo && f <= hi { // false for NaN
		return f
	}
	q.bad(name, "bad_number", v,
		fmt.Sprintf("%s phải là một số từ %g đến %g (dấu chấm thập phân, ví dụ 42.5).", name, lo, hi),
		fmt.Sprintf("%s must be a number from %g to %g (decimal point, e.g. 42.5).", name, lo, hi))
	return def
}

// OneOf returns the value of name, def when absent; it must be one of
// allowed (compared exactly: the values are lower-case codes).
func (q *listQuery) OneOf(name, def string, allowed ...string) string {
	v := q.c.Query(name)
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	list := strings.Join(allowed, ", ")
	q.bad(name, "bad_value", v,
		fmt.Sprintf("%s phải là một trong các giá trị: %s.", name, list),
		fmt.Sprintf("%s must be one of: %s.", name, list))
	return def
}

// Province returns the province code name holds ("" when absent); it must
// be one of the 34 provinces of 2025.
func (q *listQuery) Province(name string, ref *admin.Data) string {
	v := q.c.Query(name)
	if v == "" {
		return ""
	}
	if _, ok := ref.Province(v); !ok {
		q.bad(name, "province_unknown", v,
			fmt.Sprintf("%s là mã 2 chữ số của một trong 34 tỉnh, thành phố từ 2025 (ví dụ %s=12); danh sách ở GET /api/v1/provinces.", name, name),
			fmt.Sprintf("%s is the 2-digit code of one of the 34 provinces of 2025 (e.g. %s=12); GET /api/v1/provinces lists them.", name, name))
		return ""
	}
	return v
}

// Time returns the RFC 3339 instant name holds, the zero time when absent.
func (q *listQuery) Time(name string) time.Time {
	v := q.c.Query(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		q.bad(name, "bad_time", v,
			fmt.Sprintf("%s là thời điểm theo RFC 3339, ví dụ 2026-11-23T08:00:00+07:00.", name),
			fmt.Sprintf("%s is an RFC 3339 time, e.g. 2026-11-23T08:00:00+07:00.", name))
	}
	return t
}

// Bbox returns the box name holds (nil when absent) with the rules of the
// OGC API's bbox: four finite numbers minLon,minLat,maxLon,maxLat within
// ±180, ±90, min ≤ max.
func (q *listQuery) Bbox(name string) *orb.Bound {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	b, prob := ogc.ParseBbox(v)
	if prob != nil {
		prob.Column = name
		q.probs = append(q.probs, *prob)
		return nil
	}
	return &b
}

// Err is the 400 bad_query carrying every problem found, or nil.
func (q *listQuery) Err() error {
	if len(q.probs) == 0 {
		return nil
	}
	return phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ; xem từng tham số trong details.",
		"Invalid query parameters; details names each one.", q.probs...)
}
