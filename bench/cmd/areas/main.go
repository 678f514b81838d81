// Command areas times grouping survey points into areas two ways on the
// same points and eps, in the same run, and checks that both give the same
// partition. It is the measuring half of bench/areas.sh.
//
//   - PostGIS: the points' metric coordinates (area.Projection of their
//     province, computed once in Go, not timed) are loaded into a stored
//     geometry column of a throw-away database; then the pipeline
//     ST_ClusterDBSCAN(geom, eps, 1) OVER (PARTITION BY province_code) +
//     GROUP BY + count, sum of households and ST_ConvexHull(ST_Collect(geom))
//     runs and every row is read by the client, twice, the faster run
//     counting. The same with
//     array_agg(id) gives the members, for the partition check; OVER () on
//     the same column is timed for reference (its groups cross provinces,
//     so its partition is not the product's).
//
//   - Go: area.Group + Grouping.Areas from lon/lat: projection, single
//     linkage, and per area its counts, communes, villages, convex hull
//     buffered by the coverage radius and unprojected to EPSG:4326 — more
//     than the SQL computes. The median of -runs runs.
//
//     go run ./bench/cmd/areas -url "$SUPERUSER_URL" -csv points.csv
//
// It prints key=value lines on stdout, areas_speedup_vs_postgis last, and
// progress on stderr. The database is dropped at the end unless -keep.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/geo/survey/surveygen"
)

func main() {
	dbURL := flag.String("url", "", "superuser URL of the test cluster (go run ./cmd/phusong db start --test)")
	csvPath := flag.String("csv", "", "survey-format CSV from shared/tools/gen")
	eps := flag.Float64("eps", area.DefaultEps, "linking distance, metres")
	runs := flag.Int("runs", 5, "Go runs (the median is reported)")
	overAll := flag.Bool("over-all", true, "also time the OVER () variant of the SQL pipeline")
	keep := flag.Bool("keep", false, "keep the database")
	flag.Parse()
	if *dbURL == "" || *csvPath == "" || *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), *dbURL, *csvPath, *eps, *runs, *overAll, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "areas:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "areas: "+format+"\n", args...)
}

