package area_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// oracle returns, for each point, the cluster PostGIS gives it:
// ST_ClusterDBSCAN(ST_MakePoint(x, y), eps, minpoints => 1) OVER (PARTITION
// BY province_code), on the very metric coordinates given, as labels
// "province/cluster".
func oracle(t *testing.T, pool *pgxpool.Pool, provinces []string, xs, ys []float64, eps float64) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE oracle_points (i integer, province_code text, x float8, y float8)`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `DROP TABLE oracle_points`)
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"oracle_points"}, []string{"i", "province_code", "x", "y"},
		pgx.CopyFromSlice(len(xs), func(i int) ([]any, error) { return []any{i, provinces[i], xs[i], ys[i]}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `
		SELECT i, province_code || '/' || ST_ClusterDBSCAN(ST_MakePoint(x, y), $1, 1)
		       OVER (PARTITION BY province_code)
		FROM oracle_points`, eps)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(xs))
	for rows.Next() {
		var i int
		var label string
		if err := rows.Scan(&i, &label); err != nil {
			t.Fatal(err)
		}
		out[i] = label
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkPartition fails t unless the labels got and want put the same
// points together; it reports the first point where they part.
func checkPartition[A, B comparable](t *testing.T, got []A, want []B) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d labels, want %d", len(got), len(want))
	}
	gw, wg := map[A]B{}, map[B]A{}
	for i := range got {
		if w, ok := gw[got[i]]; ok && w != want[i] {
			t.Fatalf("point %d: our cluster %v also holds points PostGIS puts in %v, PostGIS puts it in %v", i, got[i], w, want[i])
		}
		if g, ok := wg[want[i]]; ok && g != got[i] {
			t.Fatalf("point %d: PostGIS cluster %v also holds points we put in %v, we put it in %v", i, want[i], g, got[i])
		}
		gw[got[i]], wg[want[i]] = want[i], got[i]
	}
}

// groupAndCompare groups pts at eps, compares the partition with the
// oracle on the grouping's own metric coordinates and returns the grouping.
func groupAndCompare(t *testing.T, pool *pgxpool.Pool, pts []survey.Point, eps float64) *area.Grouping {
	t.Helper()
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Eps = eps
	g, err := area.Group(context.Background(), pts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	provinces := make([]string, len(pts))
	for i, p := range pts {
		provinces[i] = p.ProvinceCode
	}
	checkPartition(t, g.Cluster, oracle(t, pool, provinces, g.X, g.Y, eps))
	checkGrouping(t, pts, g)
	return g
}

// checkGrouping checks the invariants of a grouping: each point in exactly
// the cluster that lists it, clusters of one province, points ascending.
func checkGrouping(t *testing.T, pts []survey.Point, g *area.Grouping) {
	t.Helper()
	seen := make([]int, len(pts))
	for k, c := range g.Clusters {
		for j, i := range c.Points {
			if j > 0 && c.Points[j-1] >= i {
				t.Fatalf("cluster %d: points not ascending", k)
			}
			if pts[i].ProvinceCode != c.Province {
				t.Fatalf("cluster %d of province %s holds point %d of %s", k, c.Province, i, pts[i].ProvinceCode)
			}
			if int(g.Cluster[i]) != k {
				t.Fatalf("point %d listed in cluster %d but labelled %d", i, k, g.Cluster[i])
			}
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("point %d is in %d clusters", i, n)
		}
	}
}

// scattered returns n points in villages around random commune interior
// points: 1–20 points per village within 0–4 km, so that eps decides.
func scattered(t *testing.T, r *rand.Rand, n int) []survey.Point {
	t.Helper()
	ref, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	communes := ref.Communes()
	var pts []survey.Point
	for len(pts) < n {
		c := communes[r.IntN(len(communes))]
		spread := r.Float64() * 4000
		for k := 1 + r.IntN(20); k > 0 && len(pts) < n; k-- {
			d := spread * math.Sqrt(r.Float64())
			a := r.Float64() * 2 * math.Pi
			lat := c.Point[1] + d*math.Cos(a)/111320
			lon := c.Point[0] + d*math.Sin(a)/(111320*math.Cos(lat*math.Pi/180))
			pts = append(pts, point(c.ProvinceCode, c.Code, fmt.Sprintf("Thôn %d", len(pts)), lon, lat, r))
		}
	}
	return pts
}

// point returns a survey point with random attributes.
func point(province, commune, village string, lon, lat float64, r *rand.Rand) survey.Point {
	p := survey.Point{
		ProvinceCode: province, CommuneCode: commune, VillageName: village,
		Location: orb.Point{lon, lat}, Households: 1 + r.IntN(200),
		GridPower: []string{"yes", "no", "partial"}[r.IntN(3)],
		Terrain:   []string{"flat", "hilly", "mountainous", ""}[r.IntN(4)],
		DBKK:      []string{"yes", "no", ""}[r.IntN(3)],
	}
	p.Population = p.Households * (3 + r.IntN(3))
	for k := range p.Signal {
		p.Signal[k] = []string{"none", "none", "2g", "3g"}[r.IntN(4)]
	}
	p.Category = survey.DeriveCategory(p.Signal)
	for _, f := range []string{"school", "health", "commune_office", "border_post", "market"} {
		if r.IntN(8) == 0 {
			p.Facilities = append(p.Facilities, f)
		}
	}
	return p
}

func TestGroupMatchesPostGISRandom(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	r := rand.New(rand.NewPCG(11, 12))
	pts := scattered(t, r, 20000)
	for _, eps := range []float64{500, 2000, 5000} {
		t.Run(fmt.Sprint(eps), func(t *testing.T) {
			g := groupAndCompare(t, pool, pts, eps)
			t.Logf("eps %v m: %d points, %d clusters", eps, len(pts), len(g.Clusters))
		})
	}
}

func TestGroupMatchesPostGISGenerator(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	pts := generate(t, 20000, 1)
	g := groupAndCompare(t, pool, pts, area.DefaultEps)
	t.Logf("generator, 20,000 points, seed 1: %d clusters", len(g.Clusters))
}

// TestGroupAcrossUTMZones puts chains of points across 108°E, where UTM 48
// ends and 49 begins, in the provinces that straddle it, spaced just under
// and just over eps as measured on the ellipsoid by PostGIS (geography). The
// partition must match the oracle, and links must follow the true
// distance: a projection that switched zones at 108°E would break the
// chains there.
func TestGroupAcrossUTMZones(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	const eps = 2000.0
	var pts []survey.Point
	type chain struct {
		first, n int
		linked   bool
	}
	var chains []chain
	// Province, a commune of it, a latitude where it spans 108°E.
	places := []struct {
		province, commune string
		lat               float64
	}{
		{"51", "23284", 14.41}, // Quảng Ngãi, Phường Đăk Cấm (Kon Tum)
		{"52", "23575", 14.00}, // Gia Lai, Phường Pleiku
		{"66", "24133", 12.71}, // Đắk Lắk, Phường Buôn Ma Thuột
		{"68", "22960", 10.97}, // Lâm Đồng, Phường Bình Thuận
		{"48", "20197", 16.03}, // Đà Nẵng, Phường Liên Chiểu
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, pl := range places {
		for c, spacing := range []float64{0.998 * eps, 1.002 * eps} {
			first := len(pts)
			// 9 points on a geodesic through 108°E (the middle one on it),
			// the second chain 20 km north of the first, placed by PostGIS
			// on the ellipsoid.
			az := math.Pi/2 + (r.Float64()-0.5)*1.2 // about east
			lat := pl.lat + 0.18*float64(c)
			for k := -4; k <= 4; k++ {
				dir := az
				if k < 0 {
					dir += math.Pi // the same geodesic, westwards
				}
				var lon, lat2 float64
				err := pool.QueryRow(ctx, `
					SELECT ST_X(p::geometry), ST_Y(p::geometry)
					FROM ST_Project(ST_MakePoint(108, $1)::geography, $2, $3) AS p`,
					lat, math.Abs(float64(k))*spacing, dir).Scan(&lon, &lat2)
				if err != nil {
					t.Fatal(err)
				}
				pts = append(pts, point(pl.province, pl.commune, "Chuỗi", lon, lat2, r))
			}
			chains = append(chains, chain{first, 9, spacing < eps})
		}
	}
	// The true spacing, on the WGS 84 ellipsoid, and our projected one.
	g := groupAndCompare(t, pool, pts, eps)
	worst := 0.0
	defer func() { t.Logf("largest projected/geodesic difference: %.4f %%", 100*worst) }()
	for _, c := range chains {
		for k := c.first; k+1 < c.first+c.n; k++ {
			a, b := pts[k].Location, pts[k+1].Location
			var geo float64
			err := pool.QueryRow(ctx, `SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($3, $4)::geography)`,
				a[0], a[1], b[0], b[1]).Scan(&geo)
			if err != nil {
				t.Fatal(err)
			}
			proj := math.Hypot(g.X[k+1]-g.X[k], g.Y[k+1]-g.Y[k])
			rel := math.Abs(proj-geo) / geo
			worst = math.Max(worst, rel)
			if rel > 0.0005 {
				t.Errorf("points %d–%d: projected %.3f m, geodesic %.3f m (%.4f %%)", k, k+1, proj, geo, 100*rel)
			}
			if linked := g.Cluster[k] == g.Cluster[k+1]; linked != (geo <= eps) {
				t.Errorf("points %d–%d (%s, %.5f°E → %.5f°E) %.3f m apart on the ellipsoid: linked %v",
					k, k+1, pts[k].ProvinceCode, a[0], b[0], geo, linked)
			}
		}
		if same := g.Cluster[c.first] == g.Cluster[c.first+c.n-1]; same != c.linked {
			t.Errorf("chain at %d: one cluster %v, want %v", c.first, same, c.linked)
		}
	}
}

// TestGroupIdenticalPoints stacks 2,000 points on a few coordinates.
func TestGroupIdenticalPoints(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	r := rand.New(rand.NewPCG(1, 1))
	var pts []survey.Point
	for k := range 2000 {
		lon, lat := 104.0+float64(k%4)*0.05, 21.5 // four stacks 5 km apart
		pts = append(pts, point("14", "03703", "Bản", lon, lat, r))
	}
	pts = append(pts, point("14", "03703", "Bản", 104.0+0.018, 21.5, r)) // 1.86 km from the first stack
	g := groupAndCompare(t, pool, pts, area.DefaultEps)
	if len(g.Clusters) != 4 {
		t.Errorf("got %d clusters, want 4", len(g.Clusters))
	}
}

// TestGroupOneProvincePoint: a province with one point, and two points of
// different provinces 100 m apart, which never share a cluster.
func TestGroupOneProvincePoint(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	r := rand.New(rand.NewPCG(2, 2))
	pts := scattered(t, r, 500)
	pts = append(pts,
		point("04", "01273", "Lẻ loi", 106.2, 22.8, r),
		// Two points 100 m apart carrying different provinces' codes.
		point("14", "03703", "Biên", 103.5, 21.6, r),
		point("11", "03199", "Biên", 103.5009, 21.6, r),
	)
	g := groupAndCompare(t, pool, pts, area.DefaultEps)
	n := len(pts)
	if g.Cluster[n-2] == g.Cluster[n-1] {
		t.Errorf("points of provinces 14 and 11 share a cluster")
	}
	ones := 0
	for _, c := range g.Clusters {
		if c.Province == "04" {
			ones++
		}
	}
	if ones < 1 {
		t.Errorf("province 04 has no cluster")
	}
}

// TestLinkExactlyEps compares linkUniform with PostGIS on metric
// coordinates placed exactly eps apart (exact in binary: 3-4-5 triangles,
// steps of 2,000 m) and on pairs one rounding either side of eps.
func TestLinkExactlyEps(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	const eps = 2000.0
	var xs, ys []float64
	add := func(x, y float64) { xs = append(xs, x); ys = append(ys, y) }
	// A row of points exactly eps apart: one cluster.
	for k := range 10 {
		add(500000+float64(k)*eps, 2000000)
	}
	// 3-4-5 diagonal steps, exactly eps.
	for k := range 10 {
		add(600000+float64(k)*1200, 2100000+float64(k)*1600)
	}
	// Just over: one ulp beyond.
	add(700000, 2000000)
	add(math.Nextafter(700000+eps, math.Inf(1)), 2000000)
	// Pairs at eps along random bearings, one rounding either way, far apart.
	r := rand.New(rand.NewPCG(9, 9))
	for k := range 3000 {
		x, y := 100000+float64(k%60)*10000+r.Float64(), 1000000+float64(k/60)*10000+r.Float64()
		a := r.Float64() * 2 * math.Pi
		add(x, y)
		add(x+eps*math.Cos(a), y+eps*math.Sin(a))
	}
	got, _ := area.LinkUniform(xs, ys, eps)
	provinces := make([]string, len(xs))
	for i := range provinces {
		provinces[i] = "01"
	}
	want := oracle(t, pool, provinces, xs, ys, eps)
	checkPartition(t, got, want)
	for k := 1; k < 20; k++ {
		if k != 10 && got[k] != got[k-1] {
			t.Errorf("points %d and %d exactly %v m apart are not linked", k-1, k, eps)
		}
	}
	if got[20] == got[21] {
		t.Errorf("points one ulp over eps are linked")
	}
	linked := 0
	for k := 22; k < len(xs); k += 2 {
		if got[k] == got[k+1] {
			linked++
		}
	}
	t.Logf("of 3,000 pairs at eps ± one rounding, %d linked, as PostGIS", linked)
}
