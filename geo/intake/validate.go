package intake

import (
	"errors"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
	"github.com/phusong/phusong/geo/survey"
)

// Thresholds of the row checks.
const (
	communeSlopMetres = 50   // a point this far outside its commune's (simplified) boundary is still fine
	largeHouseholds   = 2000 // more households than this in one point is worth a second look
	minSurveyYear     = 2000
)

// vietnam is the time zone survey dates are in (no DST; a fixed zone needs no tzdata).
var vietnam = time.FixedZone("ICT", 7*3600)

// validator checks rows one by one and remembers what duplicate checks need.
type validator struct {
	ref          Reference
	rep          *Report
	province     string
	decimalComma bool
	excelDates   bool
	today        time.Time // UTC midnight of today's date in Vietnam
	todayText    string

	present [numColumns]bool
	known   bool // present is set
	missing bool // a required column is missing: no row is valid

	seed   maphash.Seed
	refIDs hashTable[int32]
	names  *nameIndex
	places *communeIndex
	buf    []byte

	// examples caches where each province's template example row lies.
	examples map[string]orb.Point

	// The last commune code translated: consecutive rows usually share it.
	lastCommune    string
	lastNew        []string
	lastTranslated bool
	lastOK         bool
}

func newValidator(ref Reference, opt Options, rep *Report, decimalComma, excelDates bool) *validator {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	y, m, d := now().In(vietnam).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &validator{ref: ref, rep: rep, province: opt.Province, decimalComma: decimalComma,
		excelDates: excelDates, today: today, todayText: today.Format("2006-01-02"),
		seed: maphash.MakeSeed(), names: &nameIndex{}, places: newCommuneIndex(ref)}
}

// setColumns records which columns the file has and reports, once for the
// file (row 0), each required column that is missing.
func (v *validator) setColumns(present [numColumns]bool) {
	v.present, v.known = present, true
	miss := func(what string) {
		v.rep.add(Error, problem("column_missing", 0, "", what))
		v.missing = true
	}
	for _, c := range []int{colProvince, colCommune, colVillage, colHouseholds, colGridPower, colSurveyedOn} {
		if !present[c] {
			miss(Columns[c].Name)
		}
	}
	hasLatLon := present[colLat] || present[colLon]
	hasXY := present[colX] || present[colY]
	switch {
	case hasLatLon && !present[colLat]:
		miss("lat")
	case hasLatLon && !present[colLon]:
		miss("lon")
	case !hasLatLon && hasXY && !present[colX]:
		miss("x")
	case !hasLatLon && hasXY && !present[colY]:
		miss("y")
	case !hasLatLon && hasXY && !present[colCRS]:
		miss("crs")
	case !hasLatLon && !hasXY:
		miss("lat, lon (or x, y, crs)")
	}
	anySignal := false
	for _, c := range signalCols {
		anySignal = anySignal || present[c]
	}
	if !anySignal {
		miss("signal_viettel, signal_vinaphone, signal_mobifone or signal_vietnamobile (at least one)")
	}
	// Any error in the header (a missing or a duplicated column) makes every row invalid.
	v.missing = v.missing || v.rep.ErrorCount > 0
}

func (v *validator) errorf(row, col int, code, value string, a ...string) {
	v.rep.add(Error, problem(code, row, Columns[col].Name, value, a...))
}

func (v *validator) warnf(row, col int, code, value string, a ...string) {
	v.rep.add(Warning, problem(code, row, Columns[col].Name, value, a...))
}

// required reports an empty cell of a required column, unless the whole
// column is missing (reported once for the file).
func (v *validator) required(row, col int) {
	if !v.known || v.present[col] {
		v.errorf(row, col, "value_required", "")
	}
}

