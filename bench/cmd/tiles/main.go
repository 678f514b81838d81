// Command tiles is the load generator of bench/tiles.sh: vector tiles and
// OGC API Features pages from a running phusong, beside the baseline of
// what pg_tileserv and pg_featureserv do per request (one plain PostGIS
// query over a pool), in one run. It prints one line per run and the
// ratios; the last two lines are tiles_z8_vs_baseline=R and
// tiles_z12_vs_baseline=R.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/maptile"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bench/internal/serve"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/tile"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tiles:", err)
		os.Exit(1)
	}
}

var (
	dbURL    = flag.String("db", "", "database URL (the bench database)")
	cold     = flag.String("cold", "", "base URL of a phusong serving with its tile cache off")
	warm     = flag.String("warm", "", "base URL of a phusong serving with its tile cache on")
	user     = flag.String("user", "bench", "a reviewer account")
	password = flag.String("password", "", "its password")
	duration = flag.Duration("duration", 10*time.Second, "length of each run")
	conns    = flag.Int("conns", 16, "concurrent connections")
	only     = flag.String("only", "", "run only the runs whose name matches this regular expression (for profiling)")
	cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of this process here")
)

// pointProps are the properties of our points layer, for the baseline.
const pointProps = `id, category, status, submission_id, households, province_code AS province, village_name AS village`

const tileBaseline = `SELECT ST_AsMVT(q, 'points') FROM (
	SELECT ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3)) AS geom, ` + pointProps + `
	FROM survey_points WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) LIMIT 50000) q`

// featureBaseline is pg_featureserv's page: a bbox query with LIMIT and
// OFFSET, each row as GeoJSON, the same properties as our points items.
const featureBaseline = `SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(geom)::json,
	'properties', json_build_object('province', province_code, 'commune', commune_code, 'village', village_name,
	  'ref_id', ref_id, 'households', households, 'population', population, 'grid_power', grid_power, 'terrain', terrain,
	  'dbkk', dbkk, 'signal_viettel', signal_viettel, 'signal_vinaphone', signal_vinaphone, 'signal_mobifone', signal_mobifone,
	  'signal_vietnamobile', signal_vietnamobile, 'surveyed_on', surveyed_on, 'category', category, 'status', status,
	  'submission_id', submission_id, 'created_at', created_at, 'updated_at', updated_at))::text
	FROM survey_points WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) LIMIT $5 OFFSET $6`

type result struct {
	name  string
	n     int64
	bytes int64
	errs  int64
	lat   []time.Duration
	took  time.Duration
}

