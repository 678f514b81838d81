package intake_test

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
	"github.com/phusong/phusong/geo/intake"
)

// The published specification (docs/survey-format.md) and the embedded
// guide carry tables generated from Columns and Codes between
// <!-- BEGIN name --> and <!-- END name --> markers. TestPublishedSpec fails
// when they are stale; go test -run TestPublishedSpec -update rewrites them.

const specPath = "../../docs/survey-format.md"

func TestCodesHaveTexts(t *testing.T) {
	seen := map[string]bool{}
	param := regexp.MustCompile(`\{(\w+)\}`)
	known := []string{"column", "value", "row", "fixed", "province", "name", "allowed", "limit", "other", "distance", "hint"}
	for _, c := range intake.Codes {
		if seen[c.Code] {
			t.Errorf("%s: listed twice", c.Code)
		}
		seen[c.Code] = true
		if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(c.Code) {
			t.Errorf("%s: not snake_case", c.Code)
		}
		if c.VI == "" || c.EN == "" || c.VI == c.EN {
			t.Errorf("%s: needs a Vietnamese and an English text", c.Code)
		}
		vi, en := param.FindAllStringSubmatch(c.VI, -1), param.FindAllStringSubmatch(c.EN, -1)
		var viNames, enNames []string
		for _, m := range vi {
			viNames = append(viNames, m[1])
		}
		for _, m := range en {
			enNames = append(enNames, m[1])
		}
		slices.Sort(viNames)
		slices.Sort(enNames)
		if !slices.Equal(slices.Compact(viNames), slices.Compact(enNames)) {
			t.Errorf("%s: parameters differ between languages: %v and %v", c.Code, viNames, enNames)
		}
		for _, n := range viNames {
			if !slices.Contains(known, n) {
				t.Errorf("%s: unknown parameter {%s}", c.Code, n)
			}
		}
	}
	for _, code := range coord.Codes() {
		if seen[code] {
			t.Errorf("%s: both intake and geo/coord define it", code)
		}
	}
}

// TestEveryCodeRaised runs a case of each code through Read, so that no
// published code is dead and every message renders without a leftover
// parameter.
func TestEveryCodeRaised(t *testing.T) {
	raised := map[string]phusong.Problem{}
	collect := func(data []byte, opt intake.Options) {
		rep, _, err := read(t, data, opt)
		for _, p := range append(rep.Errors, rep.Warnings...) {
			raised[p.Code] = p
		}
		var ie *phusong.InputError
		if asInputError(err, &ie) {
			for _, p := range ie.Problems {
				raised[p.Code] = p
			}
		}
	}
	for _, f := range []string{"invalid_rows.csv", "semicolon_decimal_comma.csv", "empty.csv", "header_only.csv",
		"garbage.bin", "unclosed_quote.csv", "utf32.csv", "not_feature_collection.json", "not_a_zip.xlsx", "old_excel.xls"} {
		collect(testdata(t, f), intake.Options{Province: "12"})
	}
	collect(testdata(t, "formula.xlsx"), intake.Options{Sheet: "nope"})
	for _, c := range codeCases(t) {
		collect(c.data, c.opt)
	}
	all := append([]string{}, coord.Codes()...)
	for _, c := range intake.Codes {
		all = append(all, c.Code)
	}
	for _, code := range all {
		p, ok := raised[code]
		switch {
		case code == "degrees_empty":
			// Read reports an empty lat or lon as value_required before geo/coord sees it.
		case !ok:
			t.Errorf("%s: no test case raises it", code)
		case leftover.MatchString(p.VI + p.EN):
			t.Errorf("%s: message with a leftover parameter: %q / %q", code, p.VI, p.EN)
		}
	}
}

var leftover = regexp.MustCompile(`\{[a-z_]+\}|\x00`)