// row checks one record and returns its point; ok is false when the row has
// an error (or a required column of the file is missing).
func (v *validator) row(rec *record) (p survey.Point, ok bool) {
	before := v.rep.ErrorCount
	row := rec.row
	c := &rec.cells
	for i := range c {
		c[i] = strings.TrimSpace(c[i])
	}
	p.Row = row
	// A NUL character is as unreadable as invalid UTF-8, and PostgreSQL
	// refuses to store it: the same row problem. A CSV file's NULs are
	// caught as binary data only in the first bytes sniffed; GeoJSON
	// strings may hold them as \u0000.
	for i := 0; i < len(c) && !rec.badText; i++ {
		rec.badText = strings.IndexByte(c[i], 0) >= 0
	}
	if rec.badText {
		v.rep.add(Error, problem("text_invalid_encoding", row, "", ""))
		for i := range c {
			c[i] = strings.ReplaceAll(strings.ToValidUTF8(c[i], "\uFFFD"), "\x00", "\uFFFD")
		}
	}
	switch rec.geometry {
	case "":
	case geomUnreadable:
		v.rep.add(Error, problem("geometry_invalid", row, "", ""))
	case geomBadPoint:
		v.rep.add(Error, problem("point_coordinates_invalid", row, "", ""))
	default:
		v.rep.add(Error, problem("geometry_not_point", row, "", rec.geometry))
	}
	if rec.extra != "" {
		v.rep.add(Warning, problem("row_extra_cells", row, "", clip(rec.extra)))
	}

	provinceOK := v.checkProvince(row, c[colProvince], &p)
	communeOK := v.checkCommune(row, c[colCommune], provinceOK, &p)

	p.VillageName = v.text(row, colVillage, c[colVillage])
	if p.VillageName == "" {
		v.required(row, colVillage)
	}
	p.RefID = v.text(row, colRefID, c[colRefID])
	if p.RefID != "" {
		if first, dup := v.refIDs.upsert(maphash.String(v.seed, p.RefID), int32(row)); dup {
			v.errorf(row, colRefID, "ref_id_duplicate", p.RefID, "other", itoa(int(*first)))
		}
	}

	locOK := v.checkLocation(row, c, &p)
	if locOK && provinceOK {
		v.checkPlace(row, communeOK, &p)
	}
	if locOK && p.VillageName != "" {
		v.buf = survey.AppendFold(v.buf[:0], p.VillageName)
		if other, d, dup := v.names.add(maphash.Bytes(v.seed, v.buf), p.Location, row); dup {
			v.errorf(row, colVillage, "duplicate_point", p.VillageName,
				"other", itoa(other), "distance", strconv.Itoa(int(math.Round(d))))
		}
	}

	v.checkCounts(row, c, &p)

	if s := c[colGridPower]; s == "" {
		v.required(row, colGridPower)
	} else {
		p.GridPower = v.enum(row, colGridPower, s)
	}
	p.RoadAccess = v.enum(row, colRoad, c[colRoad])
	p.Terrain = v.enum(row, colTerrain, c[colTerrain])
	p.DBKK = v.enum(row, colDBKK, c[colDBKK])
	v.checkSignals(row, c, &p)
	p.Facilities = v.list(row, colFacilities, c[colFacilities])

	if s := c[colSurveyedOn]; s == "" {
		v.required(row, colSurveyedOn)
	} else {
		p.SurveyedOn = v.date(row, s)
	}
	p.SurveyedBy = v.text(row, colSurveyedBy, c[colSurveyedBy])
	p.Notes = v.text(row, colNotes, c[colNotes])
	if locOK && v.isExample(&p) {
		v.errorf(row, colVillage, "template_example_row", p.VillageName)
	}
	return p, v.rep.ErrorCount == before && !v.missing
}

