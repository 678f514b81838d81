package feature

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/geo/tile"
	"github.com/phusong/phusong/migrations/dbtest"
)

var (
	reviewer = phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	officer  = func(code string) context.Context {
		return phusong.WithActor(context.Background(), phusong.Actor{Username: "p" + code, Role: phusong.RoleProvince, ProvinceCode: code})
	}
	operator = phusong.WithActor(context.Background(), phusong.Actor{Username: "op", Role: phusong.RoleOperator, Operator: "viettel"})
)

// indexFixture is a database with points in three provinces, stored in
// alternating submissions so that their ids interleave, and two feature
// stores over it: one choosing pages from geo/tile's copy, one querying.
type indexFixture struct {
	pool           *pgxpool.Pool
	survey         *survey.Store
	tiles          *tile.Store
	indexed, plain *Store
	ref            *admin.Data
	subs           []int64
	sample         []orb.Point // a few stored positions, for boxes with edges on them
}

func newIndexFixture(t *testing.T) *indexFixture {
	t.Helper()
	pool := dbtest.New(t)
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &indexFixture{pool: pool, survey: survey.NewStore(pool), ref: ref}
	// Two rounds per province, the second round's grid shifted by half a
	// step (no point within 100 m of another).
	for round := range 2 {
		for _, code := range []string{"12", "08", "14"} {
			c := ref.ProvinceCommunes(code)[0]
			n := 150 + 40*round
			sub, err := f.survey.Submit(reviewer, survey.NewSubmission{ProvinceCode: code}, func(emit func(survey.Point) error) (survey.Result, error) {
				for i := range n {
					// Steps of 0.0037°: no coordinate is a float4, so &&'s
					// rounding matters at every edge.
					loc := orb.Point{c.Point[0] + float64(i%15-7)*0.0037 + float64(round)*0.00185, c.Point[1] + float64(i/15-6)*0.0037 + float64(round)*0.00185}
					p := survey.Point{ProvinceCode: code, CommuneCode: c.Code, VillageName: fmt.Sprintf("Bản \"%d\" vòng %d", i, round),
						RefID: fmt.Sprintf("R%d-%d", round, i), Location: loc, Households: 3 + i%11, GridPower: "no",
						SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), Category: []string{survey.TrangSong, survey.LomSong}[i%2]}
					if i%37 == 0 {
						f.sample = append(f.sample, loc)
					}
					if err := emit(p); err != nil {
						return survey.Result{}, err
					}
				}
				return survey.Result{Rows: n}, nil
			})
			if err != nil {
				t.Fatalf("submit %s: %v", code, err)
			}
			f.subs = append(f.subs, sub.ID)
		}
	}
	if _, err := f.survey.Decide(reviewer, f.subs[0], survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.survey.Decide(reviewer, f.subs[4], survey.Decision{Status: survey.StatusReturned, Comment: "thiếu ảnh"}); err != nil {
		t.Fatal(err)
	}
	f.tiles = tile.NewStore(pool, ref, tile.NewVersions(pool), tile.Options{})
	if err := f.tiles.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.indexed, f.plain = NewStore(pool, f.tiles), NewStore(pool, nil)
	return f
}

// same asks both stores for a page and fails unless they agree to the byte.
func (f *indexFixture) same(t *testing.T, ctx context.Context, q Query) Page {
	t.Helper()
	want, werr := f.plain.Items(ctx, "points", q, nil)
	got, gerr := f.indexed.Items(ctx, "points", q, []byte("prefix"))
	got.Features = bytes.TrimPrefix(got.Features, []byte("prefix"))
	if (werr != nil) != (gerr != nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("%s: error %v, query's %v", describe(q), gerr, werr)
	}
	if got.Returned != want.Returned || got.More != want.More || got.Matched != want.Matched || !bytes.Equal(got.Features, want.Features) {
		t.Fatalf("%s: returned %d more %v matched %d, query's %d %v %d\ngot  %.300s\nwant %.300s", describe(q),
			got.Returned, got.More, got.Matched, want.Returned, want.More, want.Matched, got.Features, want.Features)
	}
	return got
}

func describe(q Query) string {
	s := fmt.Sprintf("limit=%d offset=%d filters=%v", q.Limit, q.Offset, q.Filters)
	if q.Bound != nil {
		s += fmt.Sprintf(" bbox=%v,%v,%v,%v", q.Bound.Min[0], q.Bound.Min[1], q.Bound.Max[0], q.Bound.Max[1])
	}
	return s
}

