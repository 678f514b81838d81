// Command regroup times regrouping one province after an accept, end to end
// through the HTTP API of a real `phusong serve`, on the national data set.
// It is the measuring half of bench/regroup.sh.
//
//	regroup -database-url URL -phusong var/bin/phusong -file survey_1000000_seed1.csv
//
// The database must be migrated and empty. In order:
//
//  1. `phusong import --province all FILE`: the national first load (timed,
//     not part of the figure).
//  2. `phusong user create` a reviewer, `phusong serve` on a free port of
//     127.0.0.1, log in and create an API token (POST /api/v1/auth/tokens).
//  3. Accept every submission (POST /api/v1/submissions/{id}/decision).
//  4. Pick the provinces: the largest and the median by accepted points
//     (-provinces overrides). In each, -rounds × -handful points chosen at
//     random (-seed) are returned (POST /api/v1/points/decision): the
//     reserve the rounds accept again.
//  5. One recompute of every province (POST /api/v1/areas/recompute
//     {"province": ""}, with "full": true when -full-field), polled at
//     GET /api/v1/areas/jobs/{id} until done.
//  6. -rounds rounds: in each province, accept -handful points of its
//     reserve (POST /api/v1/points/decision), then POST
//     /api/v1/areas/recompute {"province": "NN", "wait": true}, timed from
//     the request sent to the response read: the figure.
//  7. With -full-field: -full-runs full recomputes of each province on the
//     same state ({"full": true}), timed the same way, which must change
//     nothing (only "kept" areas, no new area version): the incremental
//     regroups left exactly what a full one computes.
//
// Output: key=value lines on stdout (milliseconds), regroup_largest_ms (the
// median over the rounds in the largest province) last; progress on stderr.
// Exit status 1 when a request or the check fails.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong/bench/internal/serve"
)

const password = "bench-regroup-2026"

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "migrated, empty database (env DATABASE_URL)")
	bin := flag.String("phusong", "var/bin/phusong", "the phusong binary to import and serve with")
	file := flag.String("file", "", "national survey CSV (shared/tools/gen -format survey)")
	rounds := flag.Int("rounds", 20, "accept + regroup rounds per province")
	handful := flag.Int("handful", 5, "points accepted per round")
	seed := flag.Uint64("seed", 1, "seed of the choice of reserve points")
	provinces := flag.String("provinces", "", "comma-separated province codes (default: the largest and the median)")
	fullField := flag.Bool("full-field", true, `send "full": true for the first and the check recomputes (false for a binary without it)`)
	fullRuns := flag.Int("full-runs", 3, "full recomputes per province on the final state, for the ratio and the check")
	serverLog := flag.String("server-log", "", "file for the server's log (default: discarded)")
	flag.Parse()
	if *url == "" || *file == "" || *rounds < 1 || *handful < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	b := &bench{dbURL: *url, bin: *bin, rounds: *rounds, handful: *handful, seed: *seed, fullField: *fullField, fullRuns: *fullRuns}
	if *provinces != "" {
		b.provinces = strings.Split(*provinces, ",")
	}
	if err := b.run(context.Background(), *file, *serverLog); err != nil {
		fmt.Fprintln(os.Stderr, "regroup:", err)
		os.Exit(1)
	}
}

type bench struct {
	dbURL, bin      string
	rounds, handful int
	seed            uint64
	fullField       bool
	fullRuns        int
	provinces       []string
	base, token     string
	client          *http.Client
	db              *pgx.Conn
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "regroup: "+format+"\n", a...) }

