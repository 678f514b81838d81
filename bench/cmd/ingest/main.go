// Command ingest stores survey CSV files through the real code path, as
// `phusong import` does (intake.Read streaming into survey.Store.Submit, one
// transaction per submission, as the system account), and prints how long
// each phase took. It is the "ours" side of bench/ingest.sh.
//
// A submission is for one province (a row of another province is an
// error), so each input file is first split by its province_code column into
// one file per province; the provinces are then submitted largest first by
// -workers goroutines. The split is part of the measured time: it is what a
// national file costs to get into the per-province path.
//
//	go run ./bench/cmd/ingest -database-url "$URL" -workers 2 survey_1m.csv
//
// Output: one line per submission on stderr with -v, then key=value lines on
// stdout (rows, stored, submissions, load_s, split_s, store_s, total_s,
// rows_per_s, peak_rss_kb).
// Exit status 1 when any submission was not stored whole.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "database to store into (migrated; env DATABASE_URL)")
	workers := flag.Int("workers", 1, "submissions stored at the same time")
	splitDir := flag.String("split-dir", "", "folder for the per-province files (default: a temporary folder, removed at the end)")
	verbose := flag.Bool("v", false, "print one line per submission on stderr")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ingest [-database-url URL] [-workers N] [-v] FILE.csv...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *url == "" || *workers < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ingest:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*url, *workers, *splitDir, *verbose, flag.Args()); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

// part is one province's rows, split out of the input files.
type part struct {
	province string
	path     string
	rows     int
}

// outcome is what storing one part gave.
type outcome struct {
	part
	sub     survey.Submission
	err     error
	seconds float64
}

