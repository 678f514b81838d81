package intake_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

// ruleColumns are the columns of the rule tests' files, in order.
var ruleColumns = []string{"province_code", "commune_code", "village_name", "ref_id", "lat", "lon", "x", "y", "crs",
	"households", "population", "grid_power", "road_access", "terrain", "dbkk", "signal_viettel", "signal_vinaphone",
	"signal_mobifone", "signal_vietnamobile", "rsrp_viettel", "facilities", "surveyed_on", "surveyed_by", "notes", "category"}

// baseRow is a valid row: Xã Khun Há (03430), Lai Châu (12), at its interior point.
var baseRow = map[string]string{
	"province_code": "12", "commune_code": "03430", "village_name": "Bản Khun Há", "ref_id": "LC-1",
	"lat": "22.258136", "lon": "103.583419", "households": "45", "population": "190", "grid_power": "yes",
	"road_access": "seasonal", "terrain": "mountainous", "dbkk": "yes", "signal_viettel": "2g", "signal_vinaphone": "none",
	"rsrp_viettel": "-118", "facilities": "school", "surveyed_on": "2026-01-15", "surveyed_by": "Lò Văn Minh",
}

// csvFile writes rows (each a change to baseRow; "-" clears a cell) under
// the header of columns.
func csvFile(columns []string, rows ...map[string]string) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(columns, ",") + "\n")
	for _, mods := range rows {
		cells := make([]string, len(columns))
		for i, c := range columns {
			v := baseRow[c]
			if m, ok := mods[c]; ok {
				v = m
			}
			if v == "-" {
				v = ""
			}
			if strings.ContainsAny(v, ",\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			cells[i] = v
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return []byte(b.String())
}

type problemWant struct {
	code, column string
	warning      bool
	contains     string // a substring of the English message, when set
}

func TestRules(t *testing.T) {
	tm3, err := coord.ParseCRS("VN2000-TM3", "12")
	if err != nil {
		t.Fatal(err)
	}
	x, y := tm3.FromWGS84(orb.Point{103.583419, 22.258136})
	xs, ys := strconv.FormatFloat(x, 'f', 3, 64), strconv.FormatFloat(y, 'f', 3, 64)
	long := strings.Repeat("a", 201)

	tests := []struct {
		name     string
		mods     map[string]string
		province string // submitting province; "" = the default "12", "*" = any
		want     []problemWant
		check    func(t *testing.T, p survey.Point)
	}{
		{name: "valid", mods: nil, check: func(t *testing.T, p survey.Point) {
			if p.Category != survey.LomSong || p.Households != 45 {
				t.Errorf("point %+v", p)
			}
		}},
		// province_code
		{name: "unknown province", mods: map[string]string{"province_code": "99"}, province: "*",
			want: []problemWant{{code: "province_unknown", column: "province_code"}}},
		{name: "province as text", mods: map[string]string{"province_code": "Lai Châu"}, province: "*",
			want: []problemWant{{code: "province_unknown", column: "province_code"}}},
		{name: "pre-2025 province translated", province: "*",
			mods: map[string]string{"province_code": "02", "commune_code": "00691", "lat": "22.860936", "lon": "104.962674"},
			want: []problemWant{{code: "province_code_translated", column: "province_code", warning: true, contains: "08"}},
			check: func(t *testing.T, p survey.Point) {
				if p.ProvinceCode != "08" {
					t.Errorf("province %q, want 08", p.ProvinceCode)
				}
			}},
		{name: "province code lost its zero", province: "*",
			mods: map[string]string{"province_code": "8", "commune_code": "00691", "lat": "22.860936", "lon": "104.962674"},
			want: []problemWant{{code: "code_padded", column: "province_code", warning: true, contains: "08"}}},
		{name: "another province than the submitter's", province: "08",
			want: []problemWant{{code: "province_not_submitter", column: "province_code"}}},
		{name: "empty province", mods: map[string]string{"province_code": "-"},
			want: []problemWant{{code: "value_required", column: "province_code"}}},
		// commune_code
		{name: "unknown commune", mods: map[string]string{"commune_code": "99999"},
			want: []problemWant{{code: "commune_unknown", column: "commune_code"}}},
		{name: "commune code too long", mods: map[string]string{"commune_code": "034300"},
			want: []problemWant{{code: "commune_unknown", column: "commune_code"}}},
		{name: "commune code lost its zero", mods: map[string]string{"commune_code": "3430"},
			want: []problemWant{{code: "code_padded", column: "commune_code", warning: true, contains: "03430"}}},
		{name: "commune as the template's list writes it", mods: map[string]string{"commune_code": "03430 - Xã Khun Há"}},
		{name: "commune code from a number cell", mods: map[string]string{"commune_code": "3430.0"},
			want: []problemWant{{code: "code_padded", column: "commune_code", warning: true}}},
		{name: "pre-2025 commune translated",
			mods: map[string]string{"commune_code": "03386", "lat": "22.44116", "lon": "103.397412"},
			want: []problemWant{{code: "commune_code_translated", column: "commune_code", warning: true, contains: "03388"}},
			check: func(t *testing.T, p survey.Point) {
				if p.CommuneCode != "03388" {
					t.Errorf("commune %q, want 03388", p.CommuneCode)
				}
			}},
		{name: "pre-2025 commune split", province: "*",
			mods: map[string]string{"province_code": "01", "commune_code": "00007", "lat": "21.0285", "lon": "105.8542"},
			want: []problemWant{{code: "commune_split", column: "commune_code", contains: "00008"}}},
		{name: "commune of another province", mods: map[string]string{"commune_code": "00691"},
			want: []problemWant{{code: "commune_other_province", column: "commune_code", contains: "Tuyên Quang"}}},
		// village_name, ref_id, text
		{name: "empty village", mods: map[string]string{"village_name": "-"},
			want: []problemWant{{code: "value_required", column: "village_name"}}},
		{name: "village name too long", mods: map[string]string{"village_name": long},
			want: []problemWant{{code: "text_too_long", column: "village_name"}}},
		{name: "ref_id too long", mods: map[string]string{"ref_id": strings.Repeat("x", 65)},
			want: []problemWant{{code: "text_too_long", column: "ref_id", contains: "64"}}},
		{name: "formula kept as text", mods: map[string]string{"village_name": `=HYPERLINK("http://x","Bản A")`},
			want: []problemWant{{code: "formula_as_text", column: "village_name", warning: true}},
			check: func(t *testing.T, p survey.Point) {
				if !strings.HasPrefix(p.VillageName, "=HYPERLINK") {
					t.Errorf("village %q, want the formula as text", p.VillageName)
				}
			}},
		{name: "NFD village name stored NFC", mods: map[string]string{"village_name": "Ba\u0309n Khun Ha\u0301"},
			check: func(t *testing.T, p survey.Point) {
				if p.VillageName != "Bản Khun Há" {
					t.Errorf("village %q, want NFC", p.VillageName)
				}
			}},
		// coordinates
		{name: "DMS", mods: map[string]string{"lat": `22°15'29.3"N`, "lon": `103 35 0.3 E`}},
		{name: "latitude not a number", mods: map[string]string{"lat": "abc"},
			want: []problemWant{{code: "not_a_number", column: "lat"}}},
		{name: "DMS minutes out of range", mods: map[string]string{"lat": `22°61'00"N`},
			want: []problemWant{{code: "minutes_out_of_range", column: "lat"}}},
		{name: "DMS that does not parse", mods: map[string]string{"lat": `22°15.5'29"N`},
			want: []problemWant{{code: "dms_invalid", column: "lat"}}},
		{name: "decimal comma in a comma file", mods: map[string]string{"lat": "22,258136"},
			want: []problemWant{{code: "decimal_comma", column: "lat"}}},
		{name: "lat and lon swapped", mods: map[string]string{"lat": "103.583419", "lon": "22.258136"},
			want: []problemWant{{code: "lat_lon_swapped", column: "lat", contains: "Did you mean"}}},
		{name: "outside Vietnam", mods: map[string]string{"lat": "48.8566", "lon": "2.3522"},
			want: []problemWant{{code: "outside_vietnam", column: "lat"}}},
		{name: "metres in lat, lon", mods: map[string]string{"lat": ys, "lon": xs},
			want: []problemWant{{code: "metres_with_degree_crs", column: "lat"}}},
		{name: "only lat", mods: map[string]string{"lon": "-"},
			want: []problemWant{{code: "value_required", column: "lon"}}},
		{name: "no coordinates", mods: map[string]string{"lat": "-", "lon": "-"},
			want: []problemWant{{code: "coordinates_required", column: "lat"}}},
		{name: "outside the declared province", mods: map[string]string{"lat": "21.0285", "lon": "105.8542"},
			want: []problemWant{{code: "outside_province", column: "lat", contains: "Thành phố Hà Nội"}}},
		{name: "at sea", mods: map[string]string{"lat": "12.0", "lon": "111.5"},
			want: []problemWant{{code: "outside_province", column: "lat", contains: "at sea"}}},
		{name: "outside the declared commune", mods: map[string]string{"lat": "22.340731", "lon": "102.791233"},
			want: []problemWant{{code: "outside_commune", column: "lat", warning: true, contains: "Xã Khun Há"}}},
		{name: "VN-2000 TM-3", mods: map[string]string{"lat": "-", "lon": "-", "x": xs, "y": ys, "crs": "VN2000-TM3"},
			check: func(t *testing.T, p survey.Point) {
				if !strings.HasPrefix(p.SourceCRS, "VN2000-TM3") || orbDist(p.Location, orb.Point{103.583419, 22.258136}) > 0.01 {
					t.Errorf("point %v from %s", p.Location, p.SourceCRS)
				}
			}},
		{name: "VN-2000 with decimal comma refused in a comma file",
			mods: map[string]string{"lat": "-", "lon": "-", "x": strings.Replace(xs, ".", ",", 1), "y": ys, "crs": "VN2000-TM3"},
			want: []problemWant{{code: "number_invalid", column: "x"}}},
		{name: "x and y swapped", mods: map[string]string{"lat": "-", "lon": "-", "x": ys, "y": xs, "crs": "VN2000-TM3"},
			want: []problemWant{{code: "xy_swapped", column: "x"}}},
		{name: "degrees with a metre crs", mods: map[string]string{"lat": "-", "lon": "-", "x": "103.58", "y": "22.26", "crs": "VN2000-TM3"},
			want: []problemWant{{code: "degrees_with_metre_crs", column: "x"}}},
		{name: "unknown crs", mods: map[string]string{"lat": "-", "lon": "-", "x": xs, "y": ys, "crs": "Hà Nội 72"},
			want: []problemWant{{code: "crs_unknown", column: "crs"}}},
		{name: "missing crs", mods: map[string]string{"lat": "-", "lon": "-", "x": xs, "y": ys},
			want: []problemWant{{code: "crs_missing", column: "crs"}}},
		{name: "x not a number", mods: map[string]string{"lat": "-", "lon": "-", "x": "abc", "y": ys, "crs": "VN2000-TM3"},
			want: []problemWant{{code: "number_invalid", column: "x"}}},
		// households, population
		{name: "zero households", mods: map[string]string{"households": "0"},
			want: []problemWant{{code: "households_invalid", column: "households"}}},
		{name: "fractional households", mods: map[string]string{"households": "2.5"},
			want: []problemWant{{code: "households_invalid", column: "households"}}},
		{name: "households in words", mods: map[string]string{"households": "bốn mươi"},
			want: []problemWant{{code: "households_invalid", column: "households"}}},
		{name: "households from a number cell", mods: map[string]string{"households": "45.0"}},
		{name: "many households", mods: map[string]string{"households": "2500", "population": "9000"},
			want: []problemWant{{code: "households_large", column: "households", warning: true}}},
		{name: "population below households", mods: map[string]string{"population": "40"},
			want: []problemWant{{code: "population_below_households", column: "population"}}},
		{name: "population not a number", mods: map[string]string{"population": "khoảng 200"},
			want: []problemWant{{code: "population_invalid", column: "population"}}},
		// enumerated values
		{name: "grid power not allowed", mods: map[string]string{"grid_power": "có điện một nửa"},
			want: []problemWant{{code: "value_not_allowed", column: "grid_power", contains: "partial (một phần)"}}},
		{name: "grid power in Vietnamese", mods: map[string]string{"grid_power": "MỘT PHẦN", "road_access": "Quanh năm", "terrain": "đồi", "dbkk": "khong"},
			check: func(t *testing.T, p survey.Point) {
				if p.GridPower != "partial" || p.RoadAccess != "all_year" || p.Terrain != "hilly" || p.DBKK != "no" {
					t.Errorf("point %+v", p)
				}
			}},
		{name: "grid power in words", mods: map[string]string{"grid_power": "Chưa có điện"},
			check: func(t *testing.T, p survey.Point) {
				if p.GridPower != "no" {
					t.Errorf("grid power %q, want no", p.GridPower)
				}
			}},
		// dbkk answers its own question: grid power's words are not a yes or no there.
		{name: "dbkk has electricity", mods: map[string]string{"dbkk": "có điện"},
			want: []problemWant{{code: "value_not_allowed", column: "dbkk"}}},
		{name: "dbkk has no electricity", mods: map[string]string{"dbkk": "chưa có điện"},
			want: []problemWant{{code: "value_not_allowed", column: "dbkk"}}},
		{name: "dbkk not yet", mods: map[string]string{"dbkk": "chưa có"},
			want: []problemWant{{code: "value_not_allowed", column: "dbkk"}}},
		{name: "dbkk as the list's name", mods: map[string]string{"dbkk": "Thuộc ĐBKK"},
			check: func(t *testing.T, p survey.Point) {
				if p.DBKK != "yes" {
					t.Errorf("dbkk %q, want yes", p.DBKK)
				}
			}},
		{name: "dbkk ticked", mods: map[string]string{"dbkk": "x"},
			check: func(t *testing.T, p survey.Point) {
				if p.DBKK != "yes" {
					t.Errorf("dbkk %q, want yes", p.DBKK)
				}
			}},
		{name: "empty grid power", mods: map[string]string{"grid_power": "-"},
			want: []problemWant{{code: "value_required", column: "grid_power"}}},
		{name: "terrain not allowed", mods: map[string]string{"terrain": "biển"},
			want: []problemWant{{code: "value_not_allowed", column: "terrain"}}},
		{name: "facilities in Vietnamese", mods: map[string]string{"facilities": "Trường học; chợ; trường"},
			check: func(t *testing.T, p survey.Point) {
				if !slices.Equal(p.Facilities, []string{"school", "market"}) {
					t.Errorf("facilities %v", p.Facilities)
				}
			}},
		{name: "facility not allowed", mods: map[string]string{"facilities": "school;rạp chiếu phim"},
			want: []problemWant{{code: "value_not_allowed", column: "facilities"}}},
		// signals and category
		{name: "no signal recorded", mods: map[string]string{"signal_viettel": "-", "signal_vinaphone": "-"},
			want: []problemWant{{code: "signal_required"}}},
		{name: "no signal at all in Vietnamese", mods: map[string]string{"signal_viettel": "Không có sóng", "signal_vinaphone": "mất sóng", "rsrp_viettel": "-"},
			check: func(t *testing.T, p survey.Point) {
				if p.Category != survey.TrangSong || p.Signal[0] != "none" {
					t.Errorf("point %+v", p)
				}
			}},
		{name: "signal not allowed", mods: map[string]string{"signal_vinaphone": "có sóng"},
			want: []problemWant{{code: "value_not_allowed", column: "signal_vinaphone", contains: "2g (2G)"}}},
		{name: "4G is not a dead zone", mods: map[string]string{"signal_vinaphone": "LTE"},
			want: []problemWant{{code: "has_4g", column: "signal_vinaphone", contains: "VinaPhone"}}},
		{name: "5G even as trang_song", mods: map[string]string{"signal_viettel": "5G", "category": "trang_song"},
			want: []problemWant{{code: "has_4g", column: "signal_viettel"}}},
		{name: "4G accepted as lom_song", mods: map[string]string{"signal_viettel": "4g", "category": "Lõm sóng"},
			want: []problemWant{{code: "has_4g_lom_song", column: "category", warning: true}},
			check: func(t *testing.T, p survey.Point) {
				if p.Category != survey.LomSong {
					t.Errorf("category %q", p.Category)
				}
			}},
		{name: "category contradicts signal", mods: map[string]string{"category": "trắng sóng"},
			want: []problemWant{{code: "category_contradicts_signal", column: "category", warning: true}},
			check: func(t *testing.T, p survey.Point) {
				if p.Category != survey.TrangSong {
					t.Errorf("category %q, want the column's trang_song", p.Category)
				}
			}},
		{name: "category not allowed", mods: map[string]string{"category": "vùng xanh"},
			want: []problemWant{{code: "value_not_allowed", column: "category"}}},
		{name: "positive RSRP", mods: map[string]string{"rsrp_viettel": "95"},
			want: []problemWant{{code: "rsrp_out_of_range", column: "rsrp_viettel", contains: "Did you mean −95"}}},
		{name: "RSRP too low", mods: map[string]string{"rsrp_viettel": "-150"},
			want: []problemWant{{code: "rsrp_out_of_range", column: "rsrp_viettel"}}},
		{name: "RSRP with a typographic minus and decimals", mods: map[string]string{"rsrp_viettel": "−95.4"},
			check: func(t *testing.T, p survey.Point) {
				if p.RSRP[0] != -95 {
					t.Errorf("rsrp %d", p.RSRP[0])
				}
			}},
		{name: "RSRP not a number", mods: map[string]string{"rsrp_viettel": "yếu"},
			want: []problemWant{{code: "number_invalid", column: "rsrp_viettel"}}},
		// dates
		{name: "DD/MM/YYYY", mods: map[string]string{"surveyed_on": "5/1/2026"}, check: func(t *testing.T, p survey.Point) {
			if got := p.SurveyedOn.Format("2006-01-02"); got != "2026-01-05" {
				t.Errorf("date %s", got)
			}
		}},
		{name: "date with a time", mods: map[string]string{"surveyed_on": "2026-01-15T08:30:00+07:00"}},
		{name: "date with dots", mods: map[string]string{"surveyed_on": "15.01.2026"}},
		{name: "impossible date", mods: map[string]string{"surveyed_on": "31/02/2026"},
			want: []problemWant{{code: "date_invalid", column: "surveyed_on"}}},
		{name: "month 13", mods: map[string]string{"surveyed_on": "2026-13-01"},
			want: []problemWant{{code: "date_invalid", column: "surveyed_on"}}},
		{name: "mixed separators", mods: map[string]string{"surveyed_on": "15/01-2026"},
			want: []problemWant{{code: "date_invalid", column: "surveyed_on"}}},
		{name: "two-digit year", mods: map[string]string{"surveyed_on": "15/01/26"},
			want: []problemWant{{code: "date_invalid", column: "surveyed_on"}}},
		{name: "future date", mods: map[string]string{"surveyed_on": "24/11/2026"},
			want: []problemWant{{code: "date_future", column: "surveyed_on", contains: "2026-11-23"}}},
		{name: "today", mods: map[string]string{"surveyed_on": "23/11/2026"}},
		{name: "before 2000", mods: map[string]string{"surveyed_on": "15/01/1926"},
			want: []problemWant{{code: "date_too_old", column: "surveyed_on"}}},
		{name: "empty date", mods: map[string]string{"surveyed_on": "-"},
			want: []problemWant{{code: "value_required", column: "surveyed_on"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			province := tc.province
			switch province {
			case "":
				province = "12"
			case "*":
				province = ""
			}
			rep, pts, err := read(t, csvFile(ruleColumns, tc.mods), intake.Options{Province: province})
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, rep, tc.want)
			if tc.check != nil {
				if len(pts) != 1 {
					t.Fatalf("%d points, want 1: %v", len(pts), rep.Errors)
				}
				tc.check(t, pts[0])
			}
		})
	}
}

// checkProblems compares a one-row report with the wanted problems, in any
// order, and checks the row is valid exactly when no error is wanted.
func checkProblems(t *testing.T, rep *intake.Report, want []problemWant) {
	t.Helper()
	var got []problemWant
	for _, p := range rep.Errors {
		got = append(got, problemWant{code: p.Code, column: p.Column})
	}
	for _, p := range rep.Warnings {
		got = append(got, problemWant{code: p.Code, column: p.Column, warning: true})
	}
	all := append(append([]phusong.Problem{}, rep.Errors...), rep.Warnings...)
	errorsWanted := 0
	for _, w := range want {
		if !w.warning {
			errorsWanted++
		}
		i := slices.IndexFunc(got, func(g problemWant) bool {
			return g.code == w.code && g.column == w.column && g.warning == w.warning
		})
		if i < 0 {
			t.Errorf("missing %+v; got %v", w, all)
			continue
		}
		if w.contains != "" && !strings.Contains(all[i].EN, w.contains) && !strings.Contains(all[i].VI, w.contains) {
			t.Errorf("%s: message %q does not contain %q", w.code, all[i].EN, w.contains)
		}
		if all[i].Row != 2 && all[i].Row != 0 {
			t.Errorf("%s: row %d, want 2", w.code, all[i].Row)
		}
		got = slices.Delete(got, i, i+1)
		all = slices.Delete(all, i, i+1)
	}
	if len(got) > 0 {
		t.Errorf("unexpected problems %v", all)
	}
	if wantValid := errorsWanted == 0; (rep.Valid == 1) != wantValid {
		t.Errorf("valid rows %d, want valid=%v", rep.Valid, wantValid)
	}
}

func orbDist(a, b orb.Point) float64 { return max(abs(a[0]-b[0]), abs(a[1]-b[1])) * 111_000 }

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestHeader(t *testing.T) {
	without := func(drop ...string) []string {
		var out []string
		for _, c := range ruleColumns {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
		return out
	}
	tests := []struct {
		name      string
		data      []byte
		errors    []string // code@value of file-level problems
		warnings  []string
		valid     int
		firstRow  int
		rowErrors int // errors of rows (row > 0)
	}{
		{name: "missing households", data: csvFile(without("households"), nil),
			errors: []string{"column_missing@households"}, valid: 0},
		{name: "missing coordinates", data: csvFile(without("lat", "lon", "x", "y", "crs"), nil),
			errors: []string{"column_missing@lat, lon (or x, y, crs)"}},
		{name: "missing lon", data: csvFile(without("lon", "x", "y", "crs"), nil),
			errors: []string{"column_missing@lon"}},
		{name: "x, y without crs", data: csvFile(without("lat", "lon", "crs"), map[string]string{"x": "500000", "y": "2460000"}),
			errors: []string{"column_missing@crs"}, rowErrors: 1},
		{name: "no signal column", data: csvFile(without("signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile"), nil),
			errors: []string{"column_missing@signal_viettel, signal_vinaphone, signal_mobifone or signal_vietnamobile (at least one)"}},
		{name: "duplicate column", data: csvFile(append(without(), "Vĩ độ"), nil),
			errors: []string{"column_duplicate@Vĩ độ"}},
		{name: "unknown columns", data: csvFile(append([]string{"STT"}, append(without(), "Ghi chép khác")...), nil),
			warnings: []string{"column_unknown@STT", "column_unknown@Ghi chép khác"}, valid: 1, firstRow: 2},
		{name: "title rows above the header",
			data:     append([]byte("DANH SÁCH THÔN LÕM SÓNG\n\nNgày 15/01/2026\n"), csvFile(ruleColumns, nil)...),
			warnings: []string{"rows_before_header@"}, valid: 1, firstRow: 5},
		{name: "second header row of aliases", data: twoHeaderRows(), valid: 1, firstRow: 3},
		{name: "bracketed notes in headers", data: []byte(strings.Replace(string(csvFile(ruleColumns, nil)), "households,", "Số hộ (*),", 1)),
			valid: 1, firstRow: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, pts, err := read(t, tc.data, intake.Options{Province: "12"})
			if err != nil {
				t.Fatal(err)
			}
			var gotE, gotW []string
			rowErrors := 0
			for _, p := range rep.Errors {
				if p.Row == 0 {
					gotE = append(gotE, p.Code+"@"+p.Value)
				} else {
					rowErrors++
				}
			}
			for _, p := range rep.Warnings {
				gotW = append(gotW, p.Code+"@"+p.Value)
			}
			if !slices.Equal(gotE, tc.errors) || !slices.Equal(gotW, tc.warnings) {
				t.Errorf("file-level errors %q warnings %q, want %q %q", gotE, gotW, tc.errors, tc.warnings)
			}
			if rowErrors != tc.rowErrors {
				t.Errorf("%d row errors, want %d (no per-row error for a missing column): %v", rowErrors, tc.rowErrors, rep.Errors)
			}
			if rep.Valid != tc.valid {
				t.Errorf("valid %d, want %d", rep.Valid, tc.valid)
			}
			if tc.firstRow > 0 && (len(pts) == 0 || pts[0].Row != tc.firstRow) {
				t.Errorf("points %v, want the first from row %d", pts, tc.firstRow)
			}
			if len(tc.errors) > 0 && intake.ExitCode(rep, err) != 1 {
				t.Errorf("exit code %d, want 1", intake.ExitCode(rep, err))
			}
		})
	}
}

// twoHeaderRows is a file laid out like the template: canonical names, then
// the Vietnamese ones.
func twoHeaderRows() []byte {
	var vi []string
	for _, c := range ruleColumns {
		col, _ := intake.ColumnByName(c)
		vi = append(vi, col.VI)
	}
	f := string(csvFile(ruleColumns, nil))
	i := strings.IndexByte(f, '\n')
	return []byte(f[:i+1] + strings.Join(vi, ",") + "\n" + f[i+1:])
}

func TestRowNumbers(t *testing.T) {
	// Row 1 header, row 2 valid, row 3 blank, row 4 valid with a note over
	// three lines, row 5 invalid: a spreadsheet shows it on row 5.
	data := string(csvFile(ruleColumns, nil)) + "\n" +
		string(csvFile(ruleColumns, map[string]string{"ref_id": "LC-2", "village_name": "Bản B", "notes": "dòng 1\ndòng 2\ndòng 3"}))[len(strings.Join(ruleColumns, ","))+1:] +
		string(csvFile(ruleColumns, map[string]string{"ref_id": "LC-3", "village_name": "Bản C", "households": "0"}))[len(strings.Join(ruleColumns, ","))+1:]
	rep, pts, err := read(t, []byte(data), intake.Options{Province: "12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 || pts[0].Row != 2 || pts[1].Row != 4 || pts[1].Notes != "dòng 1\ndòng 2\ndòng 3" {
		t.Errorf("points %+v", pts)
	}
	if rep.Rows != 3 || len(rep.Errors) != 1 || rep.Errors[0].Row != 5 {
		t.Errorf("rows %d, errors %v: want 3 rows and an error on row 5", rep.Rows, rep.Errors)
	}
}

func TestDuplicates(t *testing.T) {
	near := map[string]string{"ref_id": "LC-2", "village_name": "BAN KHUN HA", "lat": "22.258500", "lon": "103.583419"} // 40 m north
	far := map[string]string{"ref_id": "LC-3", "lat": "22.259500", "lon": "103.583419"}                                 // 150 m north
	tests := []struct {
		name string
		rows []map[string]string
		want []string // code@row
	}{
		{"same name within 100 m, folded", []map[string]string{nil, near}, []string{"duplicate_point@3"}},
		{"same name 150 m apart", []map[string]string{nil, far}, nil},
		{"other name, same place", []map[string]string{nil, {"ref_id": "LC-2", "village_name": "Bản Khun Há 2"}}, nil},
		{"same ref_id", []map[string]string{nil, {"village_name": "Bản Khác", "lat": "22.2600"}}, []string{"ref_id_duplicate@3"}},
		{"both", []map[string]string{nil, {}}, []string{"duplicate_point@3", "ref_id_duplicate@3"}},
		{"third copy", []map[string]string{nil, far, {"ref_id": "LC-4"}}, []string{"duplicate_point@4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, _, err := read(t, csvFile(ruleColumns, tc.rows...), intake.Options{Province: "12"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range rep.Errors {
				got = append(got, fmt.Sprintf("%s@%d", p.Code, p.Row))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors %v, want %v", rep.Errors, tc.want)
			}
		})
	}

	// 3,000 rows named alike ("Thôn 1" in every commune of a province), 300 m
	// apart: no duplicate, and the grid keeps it linear.
	rows := make([]map[string]string, 3000)
	for i := range rows {
		rows[i] = map[string]string{"ref_id": fmt.Sprintf("T-%d", i), "village_name": "Thôn 1", "commune_code": "-",
			"lat": strconv.FormatFloat(22.0+float64(i/60)*0.003, 'f', 6, 64), "lon": strconv.FormatFloat(103.0+float64(i%60)*0.003, 'f', 6, 64)}
	}
	rep, _, err := read(t, csvFile(ruleColumns, rows...), intake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Errors {
		if p.Code == "duplicate_point" {
			t.Fatalf("false duplicate %v", p)
		}
	}
}

// TestInvalidUTF8LaterInFile: a file sniffed as UTF-8 from its first 64 KB
// with a row pasted from a legacy encoding further down.
func TestInvalidUTF8LaterInFile(t *testing.T) {
	rows := make([]map[string]string, 800)
	for i := range rows {
		rows[i] = map[string]string{"ref_id": fmt.Sprintf("R-%d", i), "village_name": fmt.Sprintf("Bản %d", i),
			"lat": strconv.FormatFloat(22.258136+float64(i%20)*0.00001, 'f', 6, 64)}
	}
	rows[799]["village_name"] = "B\xe1n Khun"
	rep, _, err := read(t, csvFile(ruleColumns, rows...), intake.Options{Province: "12"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Encoding != "utf-8" || len(rep.Errors) != 1 || rep.Errors[0].Code != "text_invalid_encoding" || rep.Errors[0].Row != 801 {
		t.Errorf("encoding %s, errors %v: want one text_invalid_encoding on row 801", rep.Encoding, rep.Errors)
	}
	if rep.Valid != 799 {
		t.Errorf("valid %d, want 799", rep.Valid)
	}
}

// TestNULInRow: a NUL character in a cell is a row problem, as invalid
// UTF-8 is, in GeoJSON and in a CSV file whose first 64 KB are clean; no
// problem text carries the NUL on (PostgreSQL refuses it).
func TestNULInRow(t *testing.T) {
	rows := make([]map[string]string, 800)
	for i := range rows {
		rows[i] = map[string]string{"ref_id": fmt.Sprintf("R-%d", i), "village_name": fmt.Sprintf("Bản %d", i),
			"lat": strconv.FormatFloat(22.258136+float64(i%20)*0.00001, 'f', 6, 64)}
	}
	rows[799]["village_name"] = "Bản \x00Khun"
	feature := func(props string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[103.583419,22.258136]},` +
			`"properties":{"province_code":"12","commune_code":"03430","households":3,"grid_power":"yes",` +
			`"signal_viettel":"none","surveyed_on":"2026-01-15",` + props + `}}]}`
	}
	tests := []struct {
		name  string
		data  []byte
		row   int
		valid int
	}{
		{"csv, late row", csvFile(ruleColumns, rows...), 801, 799},
		{"geojson property", []byte(feature(`"village_name":"Bản \u0000X"`)), 1, 0},
		{"geojson, NUL in an unknown key too", []byte(feature(`"village_name":"Bản \u0000X","gh\u0000i\u0000chú":"x\u0000"`)), 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, pts, err := read(t, tc.data, intake.Options{Province: "12"})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) != 1 || rep.Errors[0].Code != "text_invalid_encoding" || rep.Errors[0].Row != tc.row {
				t.Errorf("errors %v: want one text_invalid_encoding on row %d", rep.Errors, tc.row)
			}
			if rep.Valid != tc.valid {
				t.Errorf("valid %d, want %d", rep.Valid, tc.valid)
			}
			for _, p := range pts {
				if strings.ContainsRune(p.VillageName, 0) {
					t.Errorf("point %d keeps the NUL: %q", p.Row, p.VillageName)
				}
			}
			for _, p := range append(rep.Errors, rep.Warnings...) {
				if strings.ContainsRune(p.Value+p.VI+p.EN, 0) {
					t.Errorf("problem carries a NUL: %#v", p)
				}
			}
		})
	}
}

func TestGeoJSONVariants(t *testing.T) {
	valid := string(testdata(t, "valid.geojson"))
	tests := []struct {
		name        string
		data        string
		valid       int
		errors      []string
		firstRowErr int
	}{
		{"with a byte-order mark", "\ufeff" + valid, 6, nil, 0},
		{"type after the features", `{"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[103.583419,22.258136]},` +
			`"properties":{"province_code":"12","commune_code":"03430","village_name":"A","households":3,"grid_power":"yes",` +
			`"signal_viettel":"none","surveyed_on":"2026-01-15"}}],"type":"FeatureCollection"}`, 1, nil, 0},
		{"null geometry, VN-2000 properties", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,` +
			`"properties":{"province_code":"12","commune_code":"03430","village_name":"A","households":3,"grid_power":"yes",` +
			`"signal_viettel":"none","surveyed_on":"2026-01-15","x":"abc","y":"2460000","crs":"VN2000-TM3"}}]}`, 0, []string{"number_invalid"}, 1},
		{"a line instead of a point", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString",` +
			`"coordinates":[[103.5,22.2],[103.6,22.3]]},"properties":{"province_code":"12","commune_code":"03430","village_name":"A",` +
			`"households":3,"grid_power":"yes","signal_viettel":"none","surveyed_on":"2026-01-15","lat":22.258136,"lon":103.583419}}]}`,
			0, []string{"geometry_not_point"}, 1},
		{"a point with one coordinate", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",` +
			`"coordinates":[103.5]},"properties":{"province_code":"12","commune_code":"03430","village_name":"A",` +
			`"households":3,"grid_power":"yes","signal_viettel":"none","surveyed_on":"2026-01-15"}}]}`,
			0, []string{"coordinates_required", "point_coordinates_invalid"}, 1},
		{"a geometry without a type", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"coordinates":[103.5,22.2]},` +
			`"properties":{"province_code":"12","commune_code":"03430","village_name":"A",` +
			`"households":3,"grid_power":"yes","signal_viettel":"none","surveyed_on":"2026-01-15","lat":22.258136,"lon":103.583419}}]}`,
			0, []string{"geometry_invalid"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, _, err := read(t, []byte(tc.data), intake.Options{Province: "12"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid != tc.valid || !slices.Equal(codes(rep.Errors), tc.errors) {
				t.Errorf("valid %d errors %v, want %d %v", rep.Valid, rep.Errors, tc.valid, tc.errors)
			}
			if tc.firstRowErr > 0 && rep.Errors[0].Row != tc.firstRowErr {
				t.Errorf("error on row %d, want %d", rep.Errors[0].Row, tc.firstRowErr)
			}
		})
	}
}
