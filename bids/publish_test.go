package bids_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// TestPublishCountsVillagesAsTheArea: a package's files count the villages
// of an area as the area does (area.VillageKey), so "Bản Nà cụm 1" and
// "Bản Nà - cụm 2" are one village. They used to be counted by
// survey_points.village_key, which keeps the suffix: 3 villages here, where
// /api/v1/areas says 2. points.csv's "Mã điểm" is the survey's ref_id.
func TestPublishCountsVillagesAsTheArea(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	st, as, bs := survey.NewStore(pool), area.NewStore(pool), bids.NewStore(pool)

	// About 300 m apart: one area.
	areas := groupVillages(t, ctx, st, as, []string{"Bản Nà cụm 1", "Bản Nà - cụm 2", "Bản Mơi"}, 0.003)
	if len(areas) != 1 {
		t.Fatalf("%d areas, want 1", len(areas))
	}
	if areas[0].Villages != 2 {
		t.Fatalf("the area counts %d villages, want 2", areas[0].Villages)
	}
	want := areas[0].Villages

	id := readyDrafts(t, ctx, bs, bids.Rule{Province: "12", Mode: "province"}, 1)[0]
	if _, err := bs.Publish(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	file := func(name string) []byte {
		t.Helper()
		f, err := bs.File(ctx, id, 0, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f.Data
	}

	t.Run("areas.csv", func(t *testing.T) {
		lines := strings.Split(strings.TrimPrefix(string(file("areas.csv")), "\uFEFF"), "\r\n")
		header, row := strings.Split(lines[0], ","), strings.Split(lines[1], ",")
		i := indexOf(header, "Số thôn")
		if i < 0 || row[i] != strconv.Itoa(want) {
			t.Errorf("got %s = %q, want %d", header, row, want)
		}
	})
	t.Run("points.csv", func(t *testing.T) {
		// "Mã điểm" is the province's ref_id, as in the survey file;
		// "Mã hệ thống" phusong's id, which used to be under "Mã điểm".
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(file("points.csv")), "\uFEFF")), "\r\n")
		header := strings.Split(lines[0], ",")
		ref, sys := indexOf(header, "Mã điểm"), indexOf(header, "Mã hệ thống")
		if ref < 0 || sys < 0 || len(lines) != 4 {
			t.Fatalf("got\n%s", strings.Join(lines, "\n"))
		}
		for i, l := range lines[1:] {
			row := strings.Split(l, ",")
			if want := "LC-" + strconv.Itoa(i+1); row[ref] != want {
				t.Errorf("row %d: got Mã điểm %q, want %q", i+1, row[ref], want)
			}
			if _, err := strconv.ParseInt(row[sys], 10, 64); err != nil {
				t.Errorf("row %d: got Mã hệ thống %q, want a number", i+1, row[sys])
			}
		}
	})
	t.Run("areas.geojson", func(t *testing.T) {
		fc, err := geojson.UnmarshalFeatureCollection(file("areas.geojson"))
		if err != nil || len(fc.Features) != 1 {
			t.Fatalf("%v %+v", err, fc)
		}
		if got := fc.Features[0].Properties.MustInt("số_thôn", -1); got != want {
			t.Errorf("got số_thôn %d, want %d", got, want)
		}
	})
	t.Run("package.xlsx", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(file("package.xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Vùng")
		if err != nil || len(rows) != 2 {
			t.Fatalf("%v %v", err, rows)
		}
		i := indexOf(rows[0], "Số thôn")
		if i < 0 || rows[1][i] != strconv.Itoa(want) {
			t.Errorf("got %q = %q, want %d", rows[0], rows[1], want)
		}
	})
	t.Run("ocds.json", func(t *testing.T) {
		var release struct {
			Tender struct {
				Lots  []struct{ Description string }
				Items []struct{ Description string }
			}
		}
		if err := json.Unmarshal(file("ocds.json"), &release); err != nil {
			t.Fatal(err)
		}
		tender := release.Tender
		if len(tender.Lots) != 1 || !strings.Contains(tender.Lots[0].Description, ", 2 thôn,") {
			t.Errorf("got lots %+v, want one of 2 thôn", tender.Lots)
		}
		if len(tender.Items) != 1 || !strings.HasSuffix(tender.Items[0].Description, " 2 thôn") {
			t.Errorf("got items %+v, want one of 2 thôn", tender.Items)
		}
	})
	t.Run("summary.pdf", func(t *testing.T) {
		pdftotext, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Fatalf("pdftotext not found (%v): run scripts/install-deps.sh test", err)
		}
		path := filepath.Join(t.TempDir(), "summary.pdf")
		if err := os.WriteFile(path, file("summary.pdf"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		// Two tables have a "Số thôn" column: the totals (Số vùng, Số
		// điểm, Số thôn, …) and the area's (Số điểm, Số thôn, …); the
		// figures are on the line under each header.
		var got []string
		lines := strings.Split(string(out), "\n")
		for i, l := range lines {
			if !strings.Contains(l, "Số thôn") || i+1 == len(lines) {
				continue
			}
			header := strings.Fields(strings.ReplaceAll(l, "Số ", "Số_"))
			values := strings.Fields(lines[i+1])
			if k := indexOf(header, "Số_thôn"); k >= 0 && k < len(values) {
				got = append(got, values[k])
			}
		}
		if len(got) != 2 || got[0] != strconv.Itoa(want) || got[1] != strconv.Itoa(want) {
			t.Errorf("got villages %q in the totals and area tables, want %d in both\n%s", got, want, out)
		}
	})
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
