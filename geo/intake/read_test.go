package intake_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

var update = flag.Bool("update", false, "rewrite generated files: testdata/*.xlsx, docs/survey-format.md, guide.html")

var _ intake.Reference = (*admin.Data)(nil)

// today is the date the tests run on, for the "not in the future" check.
var today = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func now() time.Time { return today }

func reference(tb testing.TB) *admin.Data {
	tb.Helper()
	d, err := admin.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// read runs intake.Read over data and collects the points.
func read(tb testing.TB, data []byte, opt intake.Options) (*intake.Report, []survey.Point, error) {
	tb.Helper()
	if opt.Now == nil {
		opt.Now = now
	}
	var pts []survey.Point
	rep, err := intake.Read(context.Background(), bytes.NewReader(data), reference(tb), opt,
		func(p survey.Point) error { pts = append(pts, p); return nil })
	if rep == nil {
		tb.Fatal("Read returned a nil report")
	}
	return rep, pts, err
}

// codes lists the distinct codes of problems, sorted.
func codes(ps []phusong.Problem) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Code) {
			out = append(out, p.Code)
		}
	}
	slices.Sort(out)
	return out
}

// fatalCode is the InputError code of err, or "" (or the error text for
// errors of another kind).
func fatalCode(err error) string {
	if err == nil {
		return ""
	}
	var ie *phusong.InputError
	if errors.As(err, &ie) {
		return ie.Code
	}
	return "not an InputError: " + err.Error()
}

func testdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ignoreRow compares points without the row they came from.
var ignoreRow = cmpopts.IgnoreFields(survey.Point{}, "Row")