// isExample reports whether a point is the Excel template's example row left
// in: the example's village name at the example's place (the first commune
// of the row's province, as Template writes it, to its 6 decimals). Name and
// place, not every cell: an officer who changed the households but not the
// village has still not entered a real one. Left in, the row was stored and
// published as a real village (QA).
func (v *validator) isExample(p *survey.Point) bool {
	at, ok := v.examples[p.ProvinceCode]
	if !ok {
		// ProvinceCommunes copies the province's list: once per province.
		if communes := v.ref.ProvinceCommunes(p.ProvinceCode); len(communes) > 0 {
			at = orb.Point{round6(communes[0].Point[0]), round6(communes[0].Point[1])}
		}
		if v.examples == nil {
			v.examples = map[string]orb.Point{}
		}
		v.examples[p.ProvinceCode] = at
	}
	return at != (orb.Point{}) && math.Abs(p.Location[0]-at[0]) < 5e-7 && math.Abs(p.Location[1]-at[1]) < 5e-7 &&
		survey.Fold(p.VillageName) == exampleVillageKey
}

var exampleVillageKey = survey.Fold(Columns[colVillage].Example)

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// code reads an administrative code of width digits: "12", "03466", also
// "3466" (padded, with a warning), "3466.0" (a number cell) and
// "03466 - Xã Tả Phìn" (as the template's list writes it).
func (v *validator) code(row, col int, s string, width int) (string, bool) {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	digits, rest := s[:n], strings.TrimSpace(s[n:])
	if strings.HasPrefix(rest, ".") && strings.Trim(rest[1:], "0") == "" {
		rest = ""
	}
	if rest != "" && !strings.HasPrefix(rest, "-") && !strings.HasPrefix(rest, "–") && !strings.HasPrefix(rest, ":") {
		return s, false
	}
	if n == 0 || n > width {
		return s, false
	}
	if n < width {
		fixed := strings.Repeat("0", width-n) + digits
		v.warnf(row, col, "code_padded", s, "fixed", fixed)
		return fixed, true
	}
	return digits, true
}

// checkProvince reads province_code into p; ok is false when it is empty or
// unknown.
func (v *validator) checkProvince(row int, s string, p *survey.Point) bool {
	if s == "" {
		v.required(row, colProvince)
		return false
	}
	code, ok := v.code(row, colProvince, s, 2)
	if !ok {
		v.errorf(row, colProvince, "province_unknown", s)
		return false
	}
	newCode, translated, ok := v.ref.TranslateProvince(code)
	if !ok {
		v.errorf(row, colProvince, "province_unknown", s)
		return false
	}
	if translated {
		v.warnf(row, colProvince, "province_code_translated", code, "fixed", newCode, "province", v.ref.ProvinceName(newCode))
	}
	p.ProvinceCode = newCode
	if v.province != "" && newCode != v.province {
		v.errorf(row, colProvince, "province_not_submitter", newCode,
			"province", v.province+" "+v.ref.ProvinceName(v.province))
	}
	return true
}

// checkCommune reads commune_code into p; ok is false when it is empty,
// unknown, split, or of another province.
func (v *validator) checkCommune(row int, s string, provinceOK bool, p *survey.Point) bool {
	if s == "" {
		v.required(row, colCommune)
		return false
	}
	code, ok := v.code(row, colCommune, s, 5)
	if !ok {
		v.errorf(row, colCommune, "commune_unknown", s)
		return false
	}
	if code != v.lastCommune {
		v.lastCommune = code
		v.lastNew, v.lastTranslated, v.lastOK = v.ref.TranslateCommune(code)
	}
	news, translated := v.lastNew, v.lastTranslated
	switch {
	case !v.lastOK || len(news) == 0:
		v.errorf(row, colCommune, "commune_unknown", s)
		return false
	case len(news) > 1:
		names := make([]string, len(news))
		for i, n := range news {
			names[i] = n + " " + v.communeName(n)
		}
		v.errorf(row, colCommune, "commune_split", code, "allowed", strings.Join(names, "; "))
		return false
	}
	commune := news[0]
	if translated {
		v.warnf(row, colCommune, "commune_code_translated", code, "fixed", commune, "name", v.communeName(commune))
	}
	p.CommuneCode = commune
	if !provinceOK {
		return false
	}
	if cp, ok := v.ref.CommuneProvince(commune); ok && cp != p.ProvinceCode {
		v.errorf(row, colCommune, "commune_other_province", commune, "name", v.communeName(commune),
			"province", cp+" "+v.ref.ProvinceName(cp))
		return false
	}
	return true
}

