package intake_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

// BenchmarkReadCSV reads the synthetic generator's survey file: 100,000 rows
// (seed 1, every row valid), generated on first use by running
// shared/tools/gen and kept in the temporary directory. PHUSONG_BENCH_CSV
// names another file instead, e.g. the 1,000,000-row one:
//
//	(cd ../shared/tools/gen && go run . -format survey -n 1000000 -seed 1 > /tmp/survey_1m.csv)
//	PHUSONG_BENCH_CSV=/tmp/survey_1m.csv go test ./geo/intake -run '^$' -bench ReadCSV -benchmem -cpu 1
//
// Measured 2026-11-23 on the development machine (2 vCPU AMD EPYC, shared;
// -cpu 1): 100,000 rows in 0.21–0.24 s (420,000–480,000 rows/s), 1,000,000
// rows in 2.0–2.1 s (470,000–490,000 rows/s, 109 MB at ~52 MB/s), 1.1
// allocations and ~290 bytes allocated per row. Streaming the 1M file from
// disk peaks at 218 MB RSS (92 MB for 100k): the duplicate indexes grow by
// ~46 bytes a row; the commune band indexes (≤ 25 MB) and the reference data
// (~25 MB) are bounded.
func BenchmarkReadCSV(b *testing.B) {
	data := benchData(b)
	ref := reference(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows int
	for b.Loop() {
		n := 0
		rep, err := intake.Read(context.Background(), bytes.NewReader(data), ref, intake.Options{Now: now},
			func(survey.Point) error { n++; return nil })
		if err != nil || !rep.OK() || rep.Valid != n {
			b.Fatalf("read: %v, report ok=%v valid=%d emitted=%d", err, rep.OK(), rep.Valid, n)
		}
		rows = n
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func benchData(b *testing.B) []byte {
	path := os.Getenv("PHUSONG_BENCH_CSV")
	if path == "" {
		path = filepath.Join(os.TempDir(), "phusong-survey-100000-seed1.csv")
		if _, err := os.Stat(path); err != nil {
			gen, err := filepath.Abs("../../../shared/tools/gen")
			if err != nil {
				b.Fatal(err)
			}
			out, err := os.Create(path + ".tmp")
			if err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command("go", "run", ".", "-format", "survey", "-n", "100000", "-seed", "1")
			cmd.Dir, cmd.Stdout, cmd.Stderr = gen, out, os.Stderr
			if err := cmd.Run(); err != nil {
				b.Fatalf("run the generator in %s (shared/ must be beside the checkout): %v", gen, err)
			}
			out.Close()
			if err := os.Rename(path+".tmp", path); err != nil {
				b.Fatal(err)
			}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
