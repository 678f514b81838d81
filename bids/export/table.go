package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/phusong/phusong/geo/intake"
)

// kind says how a column is written: CSV formats it, XLSX picks a number format.
type kind int

const (
	kindText  kind = iota
	kindInt        // counts, ids
	kindVND        // money in VND: #,##0
	kindCoord      // lon or lat: 6 decimals
	kindScore      // 2 decimals
)

type column struct {
	header string // Vietnamese, shown to users
	kind   kind
	width  float64 // XLSX column width in characters
}

// table is one sheet or CSV file: the column list lives once and drives both.
type table struct {
	sheet   string // XLSX sheet name
	columns []column
	rows    [][]any // string, int, int64 or float64 per kind
}

func areasTable(p Package) table {
	t := table{sheet: "Vùng", columns: []column{
		{"Mã vùng", kindInt, 10}, {"Phiên bản", kindInt, 10}, {"Số điểm", kindInt, 10}, {"Số thôn", kindInt, 10},
		{"Số hộ", kindInt, 10}, {"Dân số", kindInt, 10}, {"Trắng sóng", kindInt, 11}, {"Lõm sóng", kindInt, 10},
		{"Số trạm", kindInt, 10}, {"Chi phí ước tính (VND)", kindVND, 22}, {"Điểm ưu tiên", kindScore, 12},
	}}
	for _, a := range p.Areas {
		f := a.Figures
		t.rows = append(t.rows, []any{a.ID, a.Version, f.Points, f.Villages, f.Households, f.Population,
			f.TrangSong, f.LomSong, f.Sites, f.CostVND, f.Score})
	}
	return t
}

// pointsTable has the survey file's "Mã điểm" as the survey file means it,
// the province's ref_id, so that provinces and operators can match a row to
// their survey; phusong's own id, which the API and the GeoJSON feature ids
// use, is "Mã hệ thống", near the end so that the other columns keep their
// places. The category is in Vietnamese under "Phân loại" and its code,
// for programs, last under "Mã phân loại".
func pointsTable(p Package) table {
	t := table{sheet: "Điểm", columns: []column{
		{"Mã vùng", kindInt, 10}, {"Mã điểm", kindText, 14}, {"Kinh độ", kindCoord, 12}, {"Vĩ độ", kindCoord, 12},
		{"Thôn", kindText, 24}, {"Mã xã", kindText, 10}, {"Số hộ", kindInt, 8}, {"Phân loại", kindText, 12},
	}}
	for _, op := range operatorNames {
		t.columns = append(t.columns, column{"Sóng " + op, kindText, 16})
	}
	t.columns = append(t.columns, column{"Mã hệ thống", kindInt, 12}, column{"Mã phân loại", kindText, 12})
	for _, a := range p.Areas {
		for _, pt := range a.Points {
			loc := round6(pt.Location)
			row := []any{a.ID, nfc(pt.RefID), loc[0], loc[1], nfc(pt.Village), pt.Commune, pt.Households, categoryVI(pt.Category)}
			for _, s := range pt.Signal {
				row = append(row, s)
			}
			t.rows = append(t.rows, append(row, pt.ID, nfc(pt.Category)))
		}
	}
	return t
}

// sitesTable writes the terrain in Vietnamese under "Địa hình" (terrainVI),
// and its class code, as the survey file and the GeoJSON carry it, last
// under "Mã địa hình" for programs.
func sitesTable(p Package) table {
	t := table{sheet: "Trạm", columns: []column{
		{"Mã vùng", kindInt, 10}, {"Trạm số", kindInt, 8}, {"Kinh độ", kindCoord, 12}, {"Vĩ độ", kindCoord, 12},
		{"Số hộ", kindInt, 8}, {"Số điểm", kindInt, 8}, {"Địa hình", kindText, 14}, {"Chi phí (VND)", kindVND, 18},
		{"Mã địa hình", kindText, 14},
	}}
	for _, a := range p.Areas {
		for _, s := range a.Sites {
			loc := round6(s.Location)
			t.rows = append(t.rows, []any{a.ID, s.N, loc[0], loc[1], s.Households, s.Points, terrainVI(s.Terrain), s.CostVND,
				nfc(s.Terrain)})
		}
	}
	return t
}

// terrainVI returns the Vietnamese word of a terrain class ("núi" for
// mountainous), the one the survey file and its template use
// (intake.Columns), or the value itself, NFC, when it is no class.
func terrainVI(code string) string { return wordVI(terrainWords, code) }

// categoryVI does the same for a point's category ("lõm sóng" for lom_song).
func categoryVI(code string) string { return wordVI(categoryWords, code) }

func wordVI(words map[string]string, code string) string {
	if vi, ok := words[code]; ok {
		return vi
	}
	return nfc(code)
}

var (
	terrainWords  = columnWords("terrain")
	categoryWords = columnWords("category")
)

// columnWords maps the codes of a survey column to their Vietnamese words.
func columnWords(name string) map[string]string {
	m := map[string]string{}
	if c, ok := intake.ColumnByName(name); ok {
		for _, v := range c.Values {
			m[v.Code] = v.VI
		}
	}
	return m
}

// AreasCSV returns areas.csv: one row per area, UTF-8 with a BOM, formula-like cells neutralised.
func AreasCSV(p Package) ([]byte, error) { return tableCSV(p, areasTable, "areas.csv") }

// PointsCSV returns points.csv: one row per surveyed village, UTF-8 with a BOM, formula-like cells neutralised.
func PointsCSV(p Package) ([]byte, error) { return tableCSV(p, pointsTable, "points.csv") }

// SitesCSV returns sites.csv: one row per proposed site, UTF-8 with a BOM, formula-like cells neutralised.
func SitesCSV(p Package) ([]byte, error) { return tableCSV(p, sitesTable, "sites.csv") }

func tableCSV(p Package, build func(Package) table, name string) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	b, err := writeCSV(build(p))
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", name, err)
	}
	return b, nil
}

// writeCSV writes t as RFC 4180 CSV (CRLF) in UTF-8 with a byte-order mark, so
// that Excel shows Vietnamese; every cell goes through intake.Neutralize, so a
// village named "=HYPERLINK(…)" stays text. Numbers use a dot and no grouping.
func writeCSV(t table) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	rec := make([]string, len(t.columns))
	for i, c := range t.columns {
		rec[i] = intake.Neutralize(c.header)
	}
	if err := w.Write(rec); err != nil {
		return nil, err
	}
	for _, row := range t.rows {
		for i, v := range row {
			rec[i] = intake.Neutralize(format(v, t.columns[i].kind))
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func format(v any, k kind) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		switch k {
		case kindCoord:
			return strconv.FormatFloat(v, 'f', 6, 64)
		case kindScore:
			return strconv.FormatFloat(v, 'f', 2, 64)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