func (v *validator) communeName(code string) string {
	if c, ok := v.ref.Commune(code); ok {
		return c.FullName
	}
	return ""
}

// text reads a free-text cell: NFC, bounded, formulas kept as plain text.
func (v *validator) text(row, col int, s string) string {
	if s == "" {
		return ""
	}
	s = norm.NFC.String(s)
	if max := Columns[col].MaxLen; max > 0 && utf8.RuneCountInString(s) > max {
		v.errorf(row, col, "text_too_long", clip(s), "limit", itoa(max))
	}
	if s[0] == '=' {
		v.warnf(row, col, "formula_as_text", clip(s))
	}
	return s
}

// checkLocation reads lat, lon or x, y, crs into p.Location.
func (v *validator) checkLocation(row int, c *[numColumns]string, p *survey.Point) bool {
	latS, lonS := c[colLat], c[colLon]
	switch {
	case latS != "" || lonS != "":
		if latS == "" || lonS == "" {
			v.required(row, colLat+boolInt(latS != ""))
			return false
		}
		lat, err1 := coord.ParseDegrees(latS, coord.Lat, v.decimalComma)
		lon, err2 := coord.ParseDegrees(lonS, coord.Lon, v.decimalComma)
		if err1 != nil || err2 != nil {
			v.coordProblem(row, "lat", latS, err1)
			v.coordProblem(row, "lon", lonS, err2)
			return false
		}
		loc, err := coord.CheckLatLon(lat, lon)
		if err != nil {
			v.coordProblem(row, "lat", latS+", "+lonS, err)
			return false
		}
		p.Location, p.SourceCRS = loc, "EPSG:4326"
		return true
	case c[colX] != "" || c[colY] != "":
		xS, yS := c[colX], c[colY]
		x, okX := v.number(row, colX, xS)
		y, okY := v.number(row, colY, yS)
		crs, err := coord.ParseCRS(c[colCRS], p.ProvinceCode)
		if err != nil {
			v.coordProblem(row, "crs", c[colCRS], err)
			return false
		}
		if !okX || !okY {
			return false
		}
		loc, err := crs.ToWGS84(x, y)
		if err != nil {
			v.coordProblem(row, "x", xS+", "+yS, err)
			return false
		}
		p.Location, p.SourceCRS = loc, crs.String()
		return true
	}
	if !v.known || v.present[colLat] || v.present[colX] {
		v.errorf(row, colLat, "coordinates_required", "")
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// coordProblem adds a problem returned by geo/coord, which sets its code and
// texts; err nil adds nothing.
func (v *validator) coordProblem(row int, column, value string, err error) {
	if err == nil {
		return
	}
	var p phusong.Problem
	if !errors.As(err, &p) {
		p = problem("number_invalid", row, column, value)
	}
	p.Row, p.Column, p.Value = row, column, clip(value)
	v.rep.add(Error, p)
}

// number reads a decimal number cell; empty is an error (value_required).
func (v *validator) number(row, col int, s string) (float64, bool) {
	if s == "" {
		v.errorf(row, col, "value_required", "")
		return 0, false
	}
	f, ok := parseNumber(s, v.decimalComma)
	if !ok {
		v.errorf(row, col, "number_invalid", s)
	}
	return f, ok
}

// parseNumber accepts "2345678.12", "−95" (a typographic minus), and with
// decimalComma "2345678,12"; spaces inside are dropped ("2 345 678").
func parseNumber(s string, decimalComma bool) (float64, bool) {
	if strings.HasPrefix(s, "−") {
		s = "-" + s[len("−"):]
	}
	if strings.ContainsAny(s, " \u00a0") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\u00a0' {
				return -1
			}
			return r
		}, s)
	}
	if decimalComma && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || c == '.' || c == '-' || c == '+') {
			return 0, false // no exponents, no hex, no "Inf"
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// parseWhole reads a whole number: digits, or a number cell like "25.0".
func parseWhole(s string) (int, bool) {
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// checkPlace checks the point against the declared province and commune.
func (v *validator) checkPlace(row int, communeOK bool, p *survey.Point) {
	at, ok := v.ref.ProvinceAt(p.Location)
	if ok && at == p.ProvinceCode {
		if !communeOK {
			return
		}
		if d, ok := v.places.distance(p.CommuneCode, p.Location); ok && d > communeSlopMetres {
			v.warnf(row, colLat, "outside_commune", latLon(p.Location), "name", p.CommuneCode+" "+v.communeName(p.CommuneCode),
				"distance", strconv.Itoa(int(math.Round(d))))
		}
		return
	}
	where := "ngoài lãnh thổ các tỉnh (trên biển hoặc nước ngoài)\x00no province (at sea or abroad)"
	if ok {
		where = at + " " + v.ref.ProvinceName(at)
	}
	v.errorf(row, colLat, "outside_province", latLon(p.Location),
		"fixed", p.ProvinceCode+" "+v.ref.ProvinceName(p.ProvinceCode), "province", where)
}

// latLon writes a point as "lat, lon" for a problem's value.
func latLon(p orb.Point) string {
	return strconv.FormatFloat(p[1], 'f', -1, 64) + ", " + strconv.FormatFloat(p[0], 'f', -1, 64)
}

// checkCounts reads households and population.
func (v *validator) checkCounts(row int, c *[numColumns]string, p *survey.Point) {
	if s := c[colHouseholds]; s == "" {
		v.required(row, colHouseholds)
	} else if n, ok := parseWhole(s); !ok || n < 1 {
		v.errorf(row, colHouseholds, "households_invalid", s)
	} else {
		p.Households = n
		if n > largeHouseholds {
			v.warnf(row, colHouseholds, "households_large", s)
		}
	}
	if s := c[colPopulation]; s != "" {
		n, ok := parseWhole(s)
		switch {
		case !ok || n < 1:
			v.errorf(row, colPopulation, "population_invalid", s)
		case p.Households > 0 && n < p.Households:
			v.errorf(row, colPopulation, "population_below_households", s, "fixed", itoa(p.Households))
		default:
			p.Population = n
		}
	}
}

// enum reads an enumerated cell ("" stays "").
func (v *validator) enum(row, col int, s string) string {
	if s == "" {
		return ""
	}
	v.buf = survey.AppendFold(v.buf[:0], s)
	if code, ok := valueIndex[col][string(v.buf)]; ok {
		return code
	}
	v.errorf(row, col, "value_not_allowed", clip(s), "allowed", Columns[col].allowed())
	return ""
}

// list reads a ";"-separated list of enumerated values (a "," also
// separates), dropping repeats.
func (v *validator) list(row, col int, s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		code := v.enum(row, col, item)
		if code == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == code
		}
		if !dup {
			out = append(out, code)
		}
	}
	return out
}