// templateFile is Lai Châu's Excel template, unchanged: its example row.
func templateFile(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := intake.Template(&buf, "12", reference(t)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type codeCase struct {
	data []byte
	opt  intake.Options
}

// codeCases raise the codes the testdata files do not.
func codeCases(t *testing.T) []codeCase {
	header := "province_code,commune_code,village_name,lat,lon,households,grid_power,signal_viettel,surveyed_on\n"
	row := "12,03430,Bản Khun Há,22.258136,103.583419,45,yes,none,2026-01-15\n"
	cases := []codeCase{
		{[]byte(header + strings.Repeat(row, 3)), intake.Options{MaxBytes: 100}},
		{[]byte(header + row + row), intake.Options{MaxRows: 1}},
		{[]byte(strings.Repeat("c,", 2000) + "\n"), intake.Options{}},
		{[]byte("STT\n1\n"), intake.Options{}},
		{[]byte(header + `12,"` + strings.Repeat("a", 2<<20) + "\"\n"), intake.Options{}},
		{[]byte(`{"type":"FeatureCollection","features":[}`), intake.Options{}},
		{[]byte(strings.Repeat("[", 100)), intake.Options{}},
		{[]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{}}]}`), intake.Options{}},
		{[]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"coordinates":[1,2]},"properties":{}}]}`), intake.Options{}},
		{[]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":["103.5","22.2"]},"properties":{}}]}`), intake.Options{}},
		{zipWithEntry(t, 2<<30, 10), intake.Options{}},
		{workbookWith(t, inlineCell(2<<20), nil), intake.Options{}},
		{templateFile(t), intake.Options{}},
		{[]byte("DANH SÁCH\n" + header + row), intake.Options{}},
		{[]byte(strings.Replace(header, "lat", "lat,Vĩ độ", 1) + strings.Replace(row, "22.258136", "22.258136,22.258136", 1)), intake.Options{}},
		{[]byte(header + "12,03430,Bản A,22.258136,103.583419,45,yes,none,2026-01-15,thừa\n"), intake.Options{}},
	}
	for _, mods := range []map[string]string{
		{"province_code": "99"}, {"province_code": "02", "commune_code": "00691", "lat": "22.860936", "lon": "104.962674"},
		{"commune_code": "99999"}, {"commune_code": "03386", "lat": "22.44116", "lon": "103.397412"},
		{"province_code": "01", "commune_code": "00007", "lat": "21.0285", "lon": "105.8542"}, {"commune_code": "00691"},
		{"village_name": strings.Repeat("a", 201)}, {"lat": "-", "lon": "-"}, {"lat": "12.0", "lon": "111.5"},
		{"lat": "22.340731", "lon": "102.791233"}, {"households": "2500", "population": "9000"}, {"population": "40"},
		{"population": "x"}, {"signal_viettel": "-", "signal_vinaphone": "-"}, {"signal_viettel": "4g", "category": "lom_song"},
		{"category": "trang_song"}, {"rsrp_viettel": "95"}, {"surveyed_on": "24/11/2026"}, {"surveyed_on": "01/01/1999"},
		{"lat": "abc"}, {"lat": "22,5"}, {"lat": "22.5 E"}, {"lat": "-22.5 N"}, {"lat": `22°61'00"N`}, {"lat": `22°01'61"N`},
		{"lat": `22°1.5'3"N`}, {"lat": "95", "lon": "100"}, {"lat": "21", "lon": "190"}, {"lat": "48.8", "lon": "2.3"},
		{"lat": "-22.258136"}, {"lat": "2460000", "lon": "500000"}, {"x": "abc", "y": "2460000", "crs": "VN2000-TM3", "lat": "-", "lon": "-"},
		{"x": "2460000", "y": "520000", "crs": "VN2000-TM3", "lat": "-", "lon": "-"},
		{"x": "103.5", "y": "22.2", "crs": "VN2000-TM3", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "-", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "Hà Nội 72", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "VN2000-TM3", "province_code": "99", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "VN2000-TM3:104.1", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "EPSG:6956", "lat": "-", "lon": "-"},
		{"x": "520000", "y": "2460000", "crs": "EPSG:4326", "lat": "-", "lon": "-"},
		{"village_name": "=1+1"}, {"surveyed_on": "-"},
	} {
		cases = append(cases, codeCase{csvFile(ruleColumns, mods), intake.Options{Province: "12"}})
	}
	cases = append(cases, codeCase{csvFile(ruleColumns, nil, nil), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"province_code": "08", "commune_code": "00691",
		"lat": "22.860936", "lon": "104.962674"}), intake.Options{Province: "12"}})
	cases = append(cases, codeCase{csvFile(ruleColumns[1:], nil), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"commune_code": "3430"}), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"grid_power": "maybe"}), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"households": "0"}), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"signal_viettel": "4g"}), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"surveyed_on": "31/02/2026"}), intake.Options{}})
	cases = append(cases, codeCase{csvFile(ruleColumns, map[string]string{"lat": "103.583419", "lon": "22.258136"}), intake.Options{}})
	cases = append(cases, codeCase{invalidUTF8File(), intake.Options{}})
	return cases
}

func invalidUTF8File() []byte {
	var b strings.Builder
	b.WriteString("province_code,commune_code,village_name,lat,lon,households,grid_power,signal_viettel,surveyed_on\n")
	for b.Len() < 70<<10 {
		b.WriteString("12,03430,Ban Khun Ha,22.258136,103.583419,45,yes,none,2026-01-15\n")
	}
	b.WriteString("12,03430,B\xe1n,22.258136,103.583419,45,yes,none,2026-01-15\n")
	return []byte(b.String())
}

