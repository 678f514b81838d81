package area_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// withAttributes gives generator points (which carry no terrain,
// facilities or ĐBKK flag) seeded random ones, so that every radius and
// score term is exercised.
func withAttributes(pts []survey.Point, seed uint64) []survey.Point {
	r := rand.New(rand.NewPCG(seed, seed))
	out := slices.Clone(pts)
	for i := range out {
		p := &out[i]
		p.Terrain = []string{"flat", "hilly", "mountainous", ""}[r.IntN(4)]
		p.DBKK = []string{"yes", "no", ""}[r.IntN(3)]
		p.Facilities = nil
		for _, f := range []string{"school", "health", "commune_office", "border_post", "market"} {
			if r.IntN(10) == 0 {
				p.Facilities = append(p.Facilities, f)
			}
		}
	}
	return out
}

// TestBuildProperties checks Build on 20,000 generator points with random
// terrain: every point in exactly one area, inside its polygon (orb and
// PostGIS agree, and PostGIS finds every polygon valid), within the
// coverage radius of the site serving it (in metres of the projection and
// on the ellipsoid), no area across a province border or over the size
// limits, and the sums add up.
func TestBuildProperties(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	pts := withAttributes(generate(t, 20000, 1), 3)
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("default", func(t *testing.T) { checkBuild(t, pool, pts, cfg) })
	// Tight bounds, so that most clusters are split.
	cfg.MaxSites, cfg.MaxDiameter = 2, 10000
	t.Run("tight", func(t *testing.T) { checkBuild(t, pool, pts, cfg) })
}

