package intake_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/intake"
)

// zipWithEntry builds a zip with one sheet entry of actual zero bytes,
// compressed, whose directory declares declared bytes (0 = the truth).
func zipWithEntry(t *testing.T, declared uint64, actual int) []byte {
	t.Helper()
	data := make([]byte, actual)
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	if declared == 0 {
		declared = uint64(actual)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(data), CompressedSize64: uint64(packed.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(packed.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// writeXLSXTestdata writes the committed workbooks (go test -update): excelize
// stamps the creation time, so they are written once, not compared.
func writeXLSXTestdata(t *testing.T) {
	rows := csvRows(t, "valid_utf8.csv")

	// valid.xlsx: a title above the headers, the Vietnamese header row,
	// numbers as numbers, dates as date cells, one commune code typed as a number.
	f := excelize.NewFile()
	sheet := "Lai Châu"
	f.SetSheetName("Sheet1", sheet)
	f.SetCellValue(sheet, "A1", "DANH SÁCH THÔN, BẢN CHƯA CÓ SÓNG DI ĐỘNG - TỈNH LAI CHÂU")
	for c, h := range rows[0] {
		cell, _ := excelize.CoordinatesToCellName(c+1, 3)
		f.SetCellValue(sheet, cell, h)
		col, _ := intake.ColumnByName(h)
		cell, _ = excelize.CoordinatesToCellName(c+1, 4)
		f.SetCellValue(sheet, cell, col.VI)
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	for r, rec := range rows[1:] {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+5)
			switch h := rows[0][c]; {
			case v == "":
			case h == "commune_code" && r == 2:
				f.SetCellValue(sheet, cell, 3434) // lost its leading zero
			case h == "lat" || h == "lon" || h == "households" || h == "population" || h == "rsrp_viettel":
				f.SetCellValue(sheet, cell, mustFloat(t, v))
			case h == "surveyed_on":
				d, _ := time.Parse("2006-01-02", v)
				f.SetCellValue(sheet, cell, d)
				f.SetCellStyle(sheet, cell, cell, dateStyle)
			default:
				f.SetCellValue(sheet, cell, v)
			}
		}
	}
	if err := f.SaveAs(filepath.Join("testdata", "valid.xlsx")); err != nil {
		t.Fatal(err)
	}

	// formula.xlsx: households is =40+5 with its cached value 45, notes a
	// HYPERLINK formula with its cached text, population a formula without a
	// cached value (read as empty); the sheet follows the template's layout.
	g := excelize.NewFile()
	g.SetSheetName("Sheet1", intake.SheetData)
	for c, h := range rows[0] {
		col, _ := intake.ColumnByName(h)
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		g.SetCellValue(intake.SheetData, cell, h)
		cell, _ = excelize.CoordinatesToCellName(c+1, 2)
		g.SetCellValue(intake.SheetData, cell, col.VI)
		cell, _ = excelize.CoordinatesToCellName(c+1, 3)
		switch v := rows[1][c]; h {
		case "households":
			g.SetCellValue(intake.SheetData, cell, 45)
		case "population":
			g.SetCellValue(intake.SheetData, cell, 190)
		case "notes":
			g.SetCellValue(intake.SheetData, cell, "xem ảnh")
		default:
			g.SetCellValue(intake.SheetData, cell, v)
		}
	}
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	out := rewriteZipEntry(t, buf.Bytes(), "xl/worksheets/sheet1.xml", func(xml string) string {
		xml = replaceCell(t, xml, "G3", `<c r="G3"><f>40+5</f><v>45</v></c>`)
		xml = replaceCell(t, xml, "H3", `<c r="H3"><f>G3*4</f></c>`)
		return replaceCell(t, xml, "U3", `<c r="U3" t="str"><f>HYPERLINK("http://example.org/anh.jpg","xem ảnh")</f><v>xem ảnh</v></c>`)
	})
	if err := os.WriteFile(filepath.Join("testdata", "formula.xlsx"), out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceCell(t *testing.T, xml, ref, with string) string {
	re := regexp.MustCompile(`<c r="` + ref + `"[^>]*>.*?</c>`)
	if !re.MatchString(xml) {
		t.Fatalf("cell %s not found in sheet XML", ref)
	}
	return re.ReplaceAllLiteralString(xml, with)
}

func rewriteZipEntry(t *testing.T, data []byte, name string, edit func(string) string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			b = []byte(edit(string(b)))
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func mustFloat(t *testing.T, s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// csvRows reads a UTF-8 test file with encoding/csv.
func csvRows(t *testing.T, name string) [][]string {
	rows, err := csv.NewReader(bytes.NewReader(testdata(t, name))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTemplateRoundTrip(t *testing.T) {
	ref := reference(t)
	for _, province := range []string{"12", "08", ""} {
		t.Run("province "+province, func(t *testing.T) {
			var buf bytes.Buffer
			if err := intake.Template(&buf, province, ref); err != nil {
				t.Fatal(err)
			}
			// Sent back unchanged, the example row is refused, and only for
			// being the example (QA: it was stored and published as a
			// real village). Once the officer overwrites its village, or
			// its place, it is a valid point.
			edits := []struct {
				name  string
				edit  func(f *excelize.File, col map[string]string)
				valid bool
			}{
				{"unchanged", func(*excelize.File, map[string]string) {}, false},
				{"households changed", func(f *excelize.File, col map[string]string) {
					f.SetCellValue(intake.SheetData, col["households"]+"3", 17)
				}, false},
				{"village overwritten", func(f *excelize.File, col map[string]string) {
					f.SetCellValue(intake.SheetData, col["village_name"]+"3", "Bản Sì Thâu Chải")
				}, true},
				{"place overwritten", func(f *excelize.File, col map[string]string) {
					lat, _ := f.GetCellValue(intake.SheetData, col["lat"]+"3", excelize.Options{RawCellValue: true})
					f.SetCellValue(intake.SheetData, col["lat"]+"3", mustFloat(t, lat)+0.0005)
				}, true},
			}
			for _, ed := range edits {
				data := editTemplate(t, buf.Bytes(), ed.edit)
				rep, pts, err := read(t, data, intake.Options{Province: province})
				if err != nil {
					t.Fatal(err)
				}
				if !ed.valid {
					if rep.Rows != 1 || rep.Valid != 0 || len(rep.Errors) != 1 || rep.Errors[0].Code != "template_example_row" ||
						rep.Errors[0].Row != 3 || len(rep.Warnings) != 0 {
						t.Fatalf("%s: rows %d valid %d errors %v warnings %v, want only template_example_row on row 3",
							ed.name, rep.Rows, rep.Valid, rep.Errors, rep.Warnings)
					}
					continue
				}
				if rep.Rows != 1 || rep.Valid != 1 || len(rep.Errors) != 0 || len(rep.Warnings) != 0 {
					t.Fatalf("%s: rows %d valid %d errors %v warnings %v", ed.name, rep.Rows, rep.Valid, rep.Errors, rep.Warnings)
				}
				if pts[0].Row != 3 || pts[0].GridPower != "partial" || pts[0].Signal[0] != "2g" || len(pts[0].Facilities) != 2 {
					t.Errorf("%s: example point %+v", ed.name, pts[0])
				}
			}
			rep, _, err := read(t, buf.Bytes(), intake.Options{Province: province})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Columns) != len(intake.Columns) {
				t.Errorf("columns read %v, want all %d", rep.Columns, len(intake.Columns))
			}

			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); len(got) != 3 || got[0] != intake.SheetData || got[1] != intake.SheetInstructions {
				t.Errorf("sheets %v", got)
			}
			dvs, _ := f.GetDataValidations(intake.SheetData)
			lists, ranges := 0, 0
			for _, dv := range dvs {
				switch dv.Type {
				case "list":
					lists++
				case "whole", "decimal", "date", "textLength":
					ranges++
				}
			}
			enums := 1 // commune_code
			for _, c := range intake.Columns {
				if len(c.Values) > 0 {
					enums++
				}
			}
			if lists != enums || ranges < 8 {
				t.Errorf("%d dropdown lists (want %d) and %d ranges (want ≥ 8)", lists, enums, ranges)
			}
			instructions, _ := f.GetRows(intake.SheetInstructions)
			text := ""
			for _, r := range instructions {
				text += strings.Join(r, " ") + "\n"
			}
			for _, want := range []string{"Google Maps", "VN-2000", "Số hộ cần phủ sóng", "không có sóng", "Tọa độ X", "hướng Đông"} {
				if !strings.Contains(text, want) {
					t.Errorf("instructions do not mention %q", want)
				}
			}
		})
	}
}

// editTemplate applies edit to a workbook; col maps each canonical column
// name (the template's first row) to its letter.
func editTemplate(t *testing.T, data []byte, edit func(f *excelize.File, col map[string]string)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(intake.SheetData)
	if err != nil || len(rows) == 0 {
		t.Fatalf("template rows: %v", err)
	}
	col := map[string]string{}
	for i, name := range rows[0] {
		l, _ := excelize.ColumnNumberToName(i + 1)
		col[name] = l
	}
	edit(f, col)
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// workbookWith returns a workbook made by excelize whose first sheet (and,
// when sst is not nil, shared-string table) is replaced by what the given
// functions stream out, deflated: a large part is never held in memory.
func workbookWith(t *testing.T, sheet, sst func(w io.Writer)) []byte {
	t.Helper()
	f := excelize.NewFile()
	var base bytes.Buffer
	if _, err := f.WriteTo(&base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replace := map[string]func(io.Writer){"xl/worksheets/sheet1.xml": sheet}
	if sst != nil {
		replace["xl/sharedStrings.xml"] = sst
	}
	for _, e := range zr.File {
		if _, ok := replace[e.Name]; ok {
			continue
		}
		if err := zw.Copy(e); err != nil {
			t.Fatal(err)
		}
	}
	for name, write := range replace {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// repeat writes n bytes of c without holding them. Every 4096th byte is
// another letter, so that deflate packs it ~750-fold as QA's bomb was (a
// plain run packs 1030-fold and the ratio limit would catch it first).
func repeat(w io.Writer, c byte, n int) {
	chunk := bytes.Repeat([]byte{c}, 64<<10)
	rnd := rand.New(rand.NewPCG(1, 2))
	for n > 0 {
		for i := 0; i < len(chunk); i += 4096 {
			chunk[i] = 'a' + byte(rnd.IntN(26))
		}
		k := min(n, len(chunk))
		w.Write(chunk[:k])
		n -= k
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>province_code</t></is></c><c r="B1" t="inlineStr"><is><t>village_name</t></is></c></row>`

// inlineCell writes a sheet whose row 7 has an inline-string cell of n bytes.
func inlineCell(n int) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, sheetHead+`<row r="7"><c r="A7" t="inlineStr"><is><t>12</t></is></c><c r="B7" t="inlineStr"><is><t>`)
		repeat(w, 'A', n)
		io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
	}
}

// TestXLSXCellTooLong: a workbook with a cell or a row longer than a CSV row
// may be is refused before excelize reads it. QA's bomb was a 404 KB file
// whose one inline-string cell held 300 MB: the server grew from 168 MB to
// 1.9 GB before answering 422.
func TestXLSXCellTooLong(t *testing.T) {
	tests := []struct {
		name     string
		sheet    func(io.Writer)
		sst      func(io.Writer)
		fatal    string
		row      int
		maxBytes int64 // compressed size the test expects, to keep it a bomb
	}{
		{"300 MB inline cell (QA's bomb)", inlineCell(300 << 20), nil, "cell_too_long", 7, 1 << 20},
		{"2 MB inline cell", inlineCell(2 << 20), nil, "cell_too_long", 7, 0},
		{"row of small cells over 1 MB", func(w io.Writer) {
			io.WriteString(w, sheetHead+`<row r="3">`)
			for i := range 1000 {
				io.WriteString(w, `<c r="B3" t="inlineStr"><is><t>`)
				repeat(w, 'x', 2000+i%7)
				io.WriteString(w, `</t></is></c>`)
			}
			io.WriteString(w, `</row></sheetData></worksheet>`)
		}, nil, "cell_too_long", 3, 0},
		{"2 MB attribute", func(w io.Writer) {
			io.WriteString(w, sheetHead+`<row r="2"><c r="A2" x="`)
			repeat(w, 'A', 2<<20)
			io.WriteString(w, `"/></row></sheetData></worksheet>`)
		}, nil, "cell_too_long", 2, 0},
		{"2 MB shared string", func(w io.Writer) {
			io.WriteString(w, sheetHead+`<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>`)
		}, func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>`)
			repeat(w, 'A', 2<<20)
			io.WriteString(w, `</t></si></sst>`)
		}, "cell_too_long", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := workbookWith(t, tc.sheet, tc.sst)
			if tc.maxBytes > 0 && int64(len(data)) > tc.maxBytes {
				t.Fatalf("the bomb packs to %d bytes, want ≤ %d", len(data), tc.maxBytes)
			}
			rep, _, err := read(t, data, intake.Options{MaxBytes: intake.HTTPMaxBytes, MaxRows: intake.HTTPMaxRows})
			if got := fatalCode(err); got != tc.fatal {
				t.Fatalf("error %q, want %q (%v)", got, tc.fatal, err)
			}
			if got := intake.ExitCode(rep, err); got != 2 {
				t.Errorf("exit code %d, want 2", got)
			}
			var ie *phusong.InputError
			errors.As(err, &ie)
			if p := ie.Problems[0]; p.Row != tc.row || !strings.Contains(p.EN, "1 MB") || !strings.Contains(p.VI, "1 MB") {
				t.Errorf("problem %+v: want row %d and the 1 MB limit in both languages", p, tc.row)
			}
		})
	}
}

// TestXLSXInMemoryLimit: entries excelize unpacks into memory (all but the
// large sheets and shared strings) are bounded together, whatever their names.
func TestXLSXInMemoryLimit(t *testing.T) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := range 3 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/blob" + strconv.Itoa(i) + ".bin", Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		// Under the ratio limit: a byte pattern deflate packs only ~500-fold.
		for j := range 60 << 10 {
			w.Write(bytes.Repeat([]byte{byte(j)}, 1<<10))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, err := read(t, out.Bytes(), intake.Options{})
	if got := fatalCode(err); got != "zip_bomb" {
		t.Fatalf("error %q, want zip_bomb (%v)", got, err)
	}
}
