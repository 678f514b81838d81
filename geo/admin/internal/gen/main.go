// Command gen builds the files package admin embeds (geo/admin/data) from the
// public reference data in shared/data. It is run by `go generate ./geo/admin`
// and its output is committed, so the service never needs shared/data.
//
// It checks the sources against each other and stops on anything it cannot
// reconcile (a code missing from one list, a mapping that points at a code not
// in the 34-province list, a coordinate with more decimals than its scale).
// The quirks it knows about are fixed here, in code, and printed on every run.
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/geo/admin/internal/pack"
)

// Source files, relative to -src.
const (
	units34File     = "admin-units/vn_units_34p_2level_2026-07-25.json"
	units63File     = "admin-units/vn_units_63p_3level_2025-03-01.min.json"
	splitsFile      = "admin-units/dvhcvn2025_splits_old_to_new.json"
	mergesFile      = "admin-units/dvhcvn2025_merges_new_to_old.json"
	provMapFile     = "admin-units/province_mapping_63_to_34.csv"
	pointsFile      = "places/vn_wards_2025_points.csv"
	provincesGeo    = "boundaries/vn_provinces_34_2025.geojson"
	communesGeo     = "boundaries/vn_communes_2025_simplified.geojson"
	provinceScale   = 1_000_000 // the province file has 6 decimals: kept exactly
	communeScale    = 100_000   // the simplified commune file is snapped to 5 decimals
	wantProvinces   = 34
	wantCommunes    = 3321
	wantOldProvince = 63
)

// codeFixes maps commune codes that dvhcvn/20250701 still uses to the codes
// of the current 34-province list (shared/data/README.md, "Known quirks").
var codeFixes = map[string]string{
	"06970": "06978", // Xã Ba Chẽ, Quảng Ninh
	"23737": "23938", // Xã Ia Mơ, Gia Lai
}

// polygonMoves lists whole polygons that the province file puts in the wrong
// province. Each is found by the interior point of a commune of the
// 34-province list, and moved only if no commune of the province it leaves
// has its interior point in it.
var polygonMoves = []struct{ from, to, commune string }{
	// Cù Lao Xanh, the island of Xã Nhơn Châu (Gia Lai, 52), is the third
	// polygon of Đắk Lắk (66) in vn_provinces_34_2025.geojson; the commune
	// file and the unit list both put Nhơn Châu in Gia Lai.
	{"66", "52", "21607"},
}

