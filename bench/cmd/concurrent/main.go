// Command concurrent has every province upload its survey file at the same
// time over HTTP to a real `phusong serve`, then checks in the database that
// every point was stored once: none lost, none duplicated. It is run by
// bench/concurrent.sh.
//
//	concurrent -database-url URL -phusong var/bin/phusong -file survey_34x10000.csv
//
// The database must be migrated and hold no survey point. For each province
// in the file (the first -per rows of each that geo/intake finds valid; the
// file must have that many)
// it creates an account with `phusong user create NAME --role province
// --province NN`, starts `phusong serve` on a free port of 127.0.0.1, logs
// every account in and creates an API token (POST /api/v1/auth/tokens), then
// releases all uploads (POST /api/v1/submissions, multipart "file", one
// Idempotency-Key each) at once and times each until its response is read.
// Each province logs in and uploads from its own loopback address
// (127.0.0.10, .11, …), as separate clients would: the login limit is per
// address.
//
// Then it resends one upload with the same Idempotency-Key (expects the
// first submission back, marked Idempotent-Replayed, and nothing stored
// twice), sends one new file twice at once under one new key, and checks
// survey_points against the file: the count per province, every
// (province_code, ref_id) of the file present exactly once, nothing else.
//
// Output: key=value lines on stdout (latencies in milliseconds); exit status
// 1 when a check fails.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong/bench/internal/serve"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

const password = "bench-concurrent-2026"

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "migrated database with no survey point (env DATABASE_URL)")
	bin := flag.String("phusong", "var/bin/phusong", "the phusong binary to serve with")
	file := flag.String("file", "", "survey CSV holding at least -per rows of every province")
	per := flag.Int("per", 10000, "rows each province uploads")
	serverLog := flag.String("server-log", "", "file for the server's log (default: discarded)")
	flag.Parse()
	if *url == "" || *file == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*url, *bin, *file, *per, *serverLog); err != nil {
		fmt.Fprintln(os.Stderr, "concurrent:", err)
		os.Exit(1)
	}
}

// upload is one province's file and what became of it.
type upload struct {
	province string
	body     []byte // the CSV
	refs     []string
	client   *http.Client
	token    string
	key      string

	status   int
	replayed bool
	sub      submission
	latency  time.Duration
	err      error
}

type submission struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Rows     int    `json:"rows"`
	Inserted int    `json:"inserted"`
	Updated  int    `json:"updated"`
	Errors   int    `json:"error_count"`
}