func run(ctx context.Context, superURL, csvPath string, eps float64, runs int, overAll, keep bool) error {
	pts, err := surveygen.ReadFile(csvPath)
	if err != nil {
		return err
	}
	logf("%d points read", len(pts))
	cfg, err := area.DefaultConfig()
	if err != nil {
		return err
	}
	cfg.Eps = eps

	// The metric coordinates both sides use.
	g, err := area.Group(ctx, pts, cfg)
	if err != nil {
		return err
	}

	dbName := fmt.Sprintf("bench_areas_%d", os.Getpid())
	admin, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+dbName); err != nil {
		return err
	}
	if !keep {
		defer func() {
			if _, err := admin.Exec(context.Background(), "DROP DATABASE "+dbName+" WITH (FORCE)"); err != nil {
				logf("drop database %s: %v", dbName, err)
			}
		}()
	} else {
		logf("database %s kept", dbName)
	}
	u, err := url.Parse(superURL)
	if err != nil {
		return err
	}
	u.Path = "/" + dbName
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)

	t0 := time.Now()
	if err := load(ctx, conn, pts, g); err != nil {
		return err
	}
	logf("loaded into %s in %.1f s", dbName, time.Since(t0).Seconds())

	// The headline pipeline: per-area counts and hulls.
	pipeline := `
		SELECT province_code, cid, count(*), sum(households), ST_AsBinary(ST_ConvexHull(ST_Collect(geom)))
		FROM (SELECT province_code, households, geom,
		             ST_ClusterDBSCAN(geom, $1, 1) OVER (PARTITION BY province_code) AS cid
		      FROM pts) c
		GROUP BY province_code, cid`
	// Twice, the faster counts: the first run may pay for caches and JIT.
	var pgRuns []float64
	var pgAreas int
	for range 2 {
		sec, n, err := timeQuery(ctx, conn, pipeline, eps)
		if err != nil {
			return err
		}
		pgRuns, pgAreas = append(pgRuns, sec), n
		logf("PostGIS pipeline: %.2f s, %d areas", sec, n)
	}
	pgSec := slices.Min(pgRuns)

	// The same with members, for the partition check.
	labels := make(map[int32]int, len(pts))
	withIDs := `
		SELECT array_agg(id), count(*), sum(households), ST_AsBinary(ST_ConvexHull(ST_Collect(geom)))
		FROM (SELECT id, province_code, households, geom,
		             ST_ClusterDBSCAN(geom, $1, 1) OVER (PARTITION BY province_code) AS cid
		      FROM pts) c
		GROUP BY province_code, cid`
	t1 := time.Now()
	rows, err := conn.Query(ctx, withIDs, eps)
	if err != nil {
		return err
	}
	k := 0
	for rows.Next() {
		var ids []int32
		var n, hh int64
		var hull []byte
		if err := rows.Scan(&ids, &n, &hh, &hull); err != nil {
			return err
		}
		for _, id := range ids {
			labels[id] = k
		}
		k++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	idSec := time.Since(t1).Seconds()
	logf("PostGIS pipeline with members: %.2f s", idSec)

	var allSec float64
	if overAll {
		allSec, _, err = timeQuery(ctx, conn, `
			SELECT cid, count(*), sum(households), ST_AsBinary(ST_ConvexHull(ST_Collect(geom)))
			FROM (SELECT households, geom, ST_ClusterDBSCAN(geom, $1, 1) OVER () AS cid FROM pts) c
			GROUP BY cid`, eps)
		if err != nil {
			return err
		}
		logf("PostGIS pipeline OVER (): %.2f s", allSec)
	}

	// Go, the median of runs.
	var times []float64
	var goAreas []area.Area
	var gg *area.Grouping
	for r := range runs {
		t := time.Now()
		gg, err = area.Group(ctx, pts, cfg)
		if err != nil {
			return err
		}
		goAreas, err = gg.Areas(ctx, pts, cfg)
		if err != nil {
			return err
		}
		times = append(times, time.Since(t).Seconds())
		logf("Go run %d: %.3f s, %d areas", r+1, times[r], len(goAreas))
	}
	slices.Sort(times)
	goSec := times[len(times)/2]

	// Identical partitions: a bijection between PostGIS clusters and ours.
	if len(labels) != len(pts) || k != len(gg.Clusters) {
		return fmt.Errorf("partitions differ: PostGIS %d areas over %d points, Go %d areas over %d points",
			k, len(labels), len(gg.Clusters), len(pts))
	}
	pgToGo := make([]int32, k)
	for i := range pgToGo {
		pgToGo[i] = -1
	}
	for i := range pts {
		l, ok := labels[int32(i+1)]
		if !ok {
			return fmt.Errorf("point id %d missing from the PostGIS result", i+1)
		}
		if pgToGo[l] == -1 {
			pgToGo[l] = gg.Cluster[i]
		} else if pgToGo[l] != gg.Cluster[i] {
			return fmt.Errorf("partitions differ at point id %d", i+1)
		}
	}
	biggest := 0
	for _, c := range gg.Clusters {
		biggest = max(biggest, len(c.Points))
	}

	fmt.Printf("points=%d\n", len(pts))
	fmt.Printf("eps_m=%g\n", eps)
	fmt.Printf("areas=%d\n", len(goAreas))
	fmt.Printf("largest_area_points=%d\n", biggest)
	fmt.Printf("partition_identical=true\n")
	fmt.Printf("postgis_pipeline_s=%.3f\n", pgSec)
	fmt.Printf("postgis_pipeline_runs_s=%s\n", fmtList(pgRuns))
	fmt.Printf("postgis_areas=%d\n", pgAreas)
	fmt.Printf("postgis_pipeline_with_members_s=%.3f\n", idSec)
	if overAll {
		fmt.Printf("postgis_pipeline_over_all_s=%.3f\n", allSec)
	}
	fmt.Printf("go_group_areas_s=%.3f\n", goSec)
	fmt.Printf("go_runs_s=%s\n", fmtList(times))
	fmt.Printf("areas_speedup_vs_postgis=%.1f\n", pgSec/goSec)
	return nil
}

func fmtList(xs []float64) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += strconv.FormatFloat(x, 'f', 3, 64)
	}
	return s
}

// timeQuery runs q and reads every row, returning the seconds it took and
// the number of rows.
func timeQuery(ctx context.Context, conn *pgx.Conn, q string, args ...any) (float64, int, error) {
	t := time.Now()
	rows, err := conn.Query(ctx, q, args...)
	if err != nil {
		return 0, 0, err
	}
	n := 0
	for rows.Next() {
		if _, err := rows.Values(); err != nil {
			return 0, 0, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	return time.Since(t).Seconds(), n, nil
}

// load copies the points, with their metric coordinates, into table pts:
// id (1-based row), province_code, households, geom (the stored metric
// column, SRID 0), then analyses it and reads it once, so the timed
// queries find it in memory.
func load(ctx context.Context, conn *pgx.Conn, pts []survey.Point, g *area.Grouping) error {
	stmts := []string{
		`CREATE EXTENSION IF NOT EXISTS postgis`,
		`CREATE UNLOGGED TABLE staging (id integer, province_code text, households integer, x float8, y float8)`,
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	_, err := conn.CopyFrom(ctx, pgx.Identifier{"staging"}, []string{"id", "province_code", "households", "x", "y"},
		pgx.CopyFromSlice(len(pts), func(i int) ([]any, error) {
			return []any{int32(i + 1), pts[i].ProvinceCode, int32(pts[i].Households), g.X[i], g.Y[i]}, nil
		}))
	if err != nil {
		return err
	}
	for _, s := range []string{
		`CREATE TABLE pts AS SELECT id, province_code, households, ST_MakePoint(x, y)::geometry(Point) AS geom FROM staging`,
		`DROP TABLE staging`,
		`VACUUM ANALYZE pts`,
		`SELECT count(*), sum(ST_X(geom)) FROM pts`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
