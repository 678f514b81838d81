package ogc

import (
	"errors"
	"testing"
	"time"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/feature"
)

func TestParseItemsQuery(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	tests := []struct {
		name, in      string
		limit, offset int
		start, end    time.Time // zero: open
		bbox          bool
		filters       int
		problem       string // the first problem's code; "" when valid
	}{
		{"empty", "", feature.DefaultLimit, 0, time.Time{}, time.Time{}, false, 0, ""},
		{"bbox and limit", "bbox=102.1,21.5,103.9,22.9&limit=1000", 1000, 0, time.Time{}, time.Time{}, true, 0, ""},
		{"bbox with heights", "bbox=102.1,21.5,0,103.9,22.9,100", feature.DefaultLimit, 0, time.Time{}, time.Time{}, true, 0, ""},
		{"limit clamped", "limit=20000", feature.MaxLimit, 0, time.Time{}, time.Time{}, false, 0, ""},
		{"huge limit clamped", "limit=99999999999999999999999", feature.MaxLimit, 0, time.Time{}, time.Time{}, false, 0, ""},
		{"offset", "offset=300", feature.DefaultLimit, 300, time.Time{}, time.Time{}, false, 0, ""},
		{"date", "datetime=2026-01-15", feature.DefaultLimit, 0, day("2026-01-15"), day("2026-01-16"), false, 0, ""},
		{"interval open end", "datetime=2026-01-15/..", feature.DefaultLimit, 0, day("2026-01-15"), time.Time{}, false, 0, ""},
		{"interval open start", "datetime=../2026-01-31", feature.DefaultLimit, 0, time.Time{}, day("2026-02-01"), false, 0, ""},
		// An instant to the second, as the features print their times,
		// spans that second; with fractions, the microsecond it names.
		{"instant to the second", "datetime=2026-01-15T03:03:44Z", feature.DefaultLimit, 0, at("2026-01-15T03:03:44Z"), at("2026-01-15T03:03:45Z"), false, 0, ""},
		{"instant with fractions", "datetime=2026-01-15T03:03:44.5Z", feature.DefaultLimit, 0, at("2026-01-15T03:03:44.5Z"), at("2026-01-15T03:03:44.500001Z"), false, 0, ""},
		{"interval to a second", "datetime=2026-01-15T00:00:00Z/2026-01-15T03:03:44Z", feature.DefaultLimit, 0, at("2026-01-15T00:00:00Z"), at("2026-01-15T03:03:45Z"), false, 0, ""},
		{"filters", "province=12&status=accepted", feature.DefaultLimit, 0, time.Time{}, time.Time{}, false, 2, ""},
		{"f=json", "f=json", feature.DefaultLimit, 0, time.Time{}, time.Time{}, false, 0, ""},
		{"limit zero", "limit=0", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_limit"},
		{"limit text", "limit=ten", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_limit"},
		{"negative offset", "offset=-1", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_offset"},
		{"bbox three numbers", "bbox=1,2,3", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_bbox"},
		{"bbox inverted", "bbox=104,22,103,21", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_bbox"},
		{"bbox NaN", "bbox=NaN,1,2,3", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_bbox"},
		{"bbox crs", "bbox-crs=EPSG:3857", 0, 0, time.Time{}, time.Time{}, false, 0, "crs_unsupported"},
		{"both ends open", "datetime=../..", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_datetime"},
		{"reversed interval", "datetime=2026-02-01/2026-01-01", 0, 0, time.Time{}, time.Time{}, false, 0, "bad_datetime"},
		{"f=html", "f=html", 0, 0, time.Time{}, time.Time{}, false, 0, "format_unsupported"},
		{"repeated", "limit=1&limit=2", 0, 0, time.Time{}, time.Time{}, false, 0, "repeated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := ParseItemsQuery(tc.in)
			if tc.problem != "" {
				var ie *phusong.InputError
				if !errors.As(err, &ie) || ie.Problems[0].Code != tc.problem || ie.Problems[0].VI == "" || ie.Problems[0].EN == "" {
					t.Fatalf("got %v, want problem %s", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q.Limit != tc.limit || q.Offset != tc.offset || (q.Bound != nil) != tc.bbox || len(q.Filters) != tc.filters {
				t.Errorf("got limit %d offset %d bbox %v filters %v", q.Limit, q.Offset, q.Bound, q.Filters)
			}
			if (q.Start == nil) != tc.start.IsZero() || (q.Start != nil && !q.Start.Equal(tc.start)) {
				t.Errorf("start %v, want %v", q.Start, tc.start)
			}
			if (q.End == nil) != tc.end.IsZero() || (q.End != nil && !q.End.Equal(tc.end)) {
				t.Errorf("end %v, want %v", q.End, tc.end)
			}
		})
	}
}

// FuzzParseItemsQuery: any query string parses or is refused with
// problems; what parses is within the limits the store relies on.
func FuzzParseItemsQuery(f *testing.F) {
	f.Add("bbox=102.1,21.5,103.9,22.9&limit=100&datetime=2026-01-01/2026-02-01")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := ParseItemsQuery(raw)
		if err != nil {
			var ie *phusong.InputError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("%q: error without problems: %v", raw, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > feature.MaxLimit || q.Offset < 0 || q.Offset > feature.MaxOffset {
			t.Fatalf("%q: limit %d offset %d", raw, q.Limit, q.Offset)
		}
		if b := q.Bound; b != nil && (b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[1] > 90) {
			t.Fatalf("%q: bbox %v", raw, b)
		}
		if q.Start != nil && q.End != nil && !q.Start.Before(*q.End) {
			t.Fatalf("%q: interval %v/%v", raw, q.Start, q.End)
		}
	})
}
