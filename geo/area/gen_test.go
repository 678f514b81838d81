package area_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/survey"
)

// genDir is the synthetic survey generator shared by the team.
var genDir = filepath.Join("..", "..", "..", "shared", "tools", "gen")

var genCache sync.Map // "n/seed" → []survey.Point

// generate runs the generator (-format survey) and returns its points, the
// same rows the bench scripts load.
func generate(tb testing.TB, n int, seed uint64) []survey.Point {
	tb.Helper()
	key := fmt.Sprintf("%d/%d", n, seed)
	if v, ok := genCache.Load(key); ok {
		return v.([]survey.Point)
	}
	cmd := exec.Command("go", "run", ".", "-format", "survey", "-n", strconv.Itoa(n), "-seed", strconv.FormatUint(seed, 10))
	cmd.Dir = genDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("generator: %v: %s", err, stderr.Bytes())
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		tb.Fatalf("generator output: %v", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	pts := make([]survey.Point, 0, len(recs)-1)
	for _, r := range recs[1:] {
		lat, _ := strconv.ParseFloat(r[col["lat"]], 64)
		lon, _ := strconv.ParseFloat(r[col["lon"]], 64)
		hh, _ := strconv.Atoi(r[col["households"]])
		p := survey.Point{
			ProvinceCode: r[col["province_code"]], CommuneCode: r[col["commune_code"]],
			VillageName: r[col["village_name"]], RefID: r[col["ref_id"]],
			Location: orb.Point{lon, lat}, Households: hh, GridPower: r[col["grid_power"]],
		}
		for k, name := range []string{"signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile"} {
			p.Signal[k] = r[col[name]]
		}
		p.Category = survey.DeriveCategory(p.Signal)
		pts = append(pts, p)
	}
	genCache.Store(key, pts)
	return pts
}