var operatorNames = [survey.NumOperators]string{"Viettel", "VinaPhone", "MobiFone", "Vietnamobile"}

// checkSignals reads the signal, RSRP and category columns and applies the
// dead-zone rule: an operator giving 4G or 5G makes the row an error unless
// its category says lom_song.
func (v *validator) checkSignals(row int, c *[numColumns]string, p *survey.Point) {
	surveyed := false
	var fast []string
	fastCol := colSignalViettel
	for op, col := range signalCols {
		s := c[col]
		if s == "" {
			continue
		}
		surveyed = true
		p.Signal[op] = v.enum(row, col, s)
		if p.Signal[op] == "4g" || p.Signal[op] == "5g" {
			if fast == nil {
				fastCol = col
			}
			fast = append(fast, operatorNames[op])
		}
	}
	if !surveyed {
		anyColumn := !v.known
		for _, col := range signalCols {
			anyColumn = anyColumn || v.present[col]
		}
		if anyColumn {
			v.rep.add(Error, problem("signal_required", row, "", ""))
		}
	}
	for op, col := range rsrpCols {
		s := c[col]
		if s == "" {
			continue
		}
		f, ok := parseNumber(s, v.decimalComma)
		switch {
		case !ok:
			v.errorf(row, col, "number_invalid", s)
		case f < -140 || f > -44:
			hint := ""
			if f >= 44 && f <= 140 {
				hint = " Có phải −" + s + "?\x00 Did you mean −" + s + "?"
			}
			v.errorf(row, col, "rsrp_out_of_range", s, "hint", hint)
		default:
			p.RSRP[op] = int(math.Round(f))
		}
	}
	derived := survey.DeriveCategory(p.Signal)
	category := v.enum(row, colCategory, c[colCategory])
	p.Category = derived
	if category != "" {
		p.Category = category
	}
	if len(fast) > 0 {
		if category == survey.LomSong {
			v.warnf(row, colCategory, "has_4g_lom_song", strings.Join(fast, ", "))
		} else {
			v.errorf(row, fastCol, "has_4g", strings.Join(fast, ", "))
		}
	} else if category == survey.TrangSong && derived == survey.LomSong {
		var with []string
		for op, s := range p.Signal {
			if s != "" && s != "none" {
				with = append(with, operatorNames[op])
			}
		}
		v.warnf(row, colCategory, "category_contradicts_signal", strings.Join(with, ", "))
	}
}

