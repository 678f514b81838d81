package feature

import (
	"context"

	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
)

// Limits of a page (OGC API Features: a larger limit is clamped, not refused).
const (
	DefaultLimit = 100
	MaxLimit     = 10_000
	// MaxOffset bounds offset paging: deeper pages cost a scan of every
	// row before them (use bbox or filters to narrow instead).
	MaxOffset = 5_000_000
)

// Query selects a page of a collection's items; zero fields do not filter.
type Query struct {
	Bound         *orb.Bound // lon/lat; features meeting it
	Start, End    *time.Time // the collection's temporal property in [Start, End)
	Filters       map[string]string
	Limit, Offset int
}

// Page is one page of features.
type Page struct {
	Features []byte // the features, comma-separated GeoJSON objects
	Returned int
	More     bool  // a next page exists
	Matched  int64 // features matching the query; -1 when not known without counting
}

// Store reads features. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store over the pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// ErrNoCollection and ErrNoFeature are the 404s of the collection routes.
var (
	ErrNoCollection = phusong.Errorf(phusong.ErrNotFound, "collection_not_found",
		"Không có tập dữ liệu (collection) này.", "No such collection.")
	ErrNoFeature = phusong.Errorf(phusong.ErrNotFound, "feature_not_found",
		"Không có đối tượng này, hoặc bạn không được xem nó.", "No such feature, or not one you may see.")
)

// where builds the conditions shared by Items and Item: the actor's scope
// first, so no caller can forget it.
func where(ctx context.Context, c *Collection) ([]string, []any, error) {
	if c.province == "" {
		return []string{"true"}, nil, nil
	}
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case a.National():
		return []string{"true"}, nil, nil
	case a.Role == phusong.RoleProvince && a.ProvinceCode != "":
		return []string{c.province + " = $1"}, []any{a.ProvinceCode}, nil
	case a.Role == phusong.RoleOperator && c.published:
		return []string{"true"}, nil, nil
	}
	// Operators see only what is published to them.
	return []string{"false"}, nil, nil
}

func (c *Collection) selectList() string {
	var b strings.Builder
	b.WriteString(c.idExpr)
	if c.point {
		fmt.Fprintf(&b, ", ST_X(%s), ST_Y(%s)", c.geom, c.geom)
	} else {
		fmt.Fprintf(&b, ", ST_AsGeoJSON(%s, 6)", c.geom)
	}
	for _, col := range c.columns {
		b.WriteString(", ")
		b.WriteString(col.expr)
	}
	return b.String()
}