func box(minX, minY, maxX, maxY float64) *orb.Bound {
	return &orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}
}

// TestIndexedPagesMatchTheQuery: pages chosen from the in-memory copy are
// the pages the query returns — the same features, in the same order,
// with the same next-page flag and count — for every scope, filter,
// offset and limit, and for boxes whose edges lie on a point's coordinate,
// one double or one float4 step beside it (&& compares float4 boxes).
func TestIndexedPagesMatchTheQuery(t *testing.T) {
	t.Parallel()
	f := newIndexFixture(t)
	var total int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM survey_points`).Scan(&total); err != nil {
		t.Fatal(err)
	}

	t.Run("paging", func(t *testing.T) {
		for _, limit := range []int{1, 7, 100, 10_000} {
			for offset := 0; offset <= total+limit; offset += max(limit, 13) {
				f.same(t, reviewer, Query{Limit: limit, Offset: offset})
			}
		}
		if p := f.same(t, reviewer, Query{Limit: 10_000}); p.Returned != total || p.Matched != int64(total) {
			t.Fatalf("every point: %d returned, %d matched, want %d", p.Returned, p.Matched, total)
		}
	})

	t.Run("scopes and filters", func(t *testing.T) {
		sub := func(i int) string { return fmt.Sprint(f.subs[i]) }
		filters := []map[string]string{
			nil,
			{"status": "accepted"}, {"status": "returned"}, {"status": "submitted"}, {"status": "nonsense"},
			{"category": "lom_song"}, {"category": "trang_song", "status": "submitted"},
			{"province": "12"}, {"province": "08", "category": "trang_song"}, {"province": "99"},
			{"submission_id": sub(1)}, {"submission_id": sub(4), "province": "12"}, {"submission_id": "0"},
		}
		b := f.ref.ProvinceCommunes("12")[0].Point
		bounds := []*orb.Bound{nil, box(b[0]-0.01, b[1]-0.01, b[0]+0.02, b[1]+0.015), box(100, 8, 110, 24), box(0, 0, 1, 1)}
		for _, ctx := range []context.Context{reviewer, officer("12"), officer("08"), officer("01"), operator} {
			for _, fl := range filters {
				for _, bb := range bounds {
					for _, page := range [][2]int{{100, 0}, {9, 0}, {9, 27}, {50, 150}, {10_000, 0}} {
						f.same(t, ctx, Query{Bound: bb, Filters: fl, Limit: page[0], Offset: page[1]})
					}
				}
			}
		}
	})

	t.Run("box edges", func(t *testing.T) {
		inf := math.Inf(1)
		near := func(v float64) []float64 {
			d, u := down32(v), up32(v)
			return []float64{v, math.Nextafter(v, -inf), math.Nextafter(v, inf), float64(d), float64(u),
				float64(math.Nextafter32(d, float32(-inf))), float64(math.Nextafter32(u, float32(inf)))}
		}
		n := 0
		for _, p := range f.sample {
			for _, e := range near(p[0]) {
				f.same(t, reviewer, Query{Bound: box(e, p[1]-0.02, p[0]+0.02, p[1]+0.02), Limit: 10_000})
				f.same(t, reviewer, Query{Bound: box(p[0]-0.02, p[1]-0.02, e, p[1]+0.02), Limit: 10_000})
				n += 2
			}
			for _, e := range near(p[1]) {
				f.same(t, reviewer, Query{Bound: box(p[0]-0.02, e, p[0]+0.02, p[1]+0.02), Limit: 10_000})
				f.same(t, reviewer, Query{Bound: box(p[0]-0.02, p[1]-0.02, p[0]+0.02, e), Limit: 10_000})
				n += 2
			}
			// A box of one point, and the same widened by a float4 step.
			f.same(t, reviewer, Query{Bound: box(p[0], p[1], p[0], p[1]), Limit: 10})
			f.same(t, reviewer, Query{Bound: box(float64(up32(p[0])), float64(up32(p[1])), float64(up32(p[0])), float64(up32(p[1]))), Limit: 10})
		}
		if n < 100 {
			t.Fatalf("only %d edge boxes: the fixture's sample is too small", n)
		}
	})

	if n := f.indexed.fallbacks.Load(); n != 0 {
		t.Fatalf("%d pages fell back to the query with no change in the database: the copy was not what was compared", n)
	}
}

// TestIndexedPagesFollowChanges: after accepts, returns and a new
// submission made behind the copy's back (another server, no Sync), the
// next page already shows them: its query finds the database at another
// version and the page is made by the query; the pages after it come from
// the copy again, rebuilt.
func TestIndexedPagesFollowChanges(t *testing.T) {
	t.Parallel()
	f := newIndexFixture(t)
	queries := []Query{
		{Limit: 100, Offset: 200},
		{Limit: 20, Filters: map[string]string{"status": "accepted"}},
		{Limit: 1000, Filters: map[string]string{"province": "08"}},
		{Limit: 5, Filters: map[string]string{"province": "08", "status": "accepted"}},
	}
	for _, q := range queries {
		f.same(t, reviewer, q)
	}
	changed := func(q Query) {
		t.Helper()
		before := f.indexed.fallbacks.Load()
		f.same(t, reviewer, q)
		if f.indexed.fallbacks.Load() != before+1 {
			t.Fatalf("%s: the page did not notice that the database moved", describe(q))
		}
	}

	// 08's first submission accepted: the copy holds no accepted point of
	// 08, so the page it chooses is empty and only the version tells.
	if _, err := f.survey.Decide(reviewer, f.subs[1], survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	changed(queries[3])

	// Points of 12 returned and a new point of 12: pages the copy fills.
	var ids []int64
	rows, _ := f.pool.Query(context.Background(), `SELECT id FROM survey_points WHERE province_code = '12' ORDER BY id LIMIT 30`)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if rows.Err() != nil || len(ids) != 30 {
		t.Fatalf("ids of 12: %v %v", ids, rows.Err())
	}
	if _, err := f.survey.DecidePoints(reviewer, ids, survey.Decision{Status: survey.StatusReturned, Comment: "đo lại"}); err != nil {
		t.Fatal(err)
	}
	c := f.ref.ProvinceCommunes("12")[0]
	if _, err := f.survey.Submit(reviewer, survey.NewSubmission{ProvinceCode: "12"}, func(emit func(survey.Point) error) (survey.Result, error) {
		return survey.Result{Rows: 1}, emit(survey.Point{ProvinceCode: "12", CommuneCode: c.Code, VillageName: "Bản mới", RefID: "NEW-1",
			Location: orb.Point{c.Point[0] + 0.2, c.Point[1] + 0.2}, Households: 4, GridPower: "no",
			SurveyedOn: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Category: survey.TrangSong})
	}); err != nil {
		t.Fatal(err)
	}
	changed(queries[1])

	after := f.indexed.fallbacks.Load()
	for _, q := range queries {
		f.same(t, reviewer, q)
	}
	if n := f.indexed.fallbacks.Load() - after; n != 0 {
		t.Fatalf("%d pages still made by query after the versions were read again", n)
	}
}

// TestBoxTestIsPostGISOverlap: boxTest agrees with PostGIS's && on points
// on, beside and one float4 step from the edges of a box.
func TestBoxTestIsPostGISOverlap(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	inf := math.Inf(1)
	edges := []float64{105.123456789, 21.0001, 104.5, 8.999999999999, 102.1}
	for _, e := range edges {
		bt := newBoxTest(orb.Bound{Min: orb.Point{e, e - 80}, Max: orb.Point{e + 0.5, e - 79.5}})
		d, u := down32(e), up32(e)
		for _, x := range []float64{e, math.Nextafter(e, -inf), math.Nextafter(e, inf), float64(d), float64(u),
			float64(math.Nextafter32(d, float32(-inf))), float64(math.Nextafter32(u, float32(inf))),
			float64(math.Nextafter32(math.Nextafter32(d, float32(-inf)), float32(-inf)))} {
			var want bool
			err := pool.QueryRow(context.Background(), `SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) && ST_MakeEnvelope($3, $4, $5, $6, 4326)`,
				x, e-79.75, e, e-80, e+0.5, e-79.5).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			if got := bt.meets(x, e-79.75); got != want {
				t.Errorf("point x=%v against minX=%v: %v, PostGIS %v", x, e, got, want)
			}
		}
	}
}
