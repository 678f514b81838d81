package feature

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// features runs sql and returns the features eachFeature writes, or the
// reference scanFeatures when scan is set.
func features(t *testing.T, ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, c *Collection, scan bool, sql string, args ...any) ([]string, error) {
	t.Helper()
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	each := eachFeature
	if scan {
		each = scanFeatures
	}
	err = each(rows, c, func(b []byte) { out = append(out, string(b)) })
	return out, err
}

// TestEncodeAsScanned: features written from the raw values are those the
// scanning code wrote, for every collection's real query and for values
// of every type, NULL and edge a property can hold.
func TestEncodeAsScanned(t *testing.T) {
	t.Parallel()
	f := newIndexFixture(t)
	ctx := context.Background()
	compare := func(t *testing.T, c *Collection, sql string, args ...any) int {
		t.Helper()
		got, gerr := features(t, ctx, f.pool, c, false, sql, args...)
		want, werr := features(t, ctx, f.pool, c, true, sql, args...)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("%s: error %v, scanning %v", sql, gerr, werr)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d features, scanning %d", sql, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: feature %d\n got %s\nwant %s", sql, i, got[i], want[i])
			}
			if !json.Valid([]byte(got[i])) {
				t.Fatalf("%s: feature %d is not JSON: %s", sql, i, got[i])
			}
		}
		return len(got)
	}

	t.Run("collections", func(t *testing.T) {
		for i := range Collections {
			c := &Collections[i]
			n := compare(t, c, "SELECT "+c.selectList()+" FROM "+c.table+" ORDER BY "+c.order)
			if (c.ID == "points" || c.ID == "provinces") && n == 0 {
				t.Fatalf("%s: no rows compared", c.ID)
			}
		}
	})

	t.Run("types", func(t *testing.T) {
		c := &Collection{ID: "test", idInt: true, point: true, columns: []column{
			{"i2", "i2", 'i'}, {"i4", "i4", 'i'}, {"i8", "i8", 'i'}, {"n4", "n4", 'I'}, {"n8", "n8", 'I'},
			{"txt", "txt", 's'}, {"vc", "vc", 's'}, {"ch", "ch", 's'}, {"f8", "f8", 'f'}, {"f4", "f4", 'f'}, {"num", "num", 'f'},
			{"d", "d", 'd'}, {"t", "t", 't'}, {"b", "b", 'b'},
		}}
		sql := `SELECT id, x, y, i2, i4, i8, n4, n8, txt, vc, ch, f8, f4, num, d, t, b FROM (VALUES
			(1::int8, 105.5::float8, 21.25::float8, 0::int2, 0::int4, 0::int8, NULL::int4, NULL::int8, ''::text, ''::varchar, 'a'::char(3),
			 0::float8, 0::float4, 0::numeric, '2000-01-01'::date, '2000-01-01T00:00:00Z'::timestamptz, NULL::bool),
			(-2, -0.000001, 1e-7, -32768, -2147483648, -9223372036854775808, 7, -7, 'Bản "Nậm" \ tab	 nl
', 'Lai Châu ∑ 🙂', 'xyz',
			 1.5e300, 3.25, 12.375, '1999-12-31', '1999-12-31T23:59:59.999999Z', true),
			(9223372036854775807, 180, -90, 32767, 2147483647, 9223372036854775807, 2147483647, 1, E'ctl \x01\x1f \u00ff \ufffd', '', '',
			 -2.5, -1e-3, -1e20, '0001-01-01 BC', '1900-06-30T12:34:56.5+07', false),
			(4, 104.123456789012, 20.987654321098, 1, 1, 1, 1, 1, 'x', 'y', 'z', 0.1, 0.1, 0.1, '9999-12-31', '2262-04-11T23:47:16Z', NULL)
		) AS v (id, x, y, i2, i4, i8, n4, n8, txt, vc, ch, f8, f4, num, d, t, b) ORDER BY id`
		if n := compare(t, c, sql); n != 4 {
			t.Fatalf("%d rows", n)
		}
		// Values a property cannot hold fail as scanning fails.
		for _, bad := range []string{
			`SELECT 1::int8, 1::float8, 1::float8, NULL::int4`,
			`SELECT 1::int8, 1::float8, 1::float8, 'infinity'::date`,
			`SELECT 1::int8, 1::float8, 1::float8, '-infinity'::timestamptz`,
			`SELECT 1::int8, NULL::float8, 1::float8, 1::int4`,
		} {
			kind := map[string]byte{"int4": 'i', "date": 'd', "timestamptz": 't'}[bad[strings.LastIndex(bad, "::")+2:]]
			c := &Collection{ID: "bad", idInt: true, point: true, columns: []column{{"v", "v", kind}}}
			_, gerr := features(t, ctx, f.pool, c, false, bad)
			_, werr := features(t, ctx, f.pool, c, true, bad)
			if gerr == nil || werr == nil {
				t.Errorf("%s: error %v, scanning %v; want both to fail", bad, gerr, werr)
			}
		}
		// Text ids and GeoJSON geometries (areas, sites, packages).
		poly := &Collection{ID: "poly", columns: []column{{"name", "name", 's'}}}
		compare(t, poly, `SELECT '12-3'::text, '{"type":"Polygon","coordinates":[]}'::text, 'Lai Châu'::text`)
	})
}