// coordExample gives, for each geo/coord code, an input that raises it,
// so that the specification can print its messages.
func coordExamples(t *testing.T) map[string]error {
	out := map[string]error{}
	add := func(err error) {
		var p phusong.Problem
		if asProblem(err, &p) {
			out[p.Code] = err
		}
	}
	for _, s := range []string{"", "abc", "22,5", `22°1.5'3"N`, "22.5 E", "-22.5 N", `22°61'00"N`, `22°01'61"N`} {
		_, err := coord.ParseDegrees(s, coord.Lat, false)
		add(err)
	}
	for _, ll := range [][2]float64{{95, 100}, {21, 190}, {48.8, 2.3}, {103.583419, 22.258136}, {-22.258136, 103.583419}, {2460000, 500000}} {
		_, err := coord.CheckLatLon(ll[0], ll[1])
		add(err)
	}
	for _, s := range []string{"", "Hà Nội 72", "VN2000-TM3:104.1", "EPSG:6956"} {
		_, err := coord.ParseCRS(s, "12")
		add(err)
	}
	_, err := coord.ParseCRS("VN2000-TM3", "99")
	add(err)
	tm3, _ := coord.ParseCRS("VN2000-TM3", "12")
	x, y := tm3.FromWGS84(orb.Point{103.583419, 22.258136})
	_, err = tm3.ToWGS84(y, x)
	add(err)
	_, err = tm3.ToWGS84(103.5, 22.2)
	add(err)
	for _, code := range coord.Codes() {
		if out[code] == nil {
			t.Errorf("no example for geo/coord code %s", code)
		}
	}
	return out
}

func TestPublishedSpec(t *testing.T) {
	sections := map[string]string{
		"columns":     columnsTable(),
		"values":      valuesTable(),
		"codes":       codesTable(),
		"coord-codes": coordCodesTable(t),
	}
	checkGenerated(t, specPath, sections)
	checkGenerated(t, "guide.html", map[string]string{"columns": guideColumns()})
	if !strings.Contains(string(intake.GuideHTML), "province_code") {
		t.Error("GuideHTML is not the embedded guide.html")
	}
}

// checkGenerated compares (or with -update rewrites) the generated sections
// of a file.
func checkGenerated(t *testing.T, path string, sections map[string]string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for name, want := range sections {
		begin, end := "<!-- BEGIN "+name+" -->\n", "<!-- END "+name+" -->"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			t.Errorf("%s: no %q … %q section", path, begin, end)
			continue
		}
		if got := text[i+len(begin) : j]; got != want {
			if *update {
				text = text[:i+len(begin)] + want + text[j:]
				continue
			}
			t.Errorf("%s: section %s is stale; run go test ./geo/intake -run TestPublishedSpec -update", path, name)
		}
	}
	if *update && text != string(raw) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func columnsTable() string {
	var b strings.Builder
	b.WriteString("| column | Vietnamese header | other accepted headers | required | values |\n|---|---|---|---|---|\n")
	for _, c := range intake.Columns {
		aliases := make([]string, len(c.Aliases))
		for i, a := range c.Aliases {
			aliases[i] = "`" + a + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.Name, c.VI, strings.Join(aliases, ", "), c.Required, mdCell(c.DocEN))
	}
	return b.String()
}

func valuesTable() string {
	var b strings.Builder
	b.WriteString("| column | value | Vietnamese | also accepted |\n|---|---|---|---|\n")
	for _, c := range intake.Columns {
		if len(c.Values) == 0 || c.Name != "signal_viettel" && strings.HasPrefix(c.Name, "signal_") {
			continue
		}
		name := c.Name
		if name == "signal_viettel" {
			name = "signal_*"
		}
		for _, v := range c.Values {
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", name, v.Code, v.VI, mdCell(strings.Join(v.Aliases, ", ")))
		}
	}
	return b.String()
}

func codesTable() string {
	var b strings.Builder
	b.WriteString("| code | kind | message (vi) | message (en) |\n|---|---|---|---|\n")
	for _, c := range intake.Codes {
		kind := map[intake.Severity]string{intake.Fatal: "file unreadable (exit 2)", intake.Error: "error (exit 1)",
			intake.Warning: "warning"}[c.Severity]
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Code, kind, mdCell(c.VI), mdCell(c.EN))
	}
	return b.String()
}

func coordCodesTable(t *testing.T) string {
	ex := coordExamples(t)
	var b strings.Builder
	b.WriteString("| code | example message (vi) | example message (en) |\n|---|---|---|\n")
	for _, code := range coord.Codes() {
		var p phusong.Problem
		asProblem(ex[code], &p)
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", code, mdCell(p.VI), mdCell(p.EN))
	}
	return b.String()
}

func guideColumns() string {
	var b strings.Builder
	b.WriteString("<table>\n<tr><th>Cột (tiêu đề tiếng Việt)</th><th>Tên chuẩn</th><th>Bắt buộc</th><th>Cách ghi</th></tr>\n")
	for _, c := range intake.Columns {
		req := map[string]string{"yes": "có", "no": "không"}[c.Required]
		if req == "" {
			req = html.EscapeString(c.Required)
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n",
			html.EscapeString(c.VI), c.Name, req, html.EscapeString(c.DocVI))
	}
	b.WriteString("</table>\n")
	return b.String()
}
