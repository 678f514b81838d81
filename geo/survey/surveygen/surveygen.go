// Package surveygen reads the synthetic survey files of the team's
// generator (shared/tools/gen -format survey) into survey points, for the
// tests and bench programs that use the same rows the bench scripts load.
// It is not on the service's request path: uploads go through geo/intake.
package surveygen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

var columns = []string{"province_code", "commune_code", "village_name", "ref_id", "lat", "lon", "households", "grid_power",
	"signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile"}

// Read reads a generator survey CSV (name is for messages).
func Read(r io.Reader, name string) ([]survey.Point, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range columns {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no column %s", name, c)
		}
	}
	var pts []survey.Point
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		lat, err1 := strconv.ParseFloat(rec[col["lat"]], 64)
		lon, err2 := strconv.ParseFloat(rec[col["lon"]], 64)
		hh, err3 := strconv.Atoi(rec[col["households"]])
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("%s: row %d: bad lat, lon or households", name, len(pts)+2)
		}
		p := survey.Point{
			ProvinceCode: rec[col["province_code"]], CommuneCode: rec[col["commune_code"]],
			VillageName: rec[col["village_name"]], RefID: rec[col["ref_id"]],
			Location: orb.Point{lon, lat}, Households: hh, GridPower: rec[col["grid_power"]],
		}
		for k, c := range columns[8:] {
			p.Signal[k] = rec[col[c]]
		}
		p.Category = survey.DeriveCategory(p.Signal)
		pts = append(pts, p)
	}
	return pts, nil
}

// ReadFile reads a generator survey CSV file.
func ReadFile(path string) ([]survey.Point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

var cache sync.Map // "n/seed" → []survey.Point

// Generate runs the generator (../shared/tools/gen beside the checkout)
// for n points of seed and returns them, once per test binary.
func Generate(tb testing.TB, n int, seed uint64) []survey.Point {
	tb.Helper()
	key := fmt.Sprintf("%d/%d", n, seed)
	if v, ok := cache.Load(key); ok {
		return v.([]survey.Point)
	}
	root, err := dbtest.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".", "-format", "survey", "-n", strconv.Itoa(n), "-seed", strconv.FormatUint(seed, 10))
	cmd.Dir = filepath.Join(root, "..", "shared", "tools", "gen")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("generator: %v: %s", err, stderr.Bytes())
	}
	pts, err := Read(bytes.NewReader(out), "generator output")
	if err != nil {
		tb.Fatal(err)
	}
	cache.Store(key, pts)
	return pts
}