func run(url string, workers int, splitDir string, verbose bool, files []string) error {
	ctx := context.Background()
	start := time.Now()

	ref, err := admin.Load()
	if err != nil {
		return err
	}
	loaded := time.Now()

	if splitDir == "" {
		dir, err := os.MkdirTemp("", "phusong-ingest-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		splitDir = dir
	}
	parts, err := split(files, splitDir)
	if err != nil {
		return err
	}
	// Largest first: with several workers the last to finish are the small ones.
	slices.SortFunc(parts, func(a, b part) int { return cmp.Or(cmp.Compare(b.rows, a.rows), cmp.Compare(a.province, b.province)) })
	splitDone := time.Now()

	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return err
	}
	pcfg.MaxConns = int32(workers + 2)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return err
	}
	store := survey.NewStore(pool)
	actx := phusong.WithActor(ctx, phusong.System)

	storeStart := time.Now()
	jobs := make(chan part)
	results := make(chan outcome, len(parts))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				t := time.Now()
				sub, err := importFile(actx, store, ref, p)
				results <- outcome{part: p, sub: sub, err: err, seconds: time.Since(t).Seconds()}
			}
		}()
	}
	for _, p := range parts {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	close(results)
	storeDone := time.Now()

	rows, stored, failed := 0, 0, 0
	var slowest outcome
	for o := range results {
		rows += o.rows
		ok := o.err == nil && o.sub.Status == survey.StatusSubmitted && o.sub.Inserted+o.sub.Updated == o.rows
		if ok {
			stored += o.sub.Inserted + o.sub.Updated
		} else {
			failed++
		}
		if o.seconds > slowest.seconds {
			slowest = o
		}
		if verbose || !ok {
			fmt.Fprintf(os.Stderr, "province %s: %d rows in %.3f s: submission %d %s, %d inserted, %d updated, %d errors%s\n",
				o.province, o.rows, o.seconds, o.sub.ID, o.sub.Status, o.sub.Inserted, o.sub.Updated, o.sub.ErrorCount, errText(o.err))
		}
	}
	total := storeDone.Sub(start).Seconds()
	fmt.Printf("rows=%d\nstored=%d\nsubmissions=%d\nfailed=%d\nworkers=%d\n", rows, stored, len(parts), failed, workers)
	fmt.Printf("load_s=%.3f\nsplit_s=%.3f\nstore_s=%.3f\ntotal_s=%.3f\n",
		loaded.Sub(start).Seconds(), splitDone.Sub(loaded).Seconds(), storeDone.Sub(storeStart).Seconds(), total)
	fmt.Printf("slowest_submission=%s:%d:%.3f\n", slowest.province, slowest.rows, slowest.seconds)
	fmt.Printf("rows_per_s=%.0f\n", float64(rows)/total)
	if kb := peakRSS(); kb != "" {
		fmt.Printf("peak_rss_kb=%s\n", kb)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d submissions were not stored whole", failed, len(parts))
	}
	return nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// peakRSS is this process's peak resident set size in KB (VmHWM), or "".
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
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

// importFile stores one province's file exactly as `phusong import` does.
func importFile(ctx context.Context, store *survey.Store, ref *admin.Data, p part) (survey.Submission, error) {
	f, err := os.Open(p.path)
	if err != nil {
		return survey.Submission{}, err
	}
	defer f.Close()
	return store.Submit(ctx, survey.NewSubmission{ProvinceCode: p.province, Filename: p.path, Mode: survey.ModeAll},
		func(emit func(survey.Point) error) (survey.Result, error) {
			rep, err := intake.Read(ctx, f, ref, intake.Options{Province: p.province}, emit)
			if err != nil {
				return survey.Result{}, err
			}
			return rep.Result(), nil
		})
}

// split writes the rows of files into one CSV per province under dir, each
// with the header of its first file. It expects the generator's files: UTF-8,
// comma-separated, a header naming province_code, no quotes in the columns up
// to province_code and no line breaks inside cells.
func split(files []string, dir string) ([]part, error) {
	type out struct {
		f    *os.File
		w    *bufio.Writer
		rows int
	}
	outs := map[string]*out{}
	for _, name := range files {
		in, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		r := bufio.NewReaderSize(in, 1<<20)
		header, err := r.ReadBytes('\n')
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("%s: no header: %w", name, err)
		}
		col := slices.IndexFunc(bytes.Split(bytes.TrimRight(bytes.TrimPrefix(header, []byte("\xEF\xBB\xBF")), "\r\n"), []byte(",")),
			func(name []byte) bool { return string(name) == "province_code" })
		if col < 0 {
			in.Close()
			return nil, fmt.Errorf("%s: no province_code column", name)
		}
		for {
			line, err := r.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				in.Close()
				return nil, fmt.Errorf("%s: a row longer than 1 MB", name)
			}
			if len(line) > 0 {
				code, ok := field(line, col)
				if !ok {
					in.Close()
					return nil, fmt.Errorf("%s: cannot find province_code in %.60q", name, line)
				}
				o := outs[string(code)]
				if o == nil {
					f, err := os.Create(filepath.Join(dir, "p"+string(code)+".csv"))
					if err != nil {
						in.Close()
						return nil, err
					}
					o = &out{f: f, w: bufio.NewWriterSize(f, 256<<10)}
					o.w.Write(header)
					outs[string(code)] = o
				}
				o.w.Write(line)
				if line[len(line)-1] != '\n' {
					o.w.WriteByte('\n')
				}
				o.rows++
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				in.Close()
				return nil, err
			}
		}
		in.Close()
	}
	var parts []part
	for code, o := range outs {
		if err := o.w.Flush(); err != nil {
			return nil, err
		}
		if err := o.f.Close(); err != nil {
			return nil, err
		}
		parts = append(parts, part{province: code, path: o.f.Name(), rows: o.rows})
	}
	return parts, nil
}

// field returns cell col of a CSV line with no quotes before it.
func field(line []byte, col int) ([]byte, bool) {
	for range col {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			return nil, false
		}
		line = line[i+1:]
	}
	if i := bytes.IndexAny(line, ",\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) == 0 || bytes.IndexByte(line, '"') >= 0 || !validCode(line) {
		return nil, false
	}
	return line, true
}

// validCode keeps file names safe: a province code is digits.
func validCode(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) <= 3
}
