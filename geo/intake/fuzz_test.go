package intake_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

// The fuzz targets feed arbitrary bytes to Read, seeded from testdata/ (the
// corpus found by go test -fuzz is kept under testdata/fuzz/). Read must not
// panic, must finish (limits keep each input small), and must answer either a
// report whose counts agree or an *phusong.InputError with a published code.
//
//	go test ./geo/intake -run '^$' -fuzz FuzzReadCSV -fuzztime 30s -fuzzminimizetime 2s
//
// (-fuzzminimizetime keeps the engine from spending the run minimising each
// new input of the multi-kilobyte seeds.)

func FuzzReadCSV(f *testing.F) {
	seed(f, "*.csv", "*.txt")
	f.Add([]byte("province_code;lat\n12;\"21,5\"\n"))
	f.Add([]byte("\ufeffMã tỉnh\tVĩ độ\r\n12\t21,5\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data) })
}

func FuzzReadXLSX(f *testing.F) {
	seed(f, "*.xlsx")
	var tmpl bytes.Buffer
	if err := intake.Template(&tmpl, "12", reference(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data) })
}

func FuzzReadGeoJSON(f *testing.F) {
	seed(f, "*.geojson", "*.json")
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"x":"1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data) })
}

func seed(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, err := filepath.Glob(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

var publishedCodes = func() []string {
	var out []string
	for _, c := range intake.Codes {
		out = append(out, c.Code)
	}
	return out
}()

func fuzzRead(t *testing.T, data []byte) {
	ref := reference(t)
	emitted := 0
	rep, err := intake.Read(context.Background(), bytes.NewReader(data), ref,
		intake.Options{Province: "12", MaxRows: 2000, MaxBytes: 4 << 20, MaxProblems: 500, Now: now},
		func(p survey.Point) error {
			emitted++
			if p.Households < 1 || p.ProvinceCode != "12" || p.Category == "" {
				t.Fatalf("emitted an invalid point %+v", p)
			}
			return nil
		})
	if rep == nil {
		t.Fatal("nil report")
	}
	if err != nil {
		var ie *phusong.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("error of another kind: %v", err)
		}
		if !slices.Contains(publishedCodes, ie.Code) {
			t.Fatalf("unpublished code %q", ie.Code)
		}
		return
	}
	if rep.Valid != emitted || rep.Valid > rep.Rows || (rep.ErrorCount == 0) != rep.OK() {
		t.Fatalf("inconsistent report: rows %d valid %d emitted %d errors %d", rep.Rows, rep.Valid, emitted, rep.ErrorCount)
	}
	if intake.ExitCode(rep, err) == 0 && rep.Valid != rep.Rows {
		t.Fatalf("exit 0 with invalid rows")
	}
	if _, err := rep.MarshalJSON(); err != nil {
		t.Fatalf("report JSON: %v", err)
	}
}
