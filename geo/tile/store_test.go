package tile_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

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

// fixture is a database with points in two provinces, around one commune
// of each: Lai Châu (12) and Tuyên Quang (08).
type fixture struct {
	pool    *pgxpool.Pool
	ref     *admin.Data
	survey  *survey.Store
	centre  map[string]orb.Point
	subs    map[string]int64
	nPoints map[string]int
}

// newFixture stores n points per province, on a ~0.02° grid around the
// interior point of the province's first commune (the Lai Châu ones
// accepted, Tuyên Quang's left submitted).
func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	pool := dbtest.New(t)
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{pool: pool, ref: ref, survey: survey.NewStore(pool), centre: map[string]orb.Point{}, subs: map[string]int64{}, nPoints: map[string]int{}}
	for _, code := range []string{"12", "08"} {
		c := ref.ProvinceCommunes(code)[0]
		f.centre[code] = c.Point
		side := int(math.Ceil(math.Sqrt(float64(n))))
		sub, err := f.survey.Submit(reviewer, survey.NewSubmission{ProvinceCode: code}, func(emit func(survey.Point) error) (survey.Result, error) {
			for i := range n {
				p := survey.Point{ProvinceCode: code, CommuneCode: c.Code, VillageName: fmt.Sprintf("Bản %d", i), RefID: fmt.Sprint(i),
					Location:   orb.Point{c.Point[0] + float64(i%side-side/2)*0.02, c.Point[1] + float64(i/side-side/2)*0.02},
					Households: 10 + i%7, GridPower: "no", SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
					Category: []string{survey.TrangSong, survey.LomSong}[i%2]}
				if err := emit(p); err != nil {
					return survey.Result{}, err
				}
			}
			return survey.Result{Rows: n}, nil
		})
		if err != nil {
			t.Fatalf("submit %s: %v", code, err)
		}
		f.subs[code], f.nPoints[code] = sub.ID, n
	}
	if _, err := f.survey.Decide(reviewer, f.subs["12"], survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) store(t *testing.T, o tile.Options) *tile.Store {
	t.Helper()
	s := tile.NewStore(f.pool, f.ref, tile.NewVersions(f.pool), o)
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func decode(t *testing.T, b []byte, layer string) mvt.Layers {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(ls) != 1 || ls[0].Name != layer {
		names := []string{}
		for _, l := range ls {
			names = append(names, l.Name)
		}
		t.Fatalf("layers %v, want exactly [%s]", names, layer)
	}
	return ls
}

func get(t *testing.T, s *tile.Store, ctx context.Context, layer string, tl maptile.Tile) tile.Tile {
	t.Helper()
	out, err := s.Tile(ctx, tile.Request{Layer: layer, Z: uint32(tl.Z), X: tl.X, Y: tl.Y})
	if err != nil {
		t.Fatalf("%s %v: %v", layer, tl, err)
	}
	return out
}

// ids returns the sorted "id" properties of a points layer.
func ids(ls mvt.Layers) []int64 {
	var out []int64
	for _, f := range ls[0].Features {
		out = append(out, int64(f.Properties["id"].(float64)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TestPointTilesMatchSTAsMVT: the Go-encoded points of a z12 tile decode to
// what PostGIS's ST_AsMVT (what pg_tileserv serves) makes of the same rows:
// the same features, properties and positions.
func TestPointTilesMatchSTAsMVT(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 100)
	s := f.store(t, tile.Options{})
	tl := maptile.At(f.centre["12"], 12)
	ours := decode(t, get(t, s, reviewer, tile.LayerPoints, tl).Raw, tile.LayerPoints)

	var oracle []byte
	if err := f.pool.QueryRow(context.Background(), `
		SELECT ST_AsMVT(q, 'points', 4096, 'geom', 'fid') FROM (
		  SELECT id AS fid, id, category, status, submission_id, households, province_code AS province, village_name AS village,
		         ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 0, false) AS geom
		  FROM survey_points WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) q`,
		tl.Z, tl.X, tl.Y).Scan(&oracle); err != nil {
		t.Fatal(err)
	}
	want := decode(t, oracle, tile.LayerPoints)
	fromDB := decode(t, get(t, f.store(t, tile.Options{PointsFromDB: true}), reviewer, tile.LayerPoints, tl).Raw, tile.LayerPoints)
	if fmt.Sprint(ids(fromDB)) != fmt.Sprint(ids(ours)) {
		t.Errorf("points from the query %v, from the snapshot %v", ids(fromDB), ids(ours))
	}
	if len(ours[0].Features) == 0 || len(ours[0].Features) != len(want[0].Features) {
		t.Fatalf("%d features, ST_AsMVT has %d", len(ours[0].Features), len(want[0].Features))
	}
	byID := map[float64]orb.Point{}
	for _, wf := range want[0].Features {
		byID[wf.Properties["id"].(float64)] = wf.Geometry.(orb.Point)
	}
	for _, of := range ours[0].Features {
		id := of.Properties["id"].(float64)
		wp, ok := byID[id]
		if !ok {
			t.Fatalf("point %v is not in ST_AsMVT's tile", id)
		}
		if d := of.Geometry.(orb.Point); math.Abs(d[0]-wp[0]) > 1 || math.Abs(d[1]-wp[1]) > 1 {
			t.Errorf("point %v at %v, ST_AsMVT at %v", id, d, wp)
		}
		for _, k := range []string{"category", "status", "submission_id", "households", "province", "village"} {
			if of.Properties[k] == nil {
				t.Errorf("point %v lacks %s", id, k)
			}
		}
		if of.Properties["status"] != "accepted" || of.Properties["province"] != "12" {
			t.Errorf("point %v: %v", id, of.Properties)
		}
	}
}

// TestScopes: a reviewer sees both provinces, an officer only their own,
// an operator nothing, an anonymous caller is refused (public layers
// excepted).
func TestScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 50)
	s := f.store(t, tile.Options{})
	for _, code := range []string{"12", "08"} {
		tl := maptile.At(f.centre[code], 11)
		all := ids(decode(t, get(t, s, reviewer, tile.LayerPoints, tl).Raw, tile.LayerPoints))
		own := ids(decode(t, get(t, s, officer(code), tile.LayerPoints, tl).Raw, tile.LayerPoints))
		other := map[string]string{"12": "08", "08": "12"}[code]
		foreign := decode(t, get(t, s, officer(other), tile.LayerPoints, tl).Raw, tile.LayerPoints)
		none := decode(t, get(t, s, operator, tile.LayerPoints, tl).Raw, tile.LayerPoints)
		if len(all) == 0 || fmt.Sprint(all) != fmt.Sprint(own) {
			t.Errorf("%s: reviewer sees %d points, officer %d", code, len(all), len(own))
		}
		if len(foreign[0].Features) != 0 || len(none[0].Features) != 0 {
			t.Errorf("%s: officer of %s sees %d points, operator %d", code, other, len(foreign[0].Features), len(none[0].Features))
		}
		for _, z := range []maptile.Zoom{5, 8} {
			tl := maptile.At(f.centre[code], z)
			if n := len(decode(t, get(t, s, officer(other), tile.LayerPoints, tl).Raw, tile.LayerPoints)[0].Features); n != 0 && z == 8 {
				t.Errorf("z%d: officer of %s sees %d clusters of %s", z, other, n, code)
			}
		}
	}
	tl := maptile.At(f.centre["12"], 10)
	if _, err := s.Tile(context.Background(), tile.Request{Layer: tile.LayerPoints, Z: 10, X: tl.X, Y: tl.Y}); !errors.Is(err, phusong.ErrUnauthorized) {
		t.Errorf("anonymous points: %v, want unauthorized", err)
	}
	prov := decode(t, get(t, s, context.Background(), tile.LayerProvinces, maptile.At(f.centre["12"], 6)).Raw, tile.LayerProvinces)
	found := false
	for _, pf := range prov[0].Features {
		found = found || (pf.Properties["code"] == "12" && pf.Properties["name"] != nil)
	}
	if !found {
		t.Errorf("provinces tile lacks Lai Châu: %d features", len(prov[0].Features))
	}
	comm := decode(t, get(t, s, context.Background(), tile.LayerCommunes, maptile.At(f.centre["12"], 9)).Raw, tile.LayerCommunes)
	if len(comm[0].Features) == 0 || comm[0].Features[0].Properties["province"] == nil {
		t.Errorf("communes tile: %d features", len(comm[0].Features))
	}
	if low := decode(t, get(t, s, context.Background(), tile.LayerCommunes, maptile.At(f.centre["12"], 7)).Raw, tile.LayerCommunes); len(low[0].Features) != 0 {
		t.Errorf("communes at z7: %d features, want none", len(low[0].Features))
	}
	if _, err := s.Tile(reviewer, tile.Request{Layer: "bids", Z: 1}); !errors.Is(err, tile.ErrBadTile) {
		t.Errorf("unknown layer: %v", err)
	}
	if _, err := s.Tile(reviewer, tile.Request{Layer: tile.LayerPoints, Z: 3, X: 8}); !errors.Is(err, tile.ErrBadTile) {
		t.Errorf("x out of range: %v", err)
	}
}

// TestClustersCountEveryPoint: below z10 a tile holds cells, never points,
// and their counts add up to what the table holds, at every zoom.
func TestClustersCountEveryPoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 400)
	s := f.store(t, tile.Options{})
	for z := maptile.Zoom(0); z < tile.ClusterBelow; z++ {
		var n, hh, acc, pend, trang float64
		// The points span 0.4°: at most 2×2 tiles per zoom around each centre.
		seen := map[maptile.Tile]bool{}
		for _, c := range f.centre {
			for _, d := range []orb.Point{{-0.3, -0.3}, {-0.3, 0.3}, {0.3, -0.3}, {0.3, 0.3}} {
				tl := maptile.At(orb.Point{c[0] + d[0], c[1] + d[1]}, z)
				if seen[tl] {
					continue
				}
				seen[tl] = true
				ls := decode(t, get(t, s, reviewer, tile.LayerPoints, tl).Raw, tile.LayerPoints)
				if len(ls[0].Features) > 64 {
					t.Fatalf("z%d: %d features, want ≤ 64 cells", z, len(ls[0].Features))
				}
				for _, ft := range ls[0].Features {
					p := ft.Properties
					if p["cluster"] != 1.0 || p["id"] != nil {
						t.Fatalf("z%d: not a cluster: %v", z, p)
					}
					n += p["count"].(float64)
					hh += p["households"].(float64)
					acc += p["accepted"].(float64)
					pend += p["pending"].(float64)
					trang += p["trang_song"].(float64)
				}
			}
		}
		var wn, whh, wacc, wpend, wtrang float64
		if err := f.pool.QueryRow(context.Background(), `SELECT count(*), sum(households), count(*) FILTER (WHERE status = 'accepted'),
			count(*) FILTER (WHERE status = 'submitted'), count(*) FILTER (WHERE category = 'trang_song') FROM survey_points`).
			Scan(&wn, &whh, &wacc, &wpend, &wtrang); err != nil {
			t.Fatal(err)
		}
		if n != wn || hh != whh || acc != wacc || pend != wpend || trang != wtrang {
			t.Errorf("z%d: count %v households %v accepted %v pending %v trang_song %v; table: %v %v %v %v %v",
				z, n, hh, acc, pend, trang, wn, whh, wacc, wpend, wtrang)
		}
	}
}