func (b *bench) run(ctx context.Context, file, serverLog string) error {
	var err error
	if b.db, err = pgx.Connect(ctx, b.dbURL); err != nil {
		return err
	}
	defer b.db.Close(ctx)
	var stored int
	if err := b.db.QueryRow(ctx, `SELECT count(*) FROM survey_points`).Scan(&stored); err != nil {
		return err
	}
	if stored != 0 {
		return fmt.Errorf("the database already holds %d survey points", stored)
	}

	t := time.Now()
	if err := b.phusong("import", "--province", "all", file); err != nil {
		return err
	}
	fmt.Printf("import_s=%.2f\n", time.Since(t).Seconds())
	if err := b.phusong("user", "create", "benchreviewer", "--role", "reviewer"); err != nil {
		return err
	}
	base, stop, err := serve.Start(b.bin, b.dbURL, serverLog, nil)
	if err != nil {
		return err
	}
	defer stop()
	b.base = base
	b.client = &http.Client{Timeout: 10 * time.Minute}
	if b.token, err = serve.Login(b.client, base, "benchreviewer", password); err != nil {
		return err
	}

	// Every submission accepted, as a reviewer does it.
	t = time.Now()
	var subs struct {
		Submissions []struct {
			ID int64 `json:"id"`
		} `json:"submissions"`
	}
	if err := b.call("GET", "/api/v1/submissions?status=submitted&limit=500", nil, &subs); err != nil {
		return err
	}
	for _, s := range subs.Submissions {
		if err := b.call("POST", "/api/v1/submissions/"+strconv.FormatInt(s.ID, 10)+"/decision", map[string]string{"status": "accepted"}, nil); err != nil {
			return err
		}
	}
	fmt.Printf("accept_all_s=%.2f (%d submissions)\n", time.Since(t).Seconds(), len(subs.Submissions))

	counts, err := b.accepted(ctx)
	if err != nil {
		return err
	}
	if b.provinces == nil {
		byCount := make([]string, 0, len(counts))
		for p := range counts {
			byCount = append(byCount, p)
		}
		slices.SortFunc(byCount, func(x, y string) int { return counts[x] - counts[y] })
		b.provinces = []string{byCount[len(byCount)-1], byCount[(len(byCount)-1)/2]}
	}
	for _, p := range b.provinces {
		if counts[p] == 0 {
			return fmt.Errorf("province %s has no accepted point", p)
		}
	}
	for i, p := range b.provinces {
		fmt.Printf("province_%d=%s (%d accepted points before the reserve is returned)\n", i+1, p, counts[p])
	}

	// The reserve: points of each province returned now, accepted again a
	// handful at a time.
	reserve := map[string][]int64{}
	rng := rand.New(rand.NewPCG(b.seed, 0))
	for _, p := range b.provinces {
		rows, err := b.db.Query(ctx, `SELECT id FROM survey_points WHERE province_code = $1 AND status = 'accepted' ORDER BY id`, p)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		reserve[p] = ids[:min(len(ids), b.rounds*b.handful)]
		if err := b.call("POST", "/api/v1/points/decision", map[string]any{"point_ids": reserve[p], "status": "returned",
			"comment": "bench: reserve, accepted again a handful at a time"}, nil); err != nil {
			return err
		}
	}

	// One recompute of every province: the areas the rounds start from. As
	// a job polled until done: it takes longer than a request may.
	req := map[string]any{"province": "", "wait": false}
	if b.fullField {
		req["full"] = true
	}
	t = time.Now()
	var job jobResult
	if err := b.call("POST", "/api/v1/areas/recompute", req, &job); err != nil {
		return err
	}
	for job.Status == "running" {
		time.Sleep(250 * time.Millisecond)
		if err := b.call("GET", "/api/v1/areas/jobs/"+strconv.FormatInt(job.ID, 10), nil, &job); err != nil {
			return err
		}
	}
	if job.Status != "done" {
		return fmt.Errorf("recompute of every province: %+v", job)
	}
	areas := 0
	for _, r := range job.Results {
		areas += r.Areas
	}
	fmt.Printf("recompute_all_s=%.2f (%d provinces, %d areas)\n", time.Since(t).Seconds(), len(job.Results), areas)

	// The rounds.
	type sample struct{ accept, regroup, server float64 }
	samples := map[string][]sample{}
	for r := range b.rounds {
		for _, p := range b.provinces {
			ids := reserve[p][min(len(reserve[p]), r*b.handful):min(len(reserve[p]), (r+1)*b.handful)]
			if len(ids) == 0 {
				continue
			}
			t := time.Now()
			if err := b.call("POST", "/api/v1/points/decision", map[string]any{"point_ids": ids, "status": "accepted"}, nil); err != nil {
				return err
			}
			acc := ms(time.Since(t))
			t = time.Now()
			var job jobResult
			if err := b.call("POST", "/api/v1/areas/recompute", map[string]any{"province": p, "wait": true}, &job); err != nil {
				return err
			}
			reg := ms(time.Since(t))
			if job.Status != "done" || len(job.Results) != 1 {
				return fmt.Errorf("round %d, province %s: job %+v", r+1, p, job)
			}
			res := job.Results[0]
			samples[p] = append(samples[p], sample{acc, reg, res.DurationMS})
			logf("round %d province %s: accept %.0f ms, regroup %.0f ms (server %.0f ms, %s, %d of %d points regrouped, changes %v)",
				r+1, p, acc, reg, res.DurationMS, orText(res.Mode, "full"), res.Regrouped, res.Points, res.Changes)
		}
	}

	// Full recomputes on the final state: the same-run baseline, and the check.
	fulls := map[string][]float64{}
	check := "skipped (-full-field=false)"
	if b.fullField {
		check = "ok"
		var before int
		if err := b.db.QueryRow(ctx, `SELECT count(*) FROM area_versions`).Scan(&before); err != nil {
			return err
		}
		for range b.fullRuns {
			for _, p := range b.provinces {
				t := time.Now()
				var job jobResult
				if err := b.call("POST", "/api/v1/areas/recompute", map[string]any{"province": p, "wait": true, "full": true}, &job); err != nil {
					return err
				}
				fulls[p] = append(fulls[p], ms(time.Since(t)))
				for k, n := range job.Results[0].Changes {
					if k != "kept" && n > 0 {
						check = "FAILED"
						logf("full recompute of %s after the rounds changed areas: %v", p, job.Results[0].Changes)
					}
				}
			}
		}
		var after int
		if err := b.db.QueryRow(ctx, `SELECT count(*) FROM area_versions`).Scan(&after); err != nil {
			return err
		}
		if after != before {
			check = "FAILED"
			logf("full recomputes after the rounds wrote %d area versions", after-before)
		}
	}

	fmt.Printf("rounds=%d handful=%d\n", b.rounds, b.handful)
	var largest float64
	for i, p := range b.provinces {
		var acc, reg, srv []float64
		for _, s := range samples[p] {
			acc, reg, srv = append(acc, s.accept), append(reg, s.regroup), append(srv, s.server)
		}
		key := fmt.Sprintf("province_%s", p)
		fmt.Printf("%s_points=%d\n", key, counts[p])
		fmt.Printf("%s_regroup_ms: p50 %.0f, p95 %.0f, min %.0f, max %.0f (server-side p50 %.0f)\n", key,
			percentile(reg, 50), percentile(reg, 95), percentile(reg, 0), percentile(reg, 100), percentile(srv, 50))
		fmt.Printf("%s_accept_ms: p50 %.0f, p95 %.0f\n", key, percentile(acc, 50), percentile(acc, 95))
		if f := fulls[p]; len(f) > 0 {
			fmt.Printf("%s_full_regroup_ms: p50 %.0f (min %.0f, max %.0f); full / incremental %.1f\n", key,
				percentile(f, 50), percentile(f, 0), percentile(f, 100), percentile(f, 50)/percentile(reg, 50))
		}
		if i == 0 {
			largest = percentile(reg, 50)
		}
	}
	fmt.Printf("full_check=%s\n", check)
	fmt.Printf("regroup_largest_ms=%.0f\n", largest)
	if check == "FAILED" {
		return errors.New("the full recompute after the rounds changed areas")
	}
	return nil
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile is the nearest-rank percentile (0: the least, 100: the
// largest) of values.
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(values))
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

type jobResult struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Error   string `json:"error"`
	Results []struct {
		Province   string         `json:"province"`
		Points     int            `json:"points"`
		Areas      int            `json:"areas"`
		Changes    map[string]int `json:"changes"`
		DurationMS float64        `json:"duration_ms"`
		Mode       string         `json:"mode"`
		Regrouped  int            `json:"regrouped"`
	} `json:"results"`
}

// accepted counts the accepted points of each province.
func (b *bench) accepted(ctx context.Context) (map[string]int, error) {
	rows, err := b.db.Query(ctx, `SELECT province_code, count(*) FROM survey_points WHERE status = 'accepted' GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		out[p] = n
	}
	return out, rows.Err()
}

// phusong runs the binary against the database.
func (b *bench) phusong(args ...string) error {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.dbURL, "PHUSONG_PASSWORD="+password, "PHUSONG_LOG_FORMAT=json")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("phusong %s: %v: %.2000s", strings.Join(args, " "), err, out)
	}
	return nil
}

// call sends a JSON request with the token and decodes a 2xx answer into
// out (when not nil).
func (b *bench) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %.500s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}