func TestReadTestdata(t *testing.T) {
	if *update {
		writeXLSXTestdata(t)
	}
	_, want, err := read(t, testdata(t, "valid_utf8.csv"), intake.Options{Province: "12"})
	if err != nil || len(want) != 6 {
		t.Fatalf("valid_utf8.csv: %d points, err %v", len(want), err)
	}
	tests := []struct {
		file                       string
		format, encoding, delim    string
		rows, valid                int
		errors, warnings           []string
		fatal                      string
		firstRow                   int
		samePoints                 bool // the same six points as valid_utf8.csv
		province                   string
		sheet                      string
		wantSheet                  string
		encodingOpt                string
		wantNotes                  string // notes of the first point, when set
		wantHouseholdsOfFirstPoint int
	}{
		{file: "valid_utf8.csv", format: "csv", encoding: "utf-8", delim: ",", rows: 6, valid: 6, firstRow: 2, samePoints: true},
		{file: "valid_bom_vi_headers.csv", format: "csv", encoding: "utf-8-bom", delim: ",", rows: 6, valid: 6,
			warnings: []string{"column_unknown"}, firstRow: 2, samePoints: true},
		{file: "excel_unicode_text.txt", format: "csv", encoding: "utf-16le", delim: "\t", rows: 6, valid: 6, firstRow: 2, samePoints: true},
		{file: "semicolon_decimal_comma.csv", format: "csv", encoding: "utf-8", delim: ";", rows: 6, valid: 6,
			warnings: []string{"column_unknown", "formula_as_text"}, firstRow: 2,
			wantNotes: `=HYPERLINK("http://example.org/anh.jpg","xem ảnh")`},
		{file: "cp1258.csv", format: "csv", encoding: "windows-1258", delim: ",", rows: 6, valid: 6, firstRow: 2, samePoints: true},
		{file: "cp1258.csv", format: "csv", encoding: "windows-1258", delim: ",", rows: 6, valid: 6, firstRow: 2, samePoints: true, encodingOpt: "cp1258"},
		{file: "tcvn3.csv", format: "csv", encoding: "tcvn3", delim: ",", rows: 6, valid: 6, firstRow: 2, samePoints: true},
		{file: "valid.geojson", format: "geojson", rows: 6, valid: 6, firstRow: 1, samePoints: true},
		{file: "valid.xlsx", format: "xlsx", rows: 6, valid: 6, warnings: []string{"code_padded", "rows_before_header"},
			firstRow: 5, samePoints: true, wantSheet: "Lai Châu"},
		{file: "formula.xlsx", format: "xlsx", rows: 1, valid: 1, firstRow: 3, wantSheet: "Khảo sát",
			wantNotes: "xem ảnh", wantHouseholdsOfFirstPoint: 45},
		{file: "formula.xlsx", fatal: "sheet_not_found", sheet: "Sheet9"},
		{file: "invalid_rows.csv", format: "csv", encoding: "utf-8", delim: ",", rows: 10, valid: 2, firstRow: 4,
			errors: []string{"commune_other_province", "date_invalid", "duplicate_point", "has_4g", "households_invalid",
				"lat_lon_swapped", "outside_province", "province_not_submitter", "ref_id_duplicate", "value_not_allowed"},
			warnings: []string{"code_padded", "column_unknown"}},
		{file: "empty.csv", fatal: "file_empty"},
		{file: "header_only.csv", fatal: "no_rows"},
		{file: "garbage.bin", fatal: "file_binary"},
		{file: "image_renamed.csv", fatal: "file_binary"},
		{file: "unclosed_quote.csv", fatal: "unclosed_quote"},
		{file: "utf32.csv", fatal: "encoding_unsupported"},
		{file: "not_feature_collection.json", fatal: "not_feature_collection"},
		{file: "array.json", fatal: "not_feature_collection"},
		{file: "not_a_zip.xlsx", fatal: "file_unreadable"},
		{file: "old_excel.xls", fatal: "file_xls"},
	}
	for _, tc := range tests {
		t.Run(tc.file+tc.sheet+tc.encodingOpt, func(t *testing.T) {
			province := tc.province
			if province == "" {
				province = "12"
			}
			rep, pts, err := read(t, testdata(t, tc.file), intake.Options{Province: province, Sheet: tc.sheet, Encoding: tc.encodingOpt})
			if got := fatalCode(err); got != tc.fatal {
				t.Fatalf("error %q, want %q (%v)", got, tc.fatal, err)
			}
			if tc.fatal != "" {
				if intake.ExitCode(rep, err) != 2 {
					t.Errorf("exit code %d, want 2", intake.ExitCode(rep, err))
				}
				return
			}
			if rep.Format != tc.format || rep.Encoding != tc.encoding || rep.Delimiter != tc.delim || rep.Sheet != tc.wantSheet {
				t.Errorf("read as %s %s %q sheet %q, want %s %s %q sheet %q", rep.Format, rep.Encoding, rep.Delimiter, rep.Sheet,
					tc.format, tc.encoding, tc.delim, tc.wantSheet)
			}
			if rep.Rows != tc.rows || rep.Valid != tc.valid || len(pts) != tc.valid {
				t.Errorf("rows %d valid %d emitted %d, want %d %d %d", rep.Rows, rep.Valid, len(pts), tc.rows, tc.valid, tc.valid)
			}
			if diff := cmp.Diff(tc.errors, codes(rep.Errors), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("error codes (-want +got):\n%s\n%v", diff, rep.Errors)
			}
			if diff := cmp.Diff(tc.warnings, codes(rep.Warnings), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("warning codes (-want +got):\n%s\n%v", diff, rep.Warnings)
			}
			if len(pts) > 0 && pts[0].Row != tc.firstRow {
				t.Errorf("first point from row %d, want %d", pts[0].Row, tc.firstRow)
			}
			if tc.samePoints {
				if diff := cmp.Diff(want, pts, ignoreRow); diff != "" {
					t.Errorf("points differ from valid_utf8.csv (-want +got):\n%s", diff)
				}
			}
			if tc.wantNotes != "" && pts[0].Notes != tc.wantNotes {
				t.Errorf("notes %q, want %q", pts[0].Notes, tc.wantNotes)
			}
			if tc.wantHouseholdsOfFirstPoint != 0 && pts[0].Households != tc.wantHouseholdsOfFirstPoint {
				t.Errorf("households %d, want %d", pts[0].Households, tc.wantHouseholdsOfFirstPoint)
			}
			wantExit := 0
			if len(tc.errors) > 0 {
				wantExit = 1
			}
			if got := intake.ExitCode(rep, err); got != wantExit {
				t.Errorf("exit code %d, want %d", got, wantExit)
			}
		})
	}
}

// TestValidPointContent pins one point field by field, so that every
// reader above is compared with a known-good value.
func TestValidPointContent(t *testing.T) {
	_, pts, err := read(t, testdata(t, "valid_utf8.csv"), intake.Options{Province: "12"})
	if err != nil {
		t.Fatal(err)
	}
	want := survey.Point{
		ProvinceCode: "12", CommuneCode: "03430", VillageName: "Bản Khun Há - cụm 1", RefID: "LC-001",
		Location: [2]float64{103.583419, 22.258136}, SourceCRS: "EPSG:4326", Households: 45, Population: 190,
		GridPower: "partial", RoadAccess: "seasonal", Terrain: "mountainous", DBKK: "yes",
		Signal: [4]string{"2g", "none", "none", ""}, RSRP: [4]int{-118, 0, 0, 0}, Facilities: []string{"school", "health"},
		SurveyedOn: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), SurveyedBy: "Lò Văn Minh", Category: survey.LomSong, Row: 2,
	}
	if diff := cmp.Diff(want, pts[0]); diff != "" {
		t.Errorf("first point (-want +got):\n%s", diff)
	}
	if got := pts[3].Notes; got != "Gần đồn biên phòng\nđường đất" {
		t.Errorf("a quoted cell with a line break: %q", got)
	}
	if got := pts[1].Category; got != survey.TrangSong {
		t.Errorf("row without any signal: category %q, want trang_song", got)
	}
}