func main() {
	src := flag.String("src", "../../../shared/data", "directory holding the shared reference data")
	out := flag.String("out", "data", "directory to write the embedded files to")
	flag.Parse()
	if err := run(*src, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type province struct{ code, name, fullName, nameEn string }

type commune struct {
	code, province, name, fullName, nameEn, kind string
	lon, lat                                     string // as in the source, 6 decimals
}

type oldProvince struct{ code, fullName, newCode string }

type oldCommune struct {
	code, fullName, province string
	newCodes                 []string
}

func run(src, out string, log io.Writer) error {
	provinces, communes, err := readUnits34(filepath.Join(src, units34File), log)
	if err != nil {
		return err
	}
	communeByCode := make(map[string]*commune, len(communes))
	for i := range communes {
		communeByCode[communes[i].code] = &communes[i]
	}
	if err := readPoints(filepath.Join(src, pointsFile), communeByCode, log); err != nil {
		return err
	}
	provBounds, err := readBoundaries(filepath.Join(src, provincesGeo), len(provinces))
	if err != nil {
		return err
	}
	commBounds, err := readBoundaries(filepath.Join(src, communesGeo), len(communes))
	if err != nil {
		return err
	}
	for _, p := range provinces {
		if _, ok := provBounds[p.code]; !ok {
			return fmt.Errorf("%s: no polygon for province %s", provincesGeo, p.code)
		}
	}
	if err := movePolygons(provBounds, communes, log); err != nil {
		return err
	}
	for _, c := range communes {
		b, ok := commBounds[c.code]
		if !ok {
			return fmt.Errorf("%s: no polygon for commune %s", communesGeo, c.code)
		}
		pt, err := parsePoint(c.lon, c.lat)
		if err != nil {
			return fmt.Errorf("%s: commune %s: %w", pointsFile, c.code, err)
		}
		if !planar.MultiPolygonContains(b.Boundary, pt) {
			return fmt.Errorf("commune %s: interior point %v is outside its polygon", c.code, pt)
		}
		if !planar.MultiPolygonContains(provBounds[c.province].Boundary, pt) {
			fmt.Fprintf(log, "note: commune %s %s: interior point %v is outside the polygon of its province %s\n",
				c.code, c.fullName, pt, c.province)
		}
	}

	newProvince := make(map[string]string, len(provinces))
	for _, p := range provinces {
		newProvince[p.code] = p.code
	}
	oldProvinces, err := readProvinceMapping(filepath.Join(src, provMapFile), newProvince)
	if err != nil {
		return err
	}
	oldNames, err := readUnits63(filepath.Join(src, units63File))
	if err != nil {
		return err
	}
	oldCommunes, err := readSplits(filepath.Join(src, splitsFile), oldProvinces, oldNames, communeByCode, log)
	if err != nil {
		return err
	}
	if err := checkMerges(filepath.Join(src, mergesFile), oldCommunes, log); err != nil {
		return err
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"provinces.csv", func(w io.Writer) error {
			return writeCSV(w, []string{"code", "name", "full_name", "name_en"}, len(provinces), func(i int) []string {
				p := provinces[i]
				return []string{p.code, p.name, p.fullName, p.nameEn}
			})
		}},
		{"communes.csv", func(w io.Writer) error {
			return writeCSV(w, []string{"code", "province_code", "name", "full_name", "name_en", "kind", "lon", "lat"}, len(communes), func(i int) []string {
				c := communes[i]
				return []string{c.code, c.province, c.name, c.fullName, c.nameEn, c.kind, c.lon, c.lat}
			})
		}},
		{"old_provinces.csv", func(w io.Writer) error {
			return writeCSV(w, []string{"code", "full_name", "new_code"}, len(oldProvinces), func(i int) []string {
				p := oldProvinces[i]
				return []string{p.code, p.fullName, p.newCode}
			})
		}},
		{"old_communes.csv", func(w io.Writer) error {
			return writeCSV(w, []string{"code", "full_name", "old_province_code", "new_codes"}, len(oldCommunes), func(i int) []string {
				c := oldCommunes[i]
				return []string{c.code, c.fullName, c.province, strings.Join(c.newCodes, " ")}
			})
		}},
		{"provinces.pack.gz", func(w io.Writer) error {
			return pack.Encode(w, provinceScale, ordered(provBounds, len(provinces), func(i int) string { return provinces[i].code }))
		}},
		{"communes.pack.gz", func(w io.Writer) error {
			return pack.Encode(w, communeScale, ordered(commBounds, len(communes), func(i int) string { return communes[i].code }))
		}},
	}
	total := 0
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(out, f.name), buf.Bytes(), 0o644); err != nil {
			return err
		}
		total += buf.Len()
		fmt.Fprintf(log, "wrote %-18s %9d bytes\n", f.name, buf.Len())
	}
	fmt.Fprintf(log, "total %d bytes: %d provinces, %d communes, %d old provinces, %d old communes\n",
		total, len(provinces), len(communes), len(oldProvinces), len(oldCommunes))
	return nil
}

