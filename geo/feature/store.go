package feature

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/tile"
)

// featureSize is about the bytes of a survey point as GeoJSON.
const featureSize = 600

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
	// Features are the features, comma-separated GeoJSON objects,
	// appended to the buffer given to Items.
	Features []byte
	Returned int
	More     bool  // a next page exists
	Matched  int64 // features matching the query; -1 when not known without counting
}

// Store reads features. It is safe for concurrent use.
type Store struct {
	pool      *pgxpool.Pool
	points    PointIndex   // nil: every page is a query
	fallbacks atomic.Int64 // pages of points made by query after the copy was found behind
}

// PointIndex is an in-memory copy of the survey points in id order, per
// province, each at a known data version: *tile.Store, which keeps one for
// the map. Pages of points are chosen from it (index.go).
type PointIndex interface {
	PointsByID(ctx context.Context, provinces []string) ([]tile.IDPoints, error)
	// Sync reads the data versions again; called when the database was
	// found at another version than the copy.
	Sync(ctx context.Context) error
}

// NewStore returns a Store over the pool; points, when not nil, serves
// pages of survey points (see index.go).
func NewStore(pool *pgxpool.Pool, points PointIndex) *Store {
	return &Store{pool: pool, points: points}
}

// ErrNoCollection and ErrNoFeature are the 404s of the collection routes.
var (
	ErrNoCollection = phusong.Errorf(phusong.ErrNotFound, "collection_not_found",
		"Không có tập dữ liệu (collection) này.", "No such collection.")
	ErrNoFeature = phusong.Errorf(phusong.ErrNotFound, "feature_not_found",
		"Không có đối tượng này, hoặc bạn không được xem nó.", "No such feature, or not one you may see.")
)

// scope is whose rows of a collection the actor may read: every row, one
// province's, or none.
type scope struct {
	all      bool
	province string
}

func scopeOf(ctx context.Context, c *Collection) (scope, error) {
	if c.province == "" {
		return scope{all: true}, nil
	}
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return scope{}, err
	}
	switch {
	case a.National():
		return scope{all: true}, nil
	case a.Role == phusong.RoleProvince && a.ProvinceCode != "":
		return scope{province: a.ProvinceCode}, nil
	case a.Role == phusong.RoleOperator && c.published:
		return scope{all: true}, nil
	}
	// Operators see only what is published to them.
	return scope{}, nil
}