func checkBuild(t *testing.T, pool *pgxpool.Pool, pts []survey.Point, cfg area.Config) {
	ctx := context.Background()
	g, areas, err := area.Build(ctx, pts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkGrouping(t, pts, g)

	in := make([]int, len(pts)) // area of each point
	for i := range in {
		in[i] = -1
	}
	var (
		polys             [][]byte
		lons, lats, radii []float64
		siteLon, siteLat  []float64
		ptArea            []int
		sites             int
	)
	for k, a := range areas {
		hh := 0
		for _, i := range a.Points {
			if in[i] >= 0 {
				t.Fatalf("point %d in areas %d and %d", i, in[i], k)
			}
			in[i] = k
			hh += pts[i].Households
			if pts[i].ProvinceCode != a.Province {
				t.Fatalf("area %d of province %s holds point %d of %s", k, a.Province, i, pts[i].ProvinceCode)
			}
			if int(g.Cluster[i]) != a.Cluster {
				t.Fatalf("area %d of cluster %d holds point %d of cluster %d", k, a.Cluster, i, g.Cluster[i])
			}
			if !planar.MultiPolygonContains(a.Polygon, pts[i].Location) {
				t.Fatalf("area %d: point %d %v outside its polygon", k, i, pts[i].Location)
			}
		}
		if hh != a.Households {
			t.Fatalf("area %d: %d households, its points have %d", k, a.Households, hh)
		}
		if len(a.Sites) == 0 || len(a.Sites) > cfg.MaxSites {
			t.Fatalf("area %d has %d sites, limit %d", k, len(a.Sites), cfg.MaxSites)
		}
		if d := bruteDiameter(g, a.Points); d > cfg.MaxDiameter || math.Abs(d-a.Diameter) > 1e-6 {
			t.Fatalf("area %d: diameter %.3f m (reported %.3f), limit %v", k, d, a.Diameter, cfg.MaxDiameter)
		}
		var served []int
		var cost site.Cost
		for _, s := range a.Sites {
			sites++
			cost = cost.Add(s.Cost)
			for _, i := range s.Points {
				served = append(served, i)
				p := pts[i]
				r := cfg.Site.RadiusOf(p.Terrain)
				if d := math.Hypot(g.X[i]-s.X, g.Y[i]-s.Y); d > r+site.Tolerance {
					t.Fatalf("area %d: point %d (%s) is %.3f m from its site, radius %v m", k, i, p.Terrain, d, r)
				}
				lons, lats, radii = append(lons, p.Location[0]), append(lats, p.Location[1]), append(radii, r)
				siteLon, siteLat = append(siteLon, s.Location[0]), append(siteLat, s.Location[1])
				ptArea = append(ptArea, k)
			}
		}
		slices.Sort(served)
		if !slices.Equal(served, a.Points) {
			t.Fatalf("area %d: its sites serve %d points, it has %d", k, len(served), len(a.Points))
		}
		if cost != a.Cost {
			t.Fatalf("area %d: cost %+v, its sites add up to %+v", k, a.Cost, cost)
		}
		if a.Score.Value < 0 || a.Score.Value > 100 || a.Score.Formula == "" || len(a.Score.Terms) != 5 {
			t.Fatalf("area %d: score %+v", k, a.Score)
		}
		b, err := wkb.Marshal(a.Polygon)
		if err != nil {
			t.Fatal(err)
		}
		polys = append(polys, b)
	}
	for i, k := range in {
		if k < 0 {
			t.Fatalf("point %d is in no area", i)
		}
	}

	// PostGIS: every polygon valid, every point covered by its area's
	// polygon, and within its radius of its site on the ellipsoid (the
	// projection's scale error is below 0.07 % on the mainland).
	var invalid, uncovered, far int
	var worst float64
	err = pool.QueryRow(ctx, `
		WITH a AS (SELECT ord - 1 AS k, ST_GeomFromWKB(w, 4326) AS g FROM unnest($1::bytea[]) WITH ORDINALITY AS u(w, ord)),
		     p AS (SELECT * FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int[])
		                   AS u(lon, lat, r, slon, slat, k))
		SELECT (SELECT count(*) FROM a WHERE NOT ST_IsValid(g)),
		       (SELECT count(*) FROM p JOIN a USING (k) WHERE NOT ST_Covers(a.g, ST_SetSRID(ST_MakePoint(lon, lat), 4326))),
		       (SELECT count(*) FROM p WHERE ST_Distance(ST_MakePoint(lon, lat)::geography, ST_MakePoint(slon, slat)::geography) > r * 1.0007),
		       (SELECT coalesce(max(ST_Distance(ST_MakePoint(lon, lat)::geography, ST_MakePoint(slon, slat)::geography) / r), 0) FROM p)`,
		polys, lons, lats, radii, siteLon, siteLat, ptArea).Scan(&invalid, &uncovered, &far, &worst)
	if err != nil {
		t.Fatal(err)
	}
	if invalid+uncovered+far > 0 {
		t.Errorf("PostGIS: %d invalid polygons, %d points outside their polygon, %d points beyond their radius", invalid, uncovered, far)
	}
	t.Logf("%d points, %d clusters, %d areas, %d sites; farthest point at %.5f of its radius on the ellipsoid",
		len(pts), len(g.Clusters), len(areas), sites, worst)
}

// bruteDiameter is the largest distance between two of the points, by
// comparing every pair.
func bruteDiameter(g *area.Grouping, idx []int) float64 {
	d := 0.0
	for a, i := range idx {
		for _, j := range idx[a+1:] {
			d = math.Max(d, math.Hypot(g.X[i]-g.X[j], g.Y[i]-g.Y[j]))
		}
	}
	return d
}

// TestBuildSmall checks the cases the polygon construction treats apart: an
// area of one point (a circle), of two (a capsule), of collinear points,
// and of many points at one place.
func TestBuildSmall(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(4, 4))
	pts := []survey.Point{
		point("14", "03703", "Một", 103.60, 21.60, r),
		point("14", "03703", "Hai", 103.70, 21.60, r),
		point("14", "03703", "Hai", 103.71, 21.60, r),
		point("14", "03703", "Ba", 103.80, 21.60, r),
		point("14", "03703", "Ba", 103.81, 21.61, r),
		point("14", "03703", "Ba", 103.82, 21.62, r),
	}
	for range 50 {
		pts = append(pts, point("14", "03703", "Chồng", 103.90, 21.60, r))
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	_, areas, err := area.Build(ctx, pts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 4 {
		t.Fatalf("got %d areas, want 4", len(areas))
	}
	for k, a := range areas {
		b, err := wkb.Marshal(a.Polygon)
		if err != nil {
			t.Fatal(err)
		}
		var valid bool
		var uncovered int
		err = pool.QueryRow(ctx, `
			WITH a AS (SELECT ST_GeomFromWKB($1, 4326) AS g)
			SELECT ST_IsValid(g),
			       (SELECT count(*) FROM unnest($2::float8[], $3::float8[]) AS p(lon, lat)
			        WHERE ST_Distance(ST_Boundary(g)::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) < $4 * 0.999
			           OR NOT ST_Covers(g, ST_SetSRID(ST_MakePoint(lon, lat), 4326)))
			FROM a`, b, lonsOf(pts, a.Points), latsOf(pts, a.Points), a.Margin).Scan(&valid, &uncovered)
		if err != nil {
			t.Fatal(err)
		}
		if !valid || uncovered > 0 {
			t.Errorf("area %d (%d points): valid %v, %d points closer than the margin %v m to its edge", k, len(a.Points), valid, uncovered, a.Margin)
		}
	}
}

func lonsOf(pts []survey.Point, idx []int) []float64 {
	out := make([]float64, len(idx))
	for j, i := range idx {
		out[j] = pts[i].Location[0]
	}
	return out
}

func latsOf(pts []survey.Point, idx []int) []float64 {
	out := make([]float64, len(idx))
	for j, i := range idx {
		out[j] = pts[i].Location[1]
	}
	return out
}