// date reads surveyed_on: YYYY-MM-DD (a time after it is ignored),
// D/M/YYYY with "/", "-" or "." between, and in a workbook an Excel date
// serial number.
func (v *validator) date(row int, s string) time.Time {
	t, ok := parseDate(s, v.excelDates)
	switch {
	case !ok:
		v.errorf(row, colSurveyedOn, "date_invalid", s)
		return time.Time{}
	case t.After(v.today):
		v.errorf(row, colSurveyedOn, "date_future", s, "fixed", v.todayText)
		return time.Time{}
	case t.Year() < minSurveyYear:
		v.errorf(row, colSurveyedOn, "date_too_old", s)
		return time.Time{}
	}
	return t
}

func parseDate(s string, excelSerial bool) (time.Time, bool) {
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i] // "2026-01-15T00:00:00Z", "15/01/2026 00:00"
	}
	if excelSerial {
		if n, ok := parseWhole(s); ok && n > 0 && n < 2958466 {
			// Excel's 1900 date system, whose day 60 is the fictitious 29/02/1900.
			return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n), true
		}
	}
	var num, size [3]int
	var sep byte
	k := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if size[k] == 4 {
				return time.Time{}, false
			}
			num[k] = num[k]*10 + int(c-'0')
			size[k]++
		case c == '-' || c == '/' || c == '.':
			if size[k] == 0 || k == 2 || sep != 0 && c != sep {
				return time.Time{}, false
			}
			sep = c
			k++
		default:
			return time.Time{}, false
		}
	}
	var y, m, d int
	switch {
	case k != 2 || size[2] == 0:
		return time.Time{}, false
	case size[0] == 4 && size[1] <= 2 && size[2] <= 2:
		y, m, d = num[0], num[1], num[2]
	case size[2] == 4 && size[0] <= 2 && size[1] <= 2:
		d, m, y = num[0], num[1], num[2]
	default:
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false // 31/02, month 13
	}
	return t, true
}