func (r result) rps() float64 { return float64(r.n) / r.took.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func (r result) String() string {
	avg := int64(0)
	if r.n > 0 {
		avg = r.bytes / r.n
	}
	return fmt.Sprintf("%-28s %8d req %9.1f /s  p50 %7.2f ms  p99 %7.2f ms  %8d B avg  %d errors",
		r.name, r.n, r.rps(), ms(r.pct(0.5)), ms(r.pct(0.99)), avg, r.errs)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs fn from conns workers for the duration; fn gets a request
// number and returns the bytes it received.
func load(name string, fn func(i int64) (int, error)) result {
	if *only != "" && !regexp.MustCompile(*only).MatchString(name) {
		return result{name: name, took: time.Second}
	}
	var (
		mu   sync.Mutex
		all  []time.Duration
		next atomic.Int64
		n    atomic.Int64
		size atomic.Int64
		errs atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(*duration)
	var firstErr atomic.Value
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(end) {
				t := time.Now()
				b, err := fn(next.Add(1))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat = append(lat, time.Since(t))
				n.Add(1)
				size.Add(int64(b))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(all)
	r := result{name: name, n: n.Load(), bytes: size.Load(), errs: errs.Load(), lat: all, took: time.Since(start)}
	fmt.Println(r)
	if e := firstErr.Load(); e != nil {
		fmt.Println("  first error:", e)
	}
	return r
}

type client struct {
	http  *http.Client
	token string
}

func (c client) get(url string) (int, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return int(n), err
}

func run() error {
	flag.Parse()
	ctx := context.Background()
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		return err
	}
	cfg.MaxConns = int32(*conns)
	cfg.MinConns = int32(*conns)
	// As phusong serve's pool: the baseline gets the same help.
	cfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	// The densest z8 tile, and its z12 children holding points, densest first.
	var x8, y8 uint32
	var n8 int
	if err := pool.QueryRow(ctx, `SELECT x, y, n FROM (
		SELECT floor((ST_X(geom) / 360 + 0.5) * 256)::int x,
		       floor((0.5 - ln((1 + sin(radians(ST_Y(geom)))) / (1 - sin(radians(ST_Y(geom))))) / (4 * pi())) * 256)::int y, count(*) n
		FROM survey_points GROUP BY 1, 2) q ORDER BY n DESC LIMIT 1`).Scan(&x8, &y8, &n8); err != nil {
		return fmt.Errorf("densest z8 tile: %w", err)
	}
	z8 := maptile.New(x8, y8, 8)
	rows, err := pool.Query(ctx, `SELECT x, y FROM (
		SELECT floor((ST_X(geom) / 360 + 0.5) * 4096)::int x,
		       floor((0.5 - ln((1 + sin(radians(ST_Y(geom)))) / (1 - sin(radians(ST_Y(geom))))) / (4 * pi())) * 4096)::int y, count(*) n
		FROM survey_points WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) GROUP BY 1, 2) q
		WHERE x >> 4 = $5 AND y >> 4 = $6 ORDER BY n DESC`, z8.Bound().Min[0], z8.Bound().Min[1], z8.Bound().Max[0], z8.Bound().Max[1], x8, y8)
	if err != nil {
		return err
	}
	var z12 []maptile.Tile
	for rows.Next() {
		var x, y uint32
		if err := rows.Scan(&x, &y); err != nil {
			return err
		}
		z12 = append(z12, maptile.New(x, y, 12))
	}
	if rows.Err() != nil || len(z12) == 0 {
		return fmt.Errorf("z12 tiles: %v", rows.Err())
	}
	fmt.Printf("densest z8 tile: 8/%d/%d with %d points; %d z12 tiles in it hold points\n", x8, y8, n8, len(z12))

	tok, err := serve.Login(http.DefaultClient, *cold, *user, *password)
	if err != nil && *only == "" {
		return err
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, DisableCompression: true}
	c := client{http: &http.Client{Transport: tr, Timeout: time.Minute}, token: tok}
	tileURL := func(base string, t maptile.Tile) string {
		return fmt.Sprintf("%s/tiles/points/%d/%d/%d.mvt", base, t.Z, t.X, t.Y)
	}

	// Sizes of the z8 tile, raw and gzipped, ours and the baseline's.
	var base8 []byte
	if err := pool.QueryRow(ctx, tileBaseline, 8, x8, y8).Scan(&base8); err != nil {
		return err
	}
	ours8, err := c.get(tileURL(*cold, z8))
	if err != nil && *only == "" {
		return err
	}
	fmt.Printf("z8 tile size: ours %d B (cells), baseline %d B (every point, up to 50,000)\n", ours8, len(base8))

	// Go vs ST_AsMVT for the same z12 points, in process, no HTTP: how the
	// encoder was chosen. Both read the same rows with the same properties.
	ref, err := admin.Load()
	if err != nil {
		return err
	}
	vs := tile.NewVersions(pool)
	ts := tile.NewStore(pool, ref, vs, tile.Options{})
	tsDB := tile.NewStore(pool, ref, vs, tile.Options{PointsFromDB: true})
	if err := ts.Sync(ctx); err != nil {
		return err
	}
	rev := phusong.WithActor(ctx, phusong.Actor{Username: "bench", Role: phusong.RoleReviewer})
	pick := func(i int64) maptile.Tile { return z12[int(i)%min(len(z12), 64)] }
	goTile := func(ts *tile.Store) func(i int64) (int, error) {
		return func(i int64) (int, error) {
			t := pick(i)
			out, err := ts.Tile(rev, tile.Request{Layer: tile.LayerPoints, Z: 12, X: t.X, Y: t.Y})
			if err != nil {
				return 0, err
			}
			return len(out.Raw), nil
		}
	}
	for i := range int64(64) { // the snapshots of the provinces in the tiles, built once
		if _, err := goTile(ts)(i); err != nil {
			return err
		}
	}
	goZ12 := load("inprocess_go_snapshot_z12", goTile(ts))
	goSQL := load("inprocess_go_query_z12", goTile(tsDB))
	sqlZ12 := load("inprocess_st_asmvt_z12", func(i int64) (int, error) {
		t := pick(i)
		var b []byte
		err := pool.QueryRow(ctx, `SELECT ST_AsMVT(q, 'points', 4096, 'geom') FROM (
			SELECT ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 0, false) AS geom, `+pointProps+`
			FROM survey_points WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) LIMIT 50000) q`, t.Z, t.X, t.Y).Scan(&b)
		return len(b), err
	})

	// Tiles: baseline and ours (cache off).
	b8 := load("baseline_z8", func(int64) (int, error) {
		var b []byte
		err := pool.QueryRow(ctx, tileBaseline, 8, x8, y8).Scan(&b)
		return len(b), err
	})
	o8 := load("ours_z8", func(int64) (int, error) { return c.get(tileURL(*cold, z8)) })
	b12 := load("baseline_z12", func(i int64) (int, error) {
		t := pick(i)
		var b []byte
		err := pool.QueryRow(ctx, tileBaseline, 12, t.X, t.Y).Scan(&b)
		return len(b), err
	})
	o12 := load("ours_z12", func(i int64) (int, error) { return c.get(tileURL(*cold, pick(i))) })

	// Feature pages over the densest z8 tile's box, offsets rotating over
	// the first 20 pages.
	bb := z8.Bound()
	bbox := fmt.Sprintf("%f,%f,%f,%f", bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1])
	page := func(limit int) (result, result, error) {
		base := load(fmt.Sprintf("baseline_page%d", limit), func(i int64) (int, error) {
			rows, err := pool.Query(ctx, featureBaseline, bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1], limit, int(i%20)*limit)
			if err != nil {
				return 0, err
			}
			var buf bytes.Buffer
			buf.WriteString(`{"type":"FeatureCollection","features":[`)
			var f []byte
			k := 0
			for rows.Next() {
				if err := rows.Scan(&f); err != nil {
					return 0, err
				}
				if k > 0 {
					buf.WriteByte(',')
				}
				buf.Write(f)
				k++
			}
			buf.WriteString("]}")
			if k != limit {
				return 0, errors.New("short page")
			}
			return buf.Len(), rows.Err()
		})
		ourPage := func(i int64) (int, error) {
			return c.get(fmt.Sprintf("%s/ogc/collections/points/items?bbox=%s&limit=%d&offset=%d", *cold, bbox, limit, int(i%20)*limit))
		}
		// One page first, untimed: the server's first page of points
		// builds its in-memory copy of every province (once per data
		// version), as the baseline's first queries warmed PostgreSQL's
		// buffers.
		if _, err := ourPage(0); err != nil && *only == "" {
			return result{}, result{}, err
		}
		ours := load(fmt.Sprintf("ours_page%d", limit), ourPage)
		return base, ours, nil
	}
	bp1000, op1000, err := page(1000)
	if err != nil {
		return err
	}
	bp100, op100, err := page(100)
	if err != nil {
		return err
	}

	// Warm tiles: the same z12 tiles and the z8 tile from a server whose
	// cache holds them (one pass first).
	wtok, err := serve.Login(http.DefaultClient, *warm, *user, *password)
	if err != nil && *only == "" {
		return err
	}
	wc := client{http: c.http, token: wtok}
	for i := range int64(min(len(z12), 64)) {
		if _, err := wc.get(tileURL(*warm, pick(i))); err != nil && *only == "" {
			return err
		}
	}
	ow := load("ours_warm_z12_cached", func(i int64) (int, error) { return wc.get(tileURL(*warm, pick(i))) })

	ratio := func(a, b result) float64 { return a.rps() / b.rps() }
	fmt.Printf("go_query_vs_st_asmvt_z12=%.2f (in process, the same tiles: a query per tile encoded in Go, over ST_AsMVT)\n", ratio(goSQL, sqlZ12))
	fmt.Printf("go_snapshot_vs_st_asmvt_z12=%.2f (in process: from the per-province snapshot, over ST_AsMVT)\n", ratio(goZ12, sqlZ12))
	fmt.Printf("pages_1000_vs_baseline=%.2f\n", ratio(op1000, bp1000))
	fmt.Printf("pages_100_vs_baseline=%.2f (ours %.0f pages/s, p99 %.1f ms)\n", ratio(op100, bp100), op100.rps(), ms(op100.pct(0.99)))
	fmt.Printf("warm_tiles_per_s=%.0f (p99 %.2f ms)\n", ow.rps(), ms(ow.pct(0.99)))
	fmt.Printf("z8_tile_bytes=%d z8_p99_ms=%.1f z12_p99_ms=%.1f\n", ours8, ms(o8.pct(0.99)), ms(o12.pct(0.99)))
	fmt.Printf("tiles_z8_vs_baseline=%.1f\n", ratio(o8, b8))
	fmt.Printf("tiles_z12_vs_baseline=%.2f\n", ratio(o12, b12))
	return nil
}