func run(dbURL, bin, file string, per int, serverLog string) error {
	ctx := context.Background()
	ups, skipped, err := readFile(file, per)
	if err != nil {
		return err
	}
	fmt.Printf("skipped_invalid_rows=%d\n", skipped)
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	var stored int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM survey_points`).Scan(&stored); err != nil {
		return err
	}
	if stored != 0 {
		return fmt.Errorf("the database already holds %d survey points", stored)
	}

	// Accounts, two `phusong user create` at a time (2 cores).
	t := time.Now()
	sem := make(chan struct{}, 2)
	errs := make(chan error, len(ups))
	for _, u := range ups {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			cmd := exec.Command(bin, "user", "create", "bench"+u.province, "--role", "province", "--province", u.province)
			cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PHUSONG_PASSWORD="+password, "PHUSONG_LOG_FORMAT=json")
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("user create %s: %v: %s", u.province, err, out)
				return
			}
			errs <- nil
		}()
	}
	for range ups {
		if err := <-errs; err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%d accounts created in %.1f s\n", len(ups), time.Since(t).Seconds())

	base, stop, err := serve.Start(bin, dbURL, serverLog, func(pid int) {
		if hwm := peakRSS(pid); hwm != "" {
			fmt.Printf("server_peak_rss_kb=%s\n", hwm)
		}
	})
	if err != nil {
		return err
	}
	defer stop()

	for i, u := range ups {
		u.client = clientFrom(net.IPv4(127, 0, 0, byte(10+i)))
		if u.token, err = serve.Login(u.client, base, "bench"+u.province, password); err != nil {
			return fmt.Errorf("province %s: %w", u.province, err)
		}
		u.key = fmt.Sprintf("bench-%s-%d", u.province, time.Now().UnixNano())
	}

	// All uploads at once: the bodies are ready, the goroutines wait on start.
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, u := range ups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			u.send(base, u.key, u.body)
		}()
	}
	t = time.Now()
	close(start)
	wg.Wait()
	wall := time.Since(t)

	var failures []string
	fail := func(format string, a ...any) { failures = append(failures, fmt.Sprintf(format, a...)) }
	var lat []float64
	for _, u := range ups {
		lat = append(lat, float64(u.latency.Microseconds())/1000)
		switch {
		case u.err != nil:
			fail("province %s: %v", u.province, u.err)
		case u.status != http.StatusCreated || u.sub.Status != "submitted" || u.sub.Inserted != len(u.refs) || u.sub.Updated != 0:
			fail("province %s: HTTP %d, submission %+v", u.province, u.status, u.sub)
		}
	}
	slices.Sort(lat)

	// The same upload again, same key: the first submission comes back.
	first := ups[0]
	again := *first
	again.send(base, first.key, first.body)
	replayOK := again.err == nil && again.status == http.StatusCreated && again.replayed && again.sub.ID == first.sub.ID
	if !replayOK {
		fail("replay of province %s: HTTP %d, replayed %v, submission %d (first %d), %v",
			first.province, again.status, again.replayed, again.sub.ID, first.sub.ID, again.err)
	}

	// One new file sent twice at once under one new key: stored once.
	second := ups[len(ups)-1]
	extra := extraFile(second)
	key := second.key + "-twice"
	twins := []upload{*second, *second}
	for i := range twins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			twins[i].send(base, key, extra)
		}()
	}
	wg.Wait()
	twiceOK := twins[0].err == nil && twins[1].err == nil && twins[0].status == http.StatusCreated &&
		twins[1].status == http.StatusCreated && twins[0].sub.ID == twins[1].sub.ID && twins[0].replayed != twins[1].replayed
	if !twiceOK {
		fail("same new key twice at once: %d/%d, submissions %d/%d, replayed %v/%v, %v %v", twins[0].status, twins[1].status,
			twins[0].sub.ID, twins[1].sub.ID, twins[0].replayed, twins[1].replayed, twins[0].err, twins[1].err)
	}

	// The database: every (province, ref_id) of the files once, nothing else.
	want := map[[2]string]int{}
	for _, u := range ups {
		for _, r := range u.refs {
			want[[2]string{u.province, r}]++
		}
	}
	want[[2]string{second.province, extraRef}]++
	rows, err := db.Query(ctx, `SELECT province_code, coalesce(ref_id, '') FROM survey_points`)
	if err != nil {
		return err
	}
	got := map[[2]string]int{}
	total := 0
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		got[k]++
		total++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	lost, dup, unexpected := 0, 0, 0
	for k := range want {
		switch n := got[k]; {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	for k, n := range got {
		if want[k] == 0 {
			unexpected += n
		}
	}
	if lost+dup+unexpected > 0 || total != len(want) {
		fail("survey_points: %d rows for %d expected: %d lost, %d duplicated, %d unexpected", total, len(want), lost, dup, unexpected)
	}
	var perProvince []string
	prow, err := db.Query(ctx, `SELECT province_code, count(*) FROM survey_points GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return err
	}
	for prow.Next() {
		var p string
		var n int
		if err := prow.Scan(&p, &n); err != nil {
			return err
		}
		perProvince = append(perProvince, p+":"+strconv.Itoa(n))
	}
	var subs, subsStored int
	if err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'submitted') FROM submissions`).Scan(&subs, &subsStored); err != nil {
		return err
	}
	if subs != len(ups)+1 || subsStored != len(ups)+1 {
		fail("submissions: %d (%d stored), want %d", subs, subsStored, len(ups)+1)
	}

	fmt.Printf("uploads=%d\nrows_per_upload=%d\n", len(ups), per)
	fmt.Printf("wall_s=%.3f\nrows_per_s=%.0f\n", wall.Seconds(), float64(len(ups)*per)/wall.Seconds())
	fmt.Printf("latency_min_ms=%.0f\nlatency_p50_ms=%.0f\nlatency_p99_ms=%.0f\nlatency_max_ms=%.0f\n",
		lat[0], percentile(lat, 50), percentile(lat, 99), lat[len(lat)-1])
	fmt.Printf("stored_points=%d\nexpected_points=%d\nlost=%d\nduplicated=%d\nunexpected=%d\n", total, len(want), lost, dup, unexpected)
	fmt.Printf("per_province=%s\n", strings.Join(perProvince, ","))
	fmt.Printf("submissions=%d\n", subs)
	fmt.Printf("idempotent_replay=%s\nsame_key_twice_at_once=%s\n", okText(replayOK), okText(twiceOK))
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintln(os.Stderr, "FAIL:", f)
		}
		return fmt.Errorf("%d checks failed", len(failures))
	}
	return nil
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

// percentile is the nearest-rank percentile of sorted values: with 34
// uploads, p99 is the slowest.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// send posts body as the "file" of a multipart form, with the key.
func (u *upload) send(base, key string, body []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "khao-sat-"+u.province+".csv")
	fw.Write(body)
	mw.Close()
	req, err := http.NewRequest("POST", base+"/api/v1/submissions", &buf)
	if err != nil {
		u.err = err
		return
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Idempotency-Key", key)
	t := time.Now()
	resp, err := u.client.Do(req)
	if err != nil {
		u.err = err
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	u.latency = time.Since(t)
	if err != nil {
		u.err = err
		return
	}
	u.status = resp.StatusCode
	u.replayed = resp.Header.Get("Idempotent-Replayed") == "true"
	if err := json.Unmarshal(out, &u.sub); err != nil || u.status != http.StatusCreated {
		u.err = fmt.Errorf("HTTP %d: %.300s", u.status, out)
	}
}

// clientFrom returns an HTTP client whose connections leave from addr.
func clientFrom(addr net.IP) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: addr}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}

// peakRSS reads the peak resident set size (VmHWM) of a running process.
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return ""
}

// readFile splits a generator survey file (header, unquoted province_code
// and ref_id) by province and keeps the first per rows of each that
// geo/intake finds valid: the generator's province boundaries differ a
// little from the ones built into phusong, so a point near a border can be
// outside its province here. It returns how many rows it skipped so.
func readFile(path string, per int) ([]*upload, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		return nil, 0, fmt.Errorf("%s: empty", path)
	}
	header := sc.Text()
	cols := strings.Split(header, ",")
	pc, rc := slices.Index(cols, "province_code"), slices.Index(cols, "ref_id")
	if pc < 0 || rc < 0 {
		return nil, 0, fmt.Errorf("%s: needs the columns province_code and ref_id", path)
	}
	lines := map[string][]string{}
	for sc.Scan() {
		line := sc.Text()
		cells := strings.Split(line, ",")
		if len(cells) <= max(pc, rc) || strings.Contains(line, `"`) {
			return nil, 0, fmt.Errorf("%s: a row this reader cannot split: %.80q", path, line)
		}
		lines[cells[pc]] = append(lines[cells[pc]], line)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	ref, err := admin.Load()
	if err != nil {
		return nil, 0, err
	}
	var ups []*upload
	skipped := 0
	for province, ls := range lines {
		all := header + "\n" + strings.Join(ls, "\n") + "\n"
		valid := map[int]bool{}
		if _, err := intake.Read(context.Background(), strings.NewReader(all), ref, intake.Options{Province: province},
			func(p survey.Point) error { valid[p.Row] = true; return nil }); err != nil {
			return nil, 0, fmt.Errorf("province %s: %w", province, err)
		}
		u := &upload{province: province, body: []byte(header + "\n")}
		for i, line := range ls {
			if len(u.refs) == per {
				break
			}
			if !valid[i+2] { // the header is row 1
				skipped++
				continue
			}
			u.body = append(append(u.body, line...), '\n')
			u.refs = append(u.refs, strings.Split(line, ",")[rc])
		}
		if len(u.refs) < per {
			return nil, 0, fmt.Errorf("%s: province %s has %d valid rows, fewer than %d (generate more)", path, province, len(u.refs), per)
		}
		ups = append(ups, u)
	}
	slices.SortFunc(ups, func(a, b *upload) int { return strings.Compare(a.province, b.province) })
	return ups, skipped, nil
}

// extraRef is the ref_id of the one-row file sent twice under one key.
const extraRef = "BENCH-TWICE-1"

// extraFile is a one-row file for u's province: u's first row under a new
// ref_id and village name (another village at the same place, so not a
// duplicate of the stored one).
func extraFile(u *upload) []byte {
	lines := strings.SplitN(string(u.body), "\n", 3)
	header, row := strings.Split(lines[0], ","), strings.Split(lines[1], ",")
	for i, h := range header {
		switch h {
		case "ref_id":
			row[i] = extraRef
		case "village_name":
			row[i] += " (lặp khoá)"
		}
	}
	return []byte(lines[0] + "\n" + strings.Join(row, ",") + "\n")
}