// Items reads one page of a collection, in a stable order. Errors:
// ErrNoCollection, ErrAnonymous for a non-public collection without an
// actor, *phusong.InputError for an unknown filter or a bad value.
func (s *Store) Items(ctx context.Context, id string, q Query) (Page, error) {
	c, ok := CollectionByID(id)
	if !ok {
		return Page{}, ErrNoCollection
	}
	conds, args, err := where(ctx, c)
	if err != nil {
		return Page{}, err
	}
	add := func(cond string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(args)), 1)
		}
		conds = append(conds, cond)
	}
	if q.Bound != nil {
		op := "ST_Intersects(%s, ST_MakeEnvelope($?, $?, $?, $?, 4326))"
		if c.point {
			op = "%s && ST_MakeEnvelope($?, $?, $?, $?, 4326)" // the same for points, and cheaper
		}
		add(fmt.Sprintf(op, c.geom), q.Bound.Min[0], q.Bound.Min[1], q.Bound.Max[0], q.Bound.Max[1])
	}
	if (q.Start != nil || q.End != nil) && c.Temporal == "" {
		return Page{}, phusong.Invalid("bad_query", "Tập dữ liệu này không lọc theo thời gian.", "This collection has no time to filter on.",
			phusong.Problem{Column: "datetime", Code: "datetime_unsupported",
				VI: "Bỏ tham số datetime cho tập dữ liệu " + c.ID + ".", EN: "Drop datetime for collection " + c.ID + "."})
	}
	if q.Start != nil {
		add(c.Temporal+" >= $?", *q.Start)
	}
	if q.End != nil {
		add(c.Temporal+" < $?", *q.End)
	}
	for _, name := range slices.Sorted(maps.Keys(q.Filters)) {
		f, ok := c.Filter(name)
		if !ok {
			return Page{}, badFilter(name, "unknown_property", "Tập dữ liệu không có thuộc tính lọc này.", "The collection has no such filter property.")
		}
		v := q.Filters[name]
		if f.Int {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return Page{}, badFilter(name, "bad_number", "Phải là số nguyên.", "Must be a whole number.")
			}
			add(f.column+" = $?", n)
			continue
		}
		add(f.column+" = $?", v)
	}
	limit := min(max(q.Limit, 1), MaxLimit)
	if q.Limit == 0 {
		limit = DefaultLimit
	}
	offset := min(max(q.Offset, 0), MaxOffset)
	// One row more than asked tells whether a next page exists.
	args = append(args, limit+1, offset)
	sql := "SELECT " + c.selectList() + " FROM " + c.table + " WHERE " + strings.Join(conds, " AND ") +
		" ORDER BY " + c.order + " LIMIT $" + strconv.Itoa(len(args)-1) + " OFFSET $" + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page{}, fmt.Errorf("feature: %s items: %w", c.ID, err)
	}
	p := Page{Matched: -1}
	buf := make([]byte, 0, 512*limit)
	err = eachFeature(rows, c, func(f []byte) {
		if p.Returned == limit {
			p.More = true
			return
		}
		if p.Returned > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, f...)
		p.Returned++
	})
	if err != nil {
		return Page{}, fmt.Errorf("feature: %s items: %w", c.ID, err)
	}
	p.Features = buf
	if !p.More && (p.Returned > 0 || offset == 0) {
		p.Matched = int64(offset + p.Returned)
	}
	return p, nil
}

// Item reads one feature by its id. Errors: ErrNoCollection, ErrNoFeature
// (also for a feature outside the actor's scope).
func (s *Store) Item(ctx context.Context, id, featureID string) ([]byte, error) {
	c, ok := CollectionByID(id)
	if !ok {
		return nil, ErrNoCollection
	}
	conds, args, err := where(ctx, c)
	if err != nil {
		return nil, err
	}
	var key any = featureID
	if c.idInt {
		n, err := strconv.ParseInt(featureID, 10, 64)
		if err != nil {
			return nil, ErrNoFeature
		}
		key = n
	}
	args = append(args, key)
	conds = append(conds, c.idExpr+" = $"+strconv.Itoa(len(args)))
	rows, err := s.pool.Query(ctx, "SELECT "+c.selectList()+" FROM "+c.table+" WHERE "+strings.Join(conds, " AND ")+" LIMIT 1", args...)
	if err != nil {
		return nil, fmt.Errorf("feature: %s %s: %w", c.ID, featureID, err)
	}
	var out []byte
	if err := eachFeature(rows, c, func(f []byte) { out = append([]byte(nil), f...) }); err != nil {
		return nil, fmt.Errorf("feature: %s %s: %w", c.ID, featureID, err)
	}
	if out == nil {
		return nil, ErrNoFeature
	}
	return out, nil
}

func badFilter(name, code, vi, en string) error {
	return phusong.Invalid("bad_query", "Tham số truy vấn chưa hợp lệ.", "Invalid query parameters.",
		phusong.Problem{Column: name, Code: code, VI: vi, EN: en})
}

// eachFeature scans rows of c.selectList and hands each as a GeoJSON
// Feature; the slice is reused between calls.
func eachFeature(rows pgx.Rows, c *Collection, fn func([]byte)) error {
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
			b = appendString(b, idText)
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
			b = appendString(b, col.name)
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
				b = appendString(b, *v)
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

// appendString appends s as a JSON string. Text is stored as valid UTF-8
// (NFC); invalid bytes become U+FFFD rather than breaking the document.
func appendString(b []byte, s string) []byte {
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