// TestBadFiles covers the unreadable files that are generated rather than
// committed: large, deep or hostile.
func TestBadFiles(t *testing.T) {
	header := "province_code,commune_code,village_name,lat,lon,households,grid_power,signal_viettel,surveyed_on\n"
	row := "12,03430,Bản Khun Há,22.258136,103.583419,45,yes,none,2026-01-15\n"
	wide := strings.Repeat("c,", 5000) + "c\n" + strings.Repeat("1,", 5000) + "1\n"
	namedWide := header[:len(header)-1] + strings.Repeat(",STT", 300) + "\n" + row
	tests := []struct {
		name  string
		data  []byte
		opt   intake.Options
		fatal string
	}{
		{"thousands of columns", []byte(wide), intake.Options{}, "too_many_columns"},
		{"300 named columns", []byte(namedWide), intake.Options{}, "too_many_columns"},
		{"deeply nested JSON", []byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)), intake.Options{}, "json_too_deep"},
		{"deeply nested array", []byte(`{"type":"FeatureCollection","features":[` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + "]}"), intake.Options{}, "json_too_deep"},
		{"broken JSON", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature",}]}`), intake.Options{}, "json_invalid"},
		{"truncated JSON", []byte(`{"type":"FeatureCollection","features":[`), intake.Options{}, "json_invalid"},
		{"JSON Topology", []byte(`{"type":"Topology","objects":{}}`), intake.Options{}, "not_feature_collection"},
		{"JSON without type", []byte(`{"features":[]}`), intake.Options{}, "not_feature_collection"},
		{"zip bomb by declared size", zipWithEntry(t, 2<<30, 1<<10), intake.Options{}, "zip_bomb"},
		{"zip bomb by ratio", zipWithEntry(t, 0, 20<<20), intake.Options{}, "zip_bomb"},
		{"zip bomb lying about its size", zipWithEntry(t, 100, 4<<20), intake.Options{}, "zip_bomb"},
		{"over MaxBytes", []byte(header + strings.Repeat(row, 100)), intake.Options{MaxBytes: 1000}, "file_too_large"},
		{"xlsx over MaxBytes", testdata(t, "valid.xlsx"), intake.Options{MaxBytes: 1000}, "file_too_large"},
		{"over MaxRows", []byte(header + strings.Repeat(row, 11)), intake.Options{MaxRows: 10}, "too_many_rows"},
		{"no known column", []byte("STT,Ghi chép\n1,abc\n"), intake.Options{}, "no_known_columns"},
		{"only blank lines", []byte("\n\n \n"), intake.Options{}, "file_empty"},
		{"title rows only", []byte("DANH SÁCH\n\nTỈNH LAI CHÂU\n"), intake.Options{}, "no_known_columns"},
		{"row of more than 1 MB", []byte(header + `12,03430,"` + strings.Repeat("a", 2<<20) + "\"\n"), intake.Options{}, "row_too_long"},
		{"line of more than 1 MB", []byte(header + strings.Repeat("a", 2<<20) + "\n"), intake.Options{}, "row_too_long"},
		{"unknown encoding option", []byte(header + row), intake.Options{Encoding: "VNI"}, "encoding_unsupported"},
		{"UTF-16 without BOM", []byte(utf16NoBOM(header + row)), intake.Options{}, "encoding_unsupported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, _, err := read(t, tc.data, tc.opt)
			if got := fatalCode(err); got != tc.fatal {
				t.Fatalf("error %q, want %q (%v)", got, tc.fatal, err)
			}
			if got := intake.ExitCode(rep, err); got != 2 {
				t.Errorf("exit code %d, want 2", got)
			}
			var ie *phusong.InputError
			errors.As(err, &ie)
			if ie.Message.VI == "" || ie.Message.EN == "" || len(ie.Problems) != 1 {
				t.Errorf("InputError %+v: want a message in both languages and one problem", ie)
			}
		})
	}
}

func utf16NoBOM(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestEmitErrorAndCancel(t *testing.T) {
	data := testdata(t, "valid_utf8.csv")
	stop := errors.New("disk full")
	_, err := intake.Read(context.Background(), bytes.NewReader(data), reference(t), intake.Options{Now: now},
		func(survey.Point) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("emit error: got %v, want it wrapped", err)
	}
	if got := intake.ExitCode(nil, err); got != 2 {
		t.Errorf("exit code %d, want 2", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	header := "province_code,commune_code,village_name,lat,lon,households,grid_power,signal_viettel,surveyed_on\n"
	big := header + strings.Repeat("12,03430,Bản Khun Há,22.258136,103.583419,45,yes,none,2026-01-15\n", 10000)
	_, err = intake.Read(ctx, strings.NewReader(big), reference(t), intake.Options{Now: now}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

func asInputError(err error, ie **phusong.InputError) bool { return err != nil && errors.As(err, ie) }
func asProblem(err error, p *phusong.Problem) bool         { return err != nil && errors.As(err, p) }