// FuzzAppendString: appendString writes valid JSON that reads back as the
// input when it is UTF-8, and as the scanning code wrote it.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "Bản Nậm Cười", `a"b\c`, "\x00\x1f\x7f", "\xff\xfe", "\xe1\xba", "🙂\u2028", "\xef\xbf\xbd"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		got := appendString(nil, s)
		if want := appendStringRef(nil, string(s)); !bytes.Equal(got, want) {
			t.Fatalf("%q: %s, byte by byte %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %s is not a JSON string: %v", s, got, err)
		}
		if utf8.Valid(s) && back != string(s) {
			t.Fatalf("%q reads back as %q", s, back)
		}
	})
}

// scanFeatures is how features were written before encode.go: scanning
// every value. It scans rows of c.selectList and hands each as a GeoJSON
// Feature; the slice is reused between calls.
func scanFeatures(rows pgx.Rows, c *Collection, fn func([]byte)) error {
	defer rows.Close()
	var (
		idInt    int64
		idText   string
		x, y     float64
		geomJSON string
	)
	dest := make([]any, 0, 3+len(c.columns))
	if c.idInt {
		dest = append(dest, &idInt)
	} else {
		dest = append(dest, &idText)
	}
	if c.point {
		dest = append(dest, &x, &y)
	} else {
		dest = append(dest, &geomJSON)
	}
	vals := make([]any, len(c.columns))
	for i, col := range c.columns {
		switch col.kind {
		case 'i':
			vals[i] = new(int64)
		case 'I':
			vals[i] = new(*int64)
		case 's':
			vals[i] = new(string)
		case 'f':
			vals[i] = new(float64)
		case 't':
			vals[i] = new(time.Time)
		case 'd':
			vals[i] = new(time.Time)
		case 'b':
			vals[i] = new(*bool)
		}
		dest = append(dest, vals[i])
	}
	var b []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		b = append(b[:0], `{"type":"Feature","id":`...)
		if c.idInt {
			b = strconv.AppendInt(b, idInt, 10)
		} else {
			b = appendStringRef(b, idText)
		}
		b = append(b, `,"geometry":`...)
		if c.point {
			b = append(b, `{"type":"Point","coordinates":[`...)
			b = strconv.AppendFloat(b, x, 'f', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, y, 'f', -1, 64)
			b = append(b, "]}"...)
		} else {
			b = append(b, geomJSON...)
		}
		b = append(b, `,"properties":{`...)
		for i, col := range c.columns {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStringRef(b, col.name)
			b = append(b, ':')
			switch v := vals[i].(type) {
			case *int64:
				b = strconv.AppendInt(b, *v, 10)
			case **int64:
				if *v == nil {
					b = append(b, "null"...)
				} else {
					b = strconv.AppendInt(b, **v, 10)
				}
			case *string:
				b = appendStringRef(b, *v)
			case *float64:
				b = strconv.AppendFloat(b, *v, 'f', -1, 64)
			case *time.Time:
				if col.kind == 'd' {
					b = append(b, '"')
					b = v.AppendFormat(b, time.DateOnly)
					b = append(b, '"')
				} else {
					b = append(b, '"')
					b = v.UTC().AppendFormat(b, time.RFC3339)
					b = append(b, '"')
				}
			case **bool:
				switch {
				case *v == nil:
					b = append(b, "null"...)
				case **v:
					b = append(b, "true"...)
				default:
					b = append(b, "false"...)
				}
			}
		}
		b = append(b, "}}"...)
		fn(b)
	}
	return rows.Err()
}

// appendStringRef is the byte-by-byte appendString of before. It appends s as a JSON string. Text is stored as valid UTF-8
// (NFC); invalid bytes become U+FFFD rather than breaking the document.
func appendStringRef(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