// where builds the conditions shared by Items and Item: the actor's scope
// first, so no caller can forget it.
func where(ctx context.Context, c *Collection) ([]string, []any, error) {
	sc, err := scopeOf(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	w := conds{}
	w.scope(c, sc)
	return w.list, w.args, nil
}

// conds are the conditions of a query and their arguments ($n in order).
type conds struct {
	list []string
	args []any
}

// add appends a condition whose $? are replaced by the next arguments.
func (w *conds) add(cond string, vs ...any) {
	for _, v := range vs {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.list = append(w.list, cond)
}

func (w *conds) scope(c *Collection, sc scope) {
	switch {
	case sc.all:
		w.list = append(w.list, "true")
	case sc.province != "":
		w.add(c.province+" = $?", sc.province)
	default:
		w.list = append(w.list, "false")
	}
}

func (w *conds) String() string { return strings.Join(w.list, " AND ") }

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

// filterValue is a property filter of a query, its value parsed.
type filterValue struct {
	Filter
	value any // string, or int64 for Int filters
}

// pageQuery is a Query checked against its collection.
type pageQuery struct {
	c             *Collection
	scope         scope
	bound         *orb.Bound
	start, end    *time.Time
	filters       []filterValue // by name
	limit, offset int
}

// conds returns the conditions of the query (scope first), with their
// arguments numbered after those already in w.
func (pq *pageQuery) conds(w *conds) {
	c := pq.c
	w.scope(c, pq.scope)
	if pq.bound != nil {
		op := "ST_Intersects(%s, ST_MakeEnvelope($?, $?, $?, $?, 4326))"
		if c.point {
			op = "%s && ST_MakeEnvelope($?, $?, $?, $?, 4326)" // the same for points, and cheaper
		}
		b := pq.bound
		w.add(fmt.Sprintf(op, c.geom), b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	}
	if pq.start != nil {
		w.add(c.Temporal+" >= $?", *pq.start)
	}
	if pq.end != nil {
		w.add(c.Temporal+" < $?", *pq.end)
	}
	for _, f := range pq.filters {
		w.add(f.column+" = $?", f.value)
	}
}

// check validates q against the collection and the actor. Errors:
// ErrNoCollection, ErrAnonymous, *phusong.InputError.
func check(ctx context.Context, id string, q Query) (*pageQuery, error) {
	c, ok := CollectionByID(id)
	if !ok {
		return nil, ErrNoCollection
	}
	sc, err := scopeOf(ctx, c)
	if err != nil {
		return nil, err
	}
	if (q.Start != nil || q.End != nil) && c.Temporal == "" {
		return nil, phusong.Invalid("bad_query", "Tập dữ liệu này không lọc theo thời gian.", "This collection has no time to filter on.",
			phusong.Problem{Column: "datetime", Code: "datetime_unsupported",
				VI: "Bỏ tham số datetime cho tập dữ liệu " + c.ID + ".", EN: "Drop datetime for collection " + c.ID + "."})
	}
	pq := &pageQuery{c: c, scope: sc, bound: q.Bound, start: q.Start, end: q.End}
	for _, name := range slices.Sorted(maps.Keys(q.Filters)) {
		f, ok := c.Filter(name)
		if !ok {
			return nil, badFilter(name, "unknown_property", "Tập dữ liệu không có thuộc tính lọc này.", "The collection has no such filter property.")
		}
		v := q.Filters[name]
		if f.Any != "" && v == f.Any {
			continue
		}
		if f.Int {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, badFilter(name, "bad_number", "Phải là số nguyên.", "Must be a whole number.")
			}
			pq.filters = append(pq.filters, filterValue{f, n})
			continue
		}
		// PostgreSQL refuses such text outright (a 500 otherwise).
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return nil, badFilter(name, "bad_text", "Giá trị không phải văn bản UTF-8 hợp lệ.", "The value is not valid UTF-8 text.")
		}
		pq.filters = append(pq.filters, filterValue{f, v})
	}
	for _, f := range c.Filters {
		if _, given := q.Filters[f.Name]; !given && f.Default != "" {
			pq.filters = append(pq.filters, filterValue{f, f.Default})
		}
	}
	pq.limit = min(max(q.Limit, 1), MaxLimit)
	if q.Limit == 0 {
		pq.limit = DefaultLimit
	}
	pq.offset = min(max(q.Offset, 0), MaxOffset)
	return pq, nil
}

// Items reads one page of a collection, in a stable order, and appends
// its features to dst (nil, or a buffer the caller reuses: pages are tens
// of kB). Errors: ErrNoCollection, ErrAnonymous for a non-public
// collection without an actor, *phusong.InputError for an unknown filter
// or a bad value.
func (s *Store) Items(ctx context.Context, id string, q Query, dst []byte) (Page, error) {
	pq, err := check(ctx, id, q)
	if err != nil {
		return Page{}, err
	}
	if s.points != nil && indexable(pq) {
		p, ok, err := s.indexedItems(ctx, pq, dst)
		if err != nil || ok {
			return p, err
		}
		// The database moved since the copy was made: this page by query.
		s.fallbacks.Add(1)
	}
	return s.queryItems(ctx, pq, dst)
}

// queryItems reads a page with one query: the rows of the collection
// meeting the conditions, in its order, past the offset.
func (s *Store) queryItems(ctx context.Context, pq *pageQuery, dst []byte) (Page, error) {
	c := pq.c
	var w conds
	pq.conds(&w)
	// One row more than asked tells whether a next page exists.
	args := append(w.args, pq.limit+1, pq.offset)
	sql := "SELECT " + c.selectList() + " FROM " + c.table + " WHERE " + w.String() +
		" ORDER BY " + c.order + " LIMIT $" + strconv.Itoa(len(args)-1) + " OFFSET $" + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page{}, fmt.Errorf("feature: %s items: %w", c.ID, err)
	}
	p := Page{Matched: -1}
	buf := slices.Grow(dst, featureSize*min(pq.limit, 1000))
	err = eachFeature(rows, c, func(f []byte) {
		if p.Returned == pq.limit {
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
	p.setMatched(pq.offset)
	return p, nil
}

// setMatched sets Matched when the page tells it: the last page.
func (p *Page) setMatched(offset int) {
	if !p.More && (p.Returned > 0 || offset == 0) {
		p.Matched = int64(offset + p.Returned)
	}
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
