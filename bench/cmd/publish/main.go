// Command publish measures publishing a bid package of about 50 areas and
// 20,000 survey points (every file, the ZIP, the hashes, stored in one
// transaction) through bids.Store.Publish, and downloading the stored ZIP
// through the real HTTP server beside reading the same bytes straight from
// the database. See bench/publish.sh.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations"
)

func main() {
	superURL := flag.String("url", "", "superuser URL of the test cluster (phusong db start --test)")
	csvPath := flag.String("csv", "", "generator survey file (go run ./shared/tools/gen -format survey)")
	province := flag.String("province", "", "province to package (default: the one with most rows)")
	nAreas := flag.Int("areas", 50, "areas in the package")
	nPoints := flag.Int("points", 20000, "points the package should hold, about")
	rounds := flag.Int("rounds", 5, "publications timed (each a new version)")
	downloads := flag.Int("downloads", 20, "ZIP downloads timed")
	flag.Parse()
	if *superURL == "" || *csvPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*superURL, *csvPath, *province, *nAreas, *nPoints, *rounds, *downloads); err != nil {
		fmt.Fprintln(os.Stderr, "publish:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "publish: "+format+"\n", args...) }

func run(superURL, csvPath, province string, nAreas, nPoints, rounds, downloads int) error {
	ctx := context.Background()
	dbName := fmt.Sprintf("bench_publish_%d", os.Getpid())
	adminConn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return err
	}
	defer adminConn.Close(ctx)
	if _, err := adminConn.Exec(ctx, "CREATE DATABASE "+dbName); err != nil {
		return err
	}
	defer func() {
		if _, err := adminConn.Exec(context.Background(), "DROP DATABASE "+dbName+" WITH (FORCE)"); err != nil {
			logf("drop database %s: %v", dbName, err)
		}
	}()
	u, err := url.Parse(superURL)
	if err != nil {
		return err
	}
	u.Path = "/" + dbName
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := migrations.UpPool(ctx, pool); err != nil {
		return err
	}
	sys := phusong.WithActor(ctx, phusong.System)

	// The province's rows of the generator file, through the real intake.
	file, province, rows, err := provinceFile(csvPath, province)
	if err != nil {
		return err
	}
	logf("province %s: %d rows", province, rows)
	ref, err := admin.Load()
	if err != nil {
		return err
	}
	st := survey.NewStore(pool)
	sub, err := st.Submit(sys, survey.NewSubmission{ProvinceCode: province, Filename: "bench.csv", Mode: survey.ModeValidOnly},
		intake.NewSource(sys, bytes.NewReader(file), ref, intake.Options{Province: province}).Read)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if _, err := st.Decide(sys, sub.ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	ac, err := area.DefaultConfig()
	if err != nil {
		return err
	}
	as := area.NewStore(pool)
	job, err := as.StartJob(sys, province, ac)
	if err != nil {
		return err
	}
	if _, err := as.RunJob(sys, job, ac, nil); err != nil {
		return err
	}

	// Pick nAreas areas totalling about nPoints: the window of consecutive
	// areas (by size) whose sum is nearest.
	type ar struct {
		id      int64
		version int
		points  int
	}
	rs, err := pool.Query(ctx, `SELECT id, version, points FROM areas WHERE status = 'active' AND province_code = $1 AND sites > 0 ORDER BY points, id`, province)
	if err != nil {
		return err
	}
	var all []ar
	var a ar
	if _, err := pgx.ForEachRow(rs, []any{&a.id, &a.version, &a.points}, func() error { all = append(all, a); return nil }); err != nil {
		return err
	}
	if len(all) < nAreas {
		return fmt.Errorf("province %s has %d areas, fewer than %d", province, len(all), nAreas)
	}
	best, bestDiff := 0, 1<<62
	for i := 0; i+nAreas <= len(all); i++ {
		sum := 0
		for _, x := range all[i : i+nAreas] {
			sum += x.points
		}
		if d := abs(sum - nPoints); d < bestDiff {
			best, bestDiff = i, d
		}
	}
	chosen := all[best : best+nAreas]
	ids, versions, total := make([]int64, nAreas), make([]int32, nAreas), 0
	for i, x := range chosen {
		ids[i], versions[i], total = x.id, int32(x.version), total+x.points
	}
	var pkgID int64
	if err := pool.QueryRow(ctx, `INSERT INTO packages (province_code, name, status, deadline, coverage_deadline, ceiling_vnd, criteria, created_by)
		VALUES ($1, 'Gói thầu đo hiệu năng', 'draft', now() + interval '30 days', now() + interval '400 days', 1000000000000, $2, 'bench') RETURNING id`,
		province, bids.DefaultCriteria()).Scan(&pkgID); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO package_areas (package_id, area_id, area_version, position)
		SELECT $1, a, v, o FROM unnest($2::bigint[], $3::int[]) WITH ORDINALITY AS u(a, v, o)`, pkgID, ids, versions); err != nil {
		return err
	}
	var sites int
	if err := pool.QueryRow(ctx, `SELECT sum(jsonb_array_length(v.sites)) FROM package_areas pa JOIN area_versions v
		ON v.area_id = pa.area_id AND v.version = pa.area_version WHERE pa.package_id = $1`, pkgID).Scan(&sites); err != nil {
		return err
	}
	fmt.Printf("package=%d areas, %d points, %d sites\n", nAreas, total, sites)

	// Publish rounds: each a new version of the same working copy.
	bs := bids.NewStore(pool)
	var times []float64
	var last bids.Version
	for r := 0; r < rounds; r++ {
		if r > 0 {
			if _, err := pool.Exec(ctx, `UPDATE packages SET changed = true WHERE id = $1`, pkgID); err != nil {
				return err
			}
		}
		t0 := time.Now()
		v, err := bs.Publish(sys, pkgID, fmt.Sprintf("Vòng đo %d", r+1))
		if err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		times = append(times, time.Since(t0).Seconds())
		last = v
	}
	var zipSize int64
	for _, f := range last.Files {
		fmt.Printf("file=%s %d bytes\n", f.Name, f.Size)
		if f.Name == last.ZIPName {
			zipSize = f.Size
		}
	}
	fmt.Printf("publish_rounds=%s\n", fmtSeconds(times))

	// Downloads: the stored ZIP through the real server (loopback HTTP, a
	// reviewer's token) beside the same bytes read straight from the table.
	authStore := auth.NewStore(pool)
	user, err := authStore.CreateUser(sys, auth.NewUser{Username: "bench-op", Password: "bench-operator-1", Role: phusong.RoleOperator, Operator: "viettel"})
	if err != nil {
		return err
	}
	tok, err := authStore.CreateToken(phusong.WithActor(ctx, user.Actor()), "bench", 0)
	if err != nil {
		return err
	}
	app := api.New(api.Deps{Pool: pool, Auth: authStore, Survey: st, Areas: as, Bids: bs, Admin: ref,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go app.Listener(ln)
	defer app.Shutdown()
	zipURL := fmt.Sprintf("http://%s/api/v1/packages/%d/versions/%d/files/package.zip", ln.Addr(), pkgID, last.Version)
	var httpTimes, sqlTimes []float64
	client := &http.Client{}
	for i := 0; i < downloads; i++ {
		req, _ := http.NewRequest("GET", zipURL, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		n, _ := io.Copy(io.Discard, bufio.NewReader(resp.Body))
		resp.Body.Close()
		httpTimes = append(httpTimes, time.Since(t0).Seconds())
		if resp.StatusCode != 200 || n != zipSize {
			return fmt.Errorf("download: %d, %d bytes of %d", resp.StatusCode, n, zipSize)
		}
		t0 = time.Now()
		var data []byte
		if err := pool.QueryRow(ctx, `SELECT data FROM package_files WHERE package_id = $1 AND version = $2 AND name = $3`,
			pkgID, last.Version, last.ZIPName).Scan(&data); err != nil {
			return err
		}
		sqlTimes = append(sqlTimes, time.Since(t0).Seconds())
	}
	mh, ms := median(httpTimes), median(sqlTimes)
	fmt.Printf("download_zip=%d bytes: HTTP median %.1f ms (%.0f MB/s), SELECT of the stored bytes %.1f ms (%.0f MB/s), ratio %.2f\n",
		zipSize, mh*1000, float64(zipSize)/mh/1e6, ms*1000, float64(zipSize)/ms/1e6, mh/ms)
	fmt.Printf("publish_20k_seconds=%.3f\n", median(times))
	return nil
}

// provinceFile returns the header and the rows of one province (the
// largest when province is empty) of a generator file.
func provinceFile(path, province string) ([]byte, string, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, "", 0, err
	}
	header = slices.Clone(header)
	col := slices.Index(header, "province_code")
	if col < 0 {
		return nil, "", 0, fmt.Errorf("%s: no province_code column", path)
	}
	byProvince := map[string][][]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", 0, err
		}
		if province == "" || rec[col] == province {
			byProvince[rec[col]] = append(byProvince[rec[col]], slices.Clone(rec))
		}
	}
	if province == "" {
		keys := make([]string, 0, len(byProvince))
		for k := range byProvince {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return len(byProvince[keys[i]]) > len(byProvince[keys[j]]) })
		province = keys[0]
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	w.WriteAll(byProvince[province])
	return buf.Bytes(), province, len(byProvince[province]), w.Error()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func fmtSeconds(xs []float64) string {
	var b bytes.Buffer
	for i, x := range xs {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%.3f", x)
	}
	return b.String()
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