// TestAcceptMovesTheVersion: accepting points changes the ETag of the
// tiles of their province (for the reviewer and that province's officer)
// and not the other province's; the cache then serves the new content.
func TestAcceptMovesTheVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 30)
	s := f.store(t, tile.Options{CacheBytes: 1 << 20})
	tl08, tl12 := maptile.At(f.centre["08"], 12), maptile.At(f.centre["12"], 12)
	before := get(t, s, reviewer, tile.LayerPoints, tl08)
	beforeOfficer := get(t, s, officer("08"), tile.LayerPoints, tl08)
	other := get(t, s, officer("12"), tile.LayerPoints, tl12)
	cluster := get(t, s, reviewer, tile.LayerPoints, maptile.At(f.centre["08"], 7))
	if again := get(t, s, reviewer, tile.LayerPoints, tl08); again.Encoded != before.Encoded {
		t.Error("the second request did not come from the cache")
	}
	if nm, _ := s.Tile(reviewer, tile.Request{Layer: tile.LayerPoints, Z: 12, X: tl08.X, Y: tl08.Y, IfNoneMatch: before.ETag}); !nm.NotModified {
		t.Error("If-None-Match with the current ETag: not NotModified")
	}
	id := ids(decode(t, before.Raw, tile.LayerPoints))[0]
	if _, err := f.survey.DecidePoints(reviewer, []int64{id}, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := get(t, s, reviewer, tile.LayerPoints, tl08)
	if after.ETag == before.ETag || string(after.Raw) == string(before.Raw) {
		t.Fatalf("ETag %s → %s, content changed: %v", before.ETag, after.ETag, string(after.Raw) != string(before.Raw))
	}
	for _, ft := range decode(t, after.Raw, tile.LayerPoints)[0].Features {
		if int64(ft.Properties["id"].(float64)) == id && ft.Properties["status"] != "accepted" {
			t.Errorf("point %d: status %v after accepting it", id, ft.Properties["status"])
		}
	}
	if a := get(t, s, officer("08"), tile.LayerPoints, tl08); a.ETag == beforeOfficer.ETag {
		t.Error("the officer of 08 keeps the old ETag")
	}
	if a := get(t, s, officer("12"), tile.LayerPoints, tl12); a.ETag != other.ETag {
		t.Error("the officer of 12 got a new ETag for a change in 08")
	}
	c := get(t, s, reviewer, tile.LayerPoints, maptile.At(f.centre["08"], 7))
	if c.ETag == cluster.ETag {
		t.Fatal("the z7 cluster tile keeps its ETag")
	}
	var acc float64
	for _, ft := range decode(t, c.Raw, tile.LayerPoints)[0].Features {
		acc += ft.Properties["accepted"].(float64)
	}
	if acc != float64(f.nPoints["12"]+1) && acc != 1 {
		t.Errorf("z7 clusters count %v accepted points after the accept", acc)
	}
}

// TestWarmReadsAhead: Warm builds the snapshots before any tile is asked
// for. A change written behind the store's back (no audit row, so no
// version bump) shows which store read the points when: the warmed one
// still draws the old name, one that reads on first use the new one.
func TestWarmReadsAhead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 25)
	ctx := context.Background()
	warm := f.store(t, tile.Options{})
	if err := warm.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	tl := maptile.At(f.centre["12"], 12)
	if _, err := f.pool.Exec(ctx, `UPDATE survey_points SET village_name = 'Bản Đổi Tên' WHERE province_code = '12'`); err != nil {
		t.Fatal(err)
	}
	lazy := f.store(t, tile.Options{})
	village := func(s *tile.Store) any {
		ls := decode(t, get(t, s, reviewer, tile.LayerPoints, tl).Raw, tile.LayerPoints)
		if len(ls[0].Features) == 0 {
			t.Fatal("no points in the tile")
		}
		return ls[0].Features[0].Properties["village"]
	}
	if got := village(warm); got == "Bản Đổi Tên" {
		t.Errorf("the warmed store read the points on first use, not ahead: %v", got)
	}
	if got := village(lazy); got != "Bản Đổi Tên" {
		t.Errorf("the store built after the change draws %v", got)
	}
}