// nfc returns s in Unicode NFC with runs of white space collapsed: a few
// dvhcvn names carry double or trailing spaces.
func nfc(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readUnits34(path string, log io.Writer) ([]province, []commune, error) {
	var src []struct {
		Code, Name, NameEn, FullName string
		Wards                        []struct{ Code, Name, NameEn, FullName, ProvinceCode string }
	}
	if err := readJSON(path, &src); err != nil {
		return nil, nil, err
	}
	var provinces []province
	var communes []commune
	for _, p := range src {
		provinces = append(provinces, province{p.Code, nfc(p.Name), nfc(p.FullName), nfc(p.NameEn)})
		for _, w := range p.Wards {
			if w.ProvinceCode != p.Code {
				return nil, nil, fmt.Errorf("%s: commune %s listed under %s has province code %s", units34File, w.Code, p.Code, w.ProvinceCode)
			}
			full := nfc(w.FullName)
			if r, n := utf8.DecodeRuneInString(full); unicode.IsLower(r) {
				// "xã Bắc Sơn" (06325): the only full name not starting with
				// a capital; the kind is a proper prefix everywhere else.
				fixed := string(unicode.ToUpper(r)) + full[n:]
				fmt.Fprintf(log, "fix: commune %s full name %q → %q\n", w.Code, full, fixed)
				full = fixed
			}
			communes = append(communes, commune{code: w.Code, province: p.Code, name: nfc(w.Name), fullName: full, nameEn: nfc(w.NameEn)})
		}
	}
	slices.SortFunc(provinces, func(a, b province) int { return strings.Compare(a.code, b.code) })
	slices.SortFunc(communes, func(a, b commune) int { return strings.Compare(a.code, b.code) })
	if len(provinces) != wantProvinces || len(communes) != wantCommunes {
		return nil, nil, fmt.Errorf("%s: %d provinces, %d communes; want %d, %d", units34File, len(provinces), len(communes), wantProvinces, wantCommunes)
	}
	for i, p := range provinces {
		if !isCode(p.code, 2) || (i > 0 && provinces[i-1].code == p.code) {
			return nil, nil, fmt.Errorf("%s: bad or duplicate province code %q", units34File, p.code)
		}
	}
	for i, c := range communes {
		if !isCode(c.code, 5) || (i > 0 && communes[i-1].code == c.code) {
			return nil, nil, fmt.Errorf("%s: bad or duplicate commune code %q", units34File, c.code)
		}
		if c.name == "" || c.fullName == "" || c.nameEn == "" {
			return nil, nil, fmt.Errorf("%s: commune %s has an empty name", units34File, c.code)
		}
	}
	return provinces, communes, nil
}

func isCode(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readPoints takes the kind and interior point of every commune from the
// points file and checks its names and province against the 34-province list.
func readPoints(path string, communes map[string]*commune, log io.Writer) error {
	rows, err := readCSV(path, "ward_code", "province_code", "type", "name", "full_name", "name_en", "lon", "lat")
	if err != nil {
		return err
	}
	seen := make(map[string]bool)
	for _, r := range rows {
		code := r["ward_code"]
		c, ok := communes[code]
		if !ok || seen[code] {
			return fmt.Errorf("%s: unknown or duplicate commune %q", pointsFile, code)
		}
		seen[code] = true
		if r["province_code"] != c.province {
			return fmt.Errorf("%s: commune %s in province %s, the list says %s", pointsFile, code, r["province_code"], c.province)
		}
		c.kind = nfc(r["type"])
		switch c.kind {
		case "Phường", "Xã", "Đặc khu":
		default:
			return fmt.Errorf("%s: commune %s: unknown type %q", pointsFile, code, c.kind)
		}
		if !strings.HasPrefix(c.fullName, c.kind+" ") {
			return fmt.Errorf("commune %s: full name %q does not start with its type %q", code, c.fullName, c.kind)
		}
		if nfc(r["name"]) != c.name || nfc(r["name_en"]) != c.nameEn {
			fmt.Fprintf(log, "note: commune %s: points file names %q/%q, list %q/%q (the list wins)\n",
				code, r["name"], r["name_en"], c.name, c.nameEn)
		}
		if _, err := parsePoint(r["lon"], r["lat"]); err != nil {
			return fmt.Errorf("%s: commune %s: %w", pointsFile, code, err)
		}
		c.lon, c.lat = r["lon"], r["lat"]
	}
	if len(seen) != len(communes) {
		return fmt.Errorf("%s: %d communes, want %d", pointsFile, len(seen), len(communes))
	}
	return nil
}

func parsePoint(lon, lat string) (orb.Point, error) {
	x, errX := strconv.ParseFloat(lon, 64)
	y, errY := strconv.ParseFloat(lat, 64)
	if err := errors.Join(errX, errY); err != nil {
		return orb.Point{}, err
	}
	p := orb.Point{x, y}
	if p[0] < 100 || p[0] > 120 || p[1] < 5 || p[1] > 25 {
		return p, fmt.Errorf("point %v is nowhere near Vietnam", p)
	}
	return p, nil
}

// readBoundaries reads a FeatureCollection of MultiPolygons keyed by the
// "code" property. It decodes with encoding/json rather than orb/geojson, whose
// BSON support would pull the MongoDB driver into go.mod.
func readBoundaries(path string, want int) (map[string]pack.Feature, error) {
	var fc struct {
		Features []struct {
			Properties struct{ Code string }
			Geometry   struct {
				Type        string
				Coordinates orb.MultiPolygon
			}
		}
	}
	if err := readJSON(path, &fc); err != nil {
		return nil, err
	}
	out := make(map[string]pack.Feature, len(fc.Features))
	for _, f := range fc.Features {
		code := f.Properties.Code
		if f.Geometry.Type != "MultiPolygon" || code == "" {
			return nil, fmt.Errorf("%s: feature %q is a %s, want a MultiPolygon with a code", path, code, f.Geometry.Type)
		}
		if _, dup := out[code]; dup {
			return nil, fmt.Errorf("%s: duplicate code %s", path, code)
		}
		out[code] = pack.Feature{Key: code, Boundary: f.Geometry.Coordinates}
	}
	if len(out) != want {
		return nil, fmt.Errorf("%s: %d features, want %d", path, len(out), want)
	}
	return out, nil
}

func movePolygons(provBounds map[string]pack.Feature, communes []commune, log io.Writer) error {
	for _, m := range polygonMoves {
		var at orb.Point
		for _, c := range communes {
			if c.code == m.commune {
				at, _ = parsePoint(c.lon, c.lat)
			}
		}
		from, to := provBounds[m.from], provBounds[m.to]
		i := slices.IndexFunc(from.Boundary, func(p orb.Polygon) bool { return planar.PolygonContains(p, at) })
		if i < 0 {
			return fmt.Errorf("move %s→%s: no polygon of %s holds commune %s", m.from, m.to, m.from, m.commune)
		}
		poly := from.Boundary[i]
		for _, c := range communes {
			pt, _ := parsePoint(c.lon, c.lat)
			if c.province == m.from && planar.PolygonContains(poly, pt) {
				return fmt.Errorf("move %s→%s: the polygon also holds commune %s of %s", m.from, m.to, c.code, m.from)
			}
		}
		from.Boundary = slices.Delete(slices.Clone(from.Boundary), i, i+1)
		to.Boundary = append(slices.Clone(to.Boundary), poly)
		provBounds[m.from], provBounds[m.to] = from, to
		fmt.Fprintf(log, "fix: province polygon %s #%d (%d points, bound %v) holding commune %s moved to %s\n",
			m.from, i+1, len(poly[0]), poly.Bound(), m.commune, m.to)
	}
	return nil
}

func ordered(m map[string]pack.Feature, n int, code func(int) string) []pack.Feature {
	out := make([]pack.Feature, n)
	for i := range out {
		out[i] = m[code(i)]
	}
	return out
}

func readProvinceMapping(path string, newProvince map[string]string) ([]oldProvince, error) {
	rows, err := readCSV(path, "old_code", "old_name", "new_code")
	if err != nil {
		return nil, err
	}
	var out []oldProvince
	for _, r := range rows {
		if !isCode(r["old_code"], 2) {
			return nil, fmt.Errorf("%s: bad code %q", provMapFile, r["old_code"])
		}
		if _, ok := newProvince[r["new_code"]]; !ok {
			return nil, fmt.Errorf("%s: %s maps to %q, not a 2025 province", provMapFile, r["old_code"], r["new_code"])
		}
		out = append(out, oldProvince{r["old_code"], nfc(r["old_name"]), r["new_code"]})
	}
	slices.SortFunc(out, func(a, b oldProvince) int { return strings.Compare(a.code, b.code) })
	if len(out) != wantOldProvince {
		return nil, fmt.Errorf("%s: %d provinces, want %d", provMapFile, len(out), wantOldProvince)
	}
	return out, nil
}

// readUnits63 returns the full names of the communes of 1 March 2025 by code.
// They are cleaner than the names in dvhcvn's splits.json ("Thị Trấn",
// "Xã  Mỹ Lộc", "Xã Mương Chanh" for Mường Chanh).
func readUnits63(path string) (map[string]string, error) {
	var src []struct {
		District []struct {
			Ward []struct{ Code, FullName string }
		}
	}
	if err := readJSON(path, &src); err != nil {
		return nil, err
	}
	names := make(map[string]string)
	for _, p := range src {
		for _, d := range p.District {
			for _, w := range d.Ward {
				names[w.Code] = nfc(w.FullName)
			}
		}
	}
	return names, nil
}

func readSplits(path string, oldProvinces []oldProvince, oldNames map[string]string, communes map[string]*commune, log io.Writer) ([]oldCommune, error) {
	var src struct {
		Data []struct {
			Level1ID string `json:"level1_id"`
			Splits   []struct {
				NewID string `json:"new_id"`
			}
			Level2s []struct {
				Level2ID string `json:"level2_id"`
				Name     string
				Splits   []struct {
					NewID string `json:"new_id"`
				}
			}
			Level3s []struct {
				Level3ID string `json:"level3_id"`
				Name     string
				Splits   []struct {
					NewID string `json:"new_id"`
				}
			}
		}
	}
	if err := readJSON(path, &src); err != nil {
		return nil, err
	}
	newProvinceOf := make(map[string]string)
	for _, p := range oldProvinces {
		newProvinceOf[p.code] = p.newCode
	}
	var out []oldCommune
	var missing []string
	fixed := make(map[string]int)
	seen := make(map[string]bool)
	for _, p := range src.Data {
		newProv, ok := newProvinceOf[p.Level1ID]
		if !ok {
			return nil, fmt.Errorf("%s: old province %s is not in %s", splitsFile, p.Level1ID, provMapFile)
		}
		if len(p.Splits) != 1 || p.Splits[0].NewID != newProv {
			return nil, fmt.Errorf("%s: old province %s goes to %v, %s says %s", splitsFile, p.Level1ID, p.Splits, provMapFile, newProv)
		}
		for _, d := range p.Level2s {
			// Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn,
			// Côn Đảo) became special zones; their 3-digit district codes are
			// not commune codes, so old_communes does not hold them.
			fmt.Fprintf(log, "note: old district %s %s → %v: a district code, not kept\n", d.Level2ID, nfc(d.Name), d.Splits)
		}
		for _, c := range p.Level3s {
			if !isCode(c.Level3ID, 5) || seen[c.Level3ID] {
				return nil, fmt.Errorf("%s: bad or duplicate old commune code %q", splitsFile, c.Level3ID)
			}
			seen[c.Level3ID] = true
			name, ok := oldNames[c.Level3ID]
			if !ok {
				name = nfc(c.Name)
				fmt.Fprintf(log, "note: old commune %s %s (province %s) is not in the 1 March 2025 list; name from dvhcvn\n", c.Level3ID, name, p.Level1ID)
			}
			oc := oldCommune{code: c.Level3ID, fullName: name, province: p.Level1ID}
			for _, s := range c.Splits {
				code := s.NewID
				if to, ok := codeFixes[code]; ok {
					fixed[code]++
					code = to
				}
				nc, ok := communes[code]
				if !ok {
					missing = append(missing, fmt.Sprintf("%s→%s", c.Level3ID, code))
					continue
				}
				if nc.province != newProv {
					fmt.Fprintf(log, "note: old commune %s %s (province %s → %s) goes to %s %s in province %s\n",
						c.Level3ID, name, p.Level1ID, newProv, code, nc.fullName, nc.province)
				}
				if !slices.Contains(oc.newCodes, code) {
					oc.newCodes = append(oc.newCodes, code)
				}
			}
			slices.Sort(oc.newCodes)
			out = append(out, oc)
		}
	}
	for from, to := range codeFixes {
		fmt.Fprintf(log, "fix: new commune code %s → %s in %d old-to-new links\n", from, to, fixed[from])
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: %d links point at codes not in the 34-province list: %v", splitsFile, len(missing), missing)
	}
	slices.SortFunc(out, func(a, b oldCommune) int { return strings.Compare(a.code, b.code) })
	return out, nil
}

// checkMerges cross-checks the old-to-new links with dvhcvn's new-to-old
// file: both should list the same pairs once the code fixes are applied.
func checkMerges(path string, old []oldCommune, log io.Writer) error {
	var src struct {
		Data []struct {
			Level2s []struct {
				Level2ID string `json:"level2_id"`
				Merges   []struct {
					OldID string `json:"old_id"`
				}
			}
		}
	}
	if err := readJSON(path, &src); err != nil {
		return err
	}
	pairs := make(map[[2]string]bool)
	for _, p := range src.Data {
		for _, n := range p.Level2s {
			code := n.Level2ID
			if to, ok := codeFixes[code]; ok {
				code = to
			}
			for _, m := range n.Merges {
				if isCode(m.OldID, 5) {
					pairs[[2]string{m.OldID, code}] = true
				}
			}
		}
	}
	var extra []string
	for _, c := range old {
		for _, n := range c.newCodes {
			k := [2]string{c.code, n}
			if !pairs[k] {
				extra = append(extra, c.code+"→"+n)
			}
			delete(pairs, k)
		}
	}
	if len(extra) > 0 || len(pairs) > 0 {
		var rest []string
		for k := range pairs {
			rest = append(rest, k[0]+"→"+k[1])
		}
		slices.Sort(rest)
		fmt.Fprintf(log, "note: %s and %s disagree: only in splits %v; only in merges %v\n", splitsFile, mergesFile, extra, rest)
		return nil
	}
	fmt.Fprintf(log, "check: %s and %s list the same old→new links\n", splitsFile, mergesFile)
	return nil
}

// readCSV reads a CSV file with a header row into maps keyed by column name,
// checking that the named columns exist.
func readCSV(path string, cols ...string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	header := recs[0]
	for _, c := range cols {
		if !slices.Contains(header, c) {
			return nil, fmt.Errorf("%s: no column %q", path, c)
		}
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out, nil
}

func writeCSV(w io.Writer, header []string, n int, row func(int) []string) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	for i := range n {
		r := row(i)
		for _, v := range r {
			if strings.ContainsAny(v, "\r\n") {
				return errors.New("value with a line break: " + v)
			}
		}
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}
