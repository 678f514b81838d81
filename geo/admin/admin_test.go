package admin_test

import (
	"encoding/csv"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/geo/admin"
)

// sharedData is the reference data the embedded files were generated from;
// tests compare against it directly.
const sharedData = "../../../shared/data/"

func load(t testing.TB) *admin.Data {
	t.Helper()
	d, err := admin.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCounts(t *testing.T) {
	d := load(t)
	kinds := map[string]int{}
	for _, c := range d.Communes() {
		kinds[c.Kind]++
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"provinces", len(d.Provinces()), 34},
		{"communes", len(d.Communes()), 3321},
		{"old provinces", len(d.OldProvinces()), 63},
		{"old communes", len(d.OldCommunes()), 10047},
		{"Xã", kinds["Xã"], 2611},
		{"Phường", kinds["Phường"], 697},
		{"Đặc khu", kinds["Đặc khu"], 13},
		{"communes of Hà Nội", len(d.ProvinceCommunes("01")), 126},
		{"communes of Đồng Nai", len(d.ProvinceCommunes("75")), 95},
		{"communes of an unknown province", len(d.ProvinceCommunes("02")), 0},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestSortedAndConsistent(t *testing.T) {
	d := load(t)
	if !slices.IsSortedFunc(d.Provinces(), func(a, b admin.Province) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Provinces not sorted by code")
	}
	if !slices.IsSortedFunc(d.Communes(), func(a, b admin.Commune) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Communes not sorted by code")
	}
	total := 0
	for _, p := range d.Provinces() {
		cs := d.ProvinceCommunes(p.Code)
		total += len(cs)
		for _, c := range cs {
			if got, ok := d.CommuneProvince(c.Code); !ok || got != p.Code {
				t.Errorf("CommuneProvince(%s) = %q, %v; want %s", c.Code, got, ok, p.Code)
			}
		}
		if len(p.Boundary) == 0 {
			t.Errorf("province %s has no boundary", p.Code)
		}
	}
	if total != 3321 {
		t.Errorf("ProvinceCommunes over all provinces: %d communes, want 3321", total)
	}
	for _, c := range d.Communes() {
		if len(c.Boundary) == 0 || c.Point == (orb.Point{}) {
			t.Errorf("commune %s has no boundary or point", c.Code)
		}
		if !strings.HasPrefix(c.FullName, c.Kind+" ") || !strings.HasSuffix(c.FullName, " "+c.Name) {
			t.Errorf("commune %s: full name %q is not kind %q + name %q", c.Code, c.FullName, c.Kind, c.Name)
		}
	}
	if _, ok := d.CommuneProvince("99999"); ok {
		t.Error("CommuneProvince(99999): got ok")
	}
}

func TestNames(t *testing.T) {
	d := load(t)
	provinces := []struct{ code, name, fullName, nameEn string }{
		{"01", "Hà Nội", "Thành phố Hà Nội", "Hanoi"},
		{"04", "Cao Bằng", "Tỉnh Cao Bằng", "Cao Bang"},
		{"08", "Tuyên Quang", "Tỉnh Tuyên Quang", "Tuyen Quang"},
		{"38", "Thanh Hoá", "Tỉnh Thanh Hoá", "Thanh Hoa"}, // NSO spelling; dvhcvn writes Thanh Hóa
		{"66", "Đắk Lắk", "Tỉnh Đắk Lắk", "Dak Lak"},
		{"75", "Đồng Nai", "Thành phố Đồng Nai", "Dong Nai"}, // a city since 30/04/2026
		{"79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Ho Chi Minh"},
	}
	for _, tc := range provinces {
		t.Run(tc.code, func(t *testing.T) {
			p, ok := d.Province(tc.code)
			if !ok {
				t.Fatalf("Province(%s): not found", tc.code)
			}
			if p.Code != tc.code || p.Name != tc.name || p.FullName != tc.fullName || p.NameEn != tc.nameEn {
				t.Errorf("got %q %q %q %q, want %q %q %q %q", p.Code, p.Name, p.FullName, p.NameEn, tc.code, tc.name, tc.fullName, tc.nameEn)
			}
			if got := d.ProvinceName(tc.code); got != tc.fullName {
				t.Errorf("ProvinceName: got %q, want %q", got, tc.fullName)
			}
		})
	}
	communes := []struct{ code, province, fullName, nameEn, kind string }{
		{"00004", "01", "Phường Ba Đình", "Ba Dinh", "Phường"},
		{"06325", "20", "Xã Bắc Sơn", "Bac Son", "Xã"},             // "xã Bắc Sơn" in the source
		{"06978", "22", "Xã Ba Chẽ", "Ba Che", "Xã"},               // 06970 in dvhcvn
		{"23938", "52", "Xã Ia Mơ", "Ia Mo", "Xã"},                 // 23737 in dvhcvn
		{"22736", "56", "Đặc khu Trường Sa", "Spratly", "Đặc khu"}, // NameEn is the English name
		{"20333", "48", "Đặc khu Hoàng Sa", "Paracel", "Đặc khu"},
	}
	for _, tc := range communes {
		t.Run(tc.code, func(t *testing.T) {
			c, ok := d.Commune(tc.code)
			if !ok {
				t.Fatalf("Commune(%s): not found", tc.code)
			}
			if c.ProvinceCode != tc.province || c.FullName != tc.fullName || c.NameEn != tc.nameEn || c.Kind != tc.kind {
				t.Errorf("got %q %q %q %q, want %q %q %q %q", c.ProvinceCode, c.FullName, c.NameEn, c.Kind, tc.province, tc.fullName, tc.nameEn, tc.kind)
			}
		})
	}
	for _, code := range []string{"1", "001", "4", "0004", "99", "00000", ""} {
		if _, ok := d.Province(code); ok {
			t.Errorf("Province(%q): got ok, want not found", code)
		}
		if _, ok := d.Commune(code); ok {
			t.Errorf("Commune(%q): got ok, want not found", code)
		}
	}
	if got := d.ProvinceName("02"); got != "" {
		t.Errorf("ProvinceName(02) = %q, want \"\" (a pre-2025 code)", got)
	}
}

// TestNormalForm checks every name is NFC, carries its diacritics, and every
// code keeps its leading zeros.
func TestNormalForm(t *testing.T) {
	d := load(t)
	code2, code5 := regexp.MustCompile(`^[0-9]{2}$`), regexp.MustCompile(`^[0-9]{5}$`)
	check := func(what, s string) {
		if s == "" || !norm.NFC.IsNormalString(s) || strings.TrimSpace(s) != s || strings.Contains(s, "  ") {
			t.Errorf("%s: %q is empty, not NFC or badly spaced", what, s)
		}
	}
	accented := 0
	for _, p := range d.Provinces() {
		if !code2.MatchString(p.Code) {
			t.Errorf("province code %q", p.Code)
		}
		check(p.Code, p.Name)
		check(p.Code, p.FullName)
		check(p.Code, p.NameEn)
	}
	for _, c := range d.Communes() {
		if !code5.MatchString(c.Code) || !code2.MatchString(c.ProvinceCode) {
			t.Errorf("commune code %q %q", c.Code, c.ProvinceCode)
		}
		check(c.Code, c.Name)
		check(c.Code, c.FullName)
		check(c.Code, c.NameEn)
		if strings.ContainsAny(c.Name, "ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ") {
			accented++
		}
		for _, r := range c.NameEn {
			if r > 127 {
				t.Errorf("commune %s: NameEn %q is not ASCII", c.Code, c.NameEn)
				break
			}
		}
	}
	if accented < 3000 {
		t.Errorf("only %d of 3,321 commune names carry Vietnamese letters or tone marks", accented)
	}
	for _, p := range d.OldProvinces() {
		if !code2.MatchString(p.Code) {
			t.Errorf("old province code %q", p.Code)
		}
		check(p.Code, p.FullName)
	}
	for _, c := range d.OldCommunes() {
		if !code5.MatchString(c.Code) || !code2.MatchString(c.OldProvinceCode) {
			t.Errorf("old commune code %q %q", c.Code, c.OldProvinceCode)
		}
		check(c.Code, c.FullName)
	}
}

func TestTranslateProvince(t *testing.T) {
	d := load(t)
	tests := []struct {
		code, want         string
		translated, wantOK bool
	}{
		{"01", "01", false, true},   // kept
		{"02", "08", true, true},    // Hà Giang → Tuyên Quang
		{"08", "08", false, true},   // Tuyên Quang, a 2025 code
		{"17", "25", true, true},    // Hoà Bình → Phú Thọ
		{"77", "79", true, true},    // Bà Rịa - Vũng Tàu → Hồ Chí Minh
		{"64", "52", true, true},    // Gia Lai (old) → Gia Lai (new, Bình Định's code)
		{"52", "52", false, true},   // Bình Định's old code is the new Gia Lai: 2025 wins
		{"96", "96", false, true},   // Cà Mau
		{"95", "96", true, true},    // Bạc Liêu → Cà Mau
		{"2", "", false, false},     // leading zero missing
		{"03", "", false, false},    // never used
		{"", "", false, false},      // empty
		{"01 ", "", false, false},   // not trimmed
		{"001", "", false, false},   // too long
		{"00004", "", false, false}, // a commune code
	}
	for _, tc := range tests {
		got, translated, ok := d.TranslateProvince(tc.code)
		if got != tc.want || translated != tc.translated || ok != tc.wantOK {
			t.Errorf("TranslateProvince(%q) = %q, %v, %v; want %q, %v, %v", tc.code, got, translated, ok, tc.want, tc.translated, tc.wantOK)
		}
	}
	for _, p := range d.OldProvinces() {
		if _, ok := d.Province(p.NewCode); !ok {
			t.Errorf("old province %s goes to %s, not a 2025 province", p.Code, p.NewCode)
		}
		// TranslateProvince's doc relies on this: a code in both lists
		// means the same unit, so "2025 wins" never changes an answer.
		if _, isNew := d.Province(p.Code); isNew && p.NewCode != p.Code {
			t.Errorf("old province %s went to %s but is also a 2025 code", p.Code, p.NewCode)
		}
	}
}

func TestTranslateCommune(t *testing.T) {
	d := load(t)
	tests := []struct {
		name, code         string
		want               []string
		translated, wantOK bool
	}{
		{"2025 code", "00004", []string{"00004"}, false, true},
		{"merged whole", "00001", []string{"00097"}, true, true}, // Phúc Xá → Hồng Hà
		{"split in two", "00007", []string{"00008", "00025"}, true, true},
		{"split in four", "00019", []string{"00004", "00070", "00190", "00226"}, true, true},
		// Old 10972 Tân Hồng was split, but 10972 is now Xã Đường An: the 2025 code wins.
		{"2025 code that was also an old code", "10972", []string{"10972"}, false, true},
		{"Ba Chẽ quirk: old town code", "06970", []string{"06978"}, true, true},
		{"Ba Chẽ quirk: merged part", "06973", []string{"06978"}, true, true},
		{"Ia Mơ quirk: 2025 code", "23938", []string{"23938"}, false, true},
		{"Ia Mơ quirk: dvhcvn's new code is an old commune", "23737", []string{"23734"}, true, true},
		{"old commune not in the 1 March 2025 list", "07693", nil, true, true},
		{"unknown", "99999", nil, false, false},
		{"leading zero missing", "4", nil, false, false},
		{"a district code", "318", nil, false, false},
		{"empty", "", nil, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, translated, ok := d.TranslateCommune(tc.code)
			if translated != tc.translated || ok != tc.wantOK || (tc.want != nil && !slices.Equal(got, tc.want)) {
				t.Errorf("TranslateCommune(%q) = %v, %v, %v; want %v, %v, %v", tc.code, got, translated, ok, tc.want, tc.translated, tc.wantOK)
			}
			if ok && len(got) == 0 {
				t.Errorf("TranslateCommune(%q): ok with no codes", tc.code)
			}
		})
	}

	// The split that keeps the code: old 06886 Hải Lạng went to three
	// communes, one of which (06886) kept its code.
	if oc, ok := d.OldCommune("06886"); !ok || !slices.Equal(oc.NewCodes, []string{"06799", "06886", "06978"}) || oc.OldProvinceCode != "22" {
		t.Errorf("OldCommune(06886) = %+v, %v", oc, ok)
	}
	// The result is the caller's to modify.
	got, _, _ := d.TranslateCommune("00007")
	got[0] = "x"
	if again, _, _ := d.TranslateCommune("00007"); again[0] != "00008" {
		t.Error("TranslateCommune returned shared storage")
	}
}

// TestMappingTargetsExist checks that every old-to-new link points at a 2025
// commune (this is where the Ba Chẽ and Ia Mơ quirks would show) and lists the
// 2025 communes no old commune points to.
func TestMappingTargetsExist(t *testing.T) {
	d := load(t)
	reached := map[string]bool{}
	for _, oc := range d.OldCommunes() {
		if len(oc.NewCodes) == 0 {
			t.Errorf("old commune %s has no new code", oc.Code)
		}
		if _, ok := d.OldProvince(oc.OldProvinceCode); !ok {
			t.Errorf("old commune %s: unknown old province %s", oc.Code, oc.OldProvinceCode)
		}
		for _, n := range oc.NewCodes {
			if _, ok := d.Commune(n); !ok {
				t.Errorf("old commune %s goes to %s, not a 2025 commune", oc.Code, n)
			}
			reached[n] = true
		}
	}
	for _, gone := range []string{"06970", "23737"} {
		if _, ok := d.Commune(gone); ok {
			t.Errorf("%s is a 2025 commune; the quirk fix assumes it is not", gone)
		}
	}
	var unreached []string
	for _, c := range d.Communes() {
		if !reached[c.Code] {
			unreached = append(unreached, c.Code)
		}
	}
	// The island districts that had no communes and became special zones.
	want := []string{"11948", "19742", "20333", "21548", "26732"}
	if !slices.Equal(unreached, want) {
		t.Errorf("2025 communes no old commune goes to: got %v, want %v", unreached, want)
	}
}

func TestVersion(t *testing.T) {
	d := load(t)
	if ok, _ := regexp.MatchString(`^[0-9a-f]{64}$`, d.Version()); !ok {
		t.Errorf("Version() = %q, want 64 hex digits", d.Version())
	}
	d2 := load(t)
	if d2 != d || d2.Version() != d.Version() {
		t.Error("Load returned different data on the second call")
	}
}

// TestProvinceAtCommunePoints locates the interior point of every commune.
func TestProvinceAtCommunePoints(t *testing.T) {
	d := load(t)
	// The province polygons and the commune polygons come from different
	// snapshots; they disagree along borders by up to a few hundred metres.
	// Bát Tràng's interior point falls in the 7 % of the commune that the
	// province layer gives to Hưng Yên.
	exceptions := map[string]string{"00577": "33"}
	rows := readCSV(t, sharedData+"places/vn_wards_2025_points.csv")
	if len(rows) != 3321 {
		t.Fatalf("%d rows, want 3321", len(rows))
	}
	for _, r := range rows {
		lon, err1 := strconv.ParseFloat(r["lon"], 64)
		lat, err2 := strconv.ParseFloat(r["lat"], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("row %v: bad point", r)
		}
		want := r["province_code"]
		if e, ok := exceptions[r["ward_code"]]; ok {
			want = e
		}
		got, ok := d.ProvinceAt(orb.Point{lon, lat})
		if !ok || got != want {
			t.Errorf("ProvinceAt(%s %s, %v %v) = %q, %v; want %s", r["ward_code"], r["full_name"], lon, lat, got, ok, want)
		}
		c, _ := d.Commune(r["ward_code"])
		if c.Point != (orb.Point{lon, lat}) {
			t.Errorf("commune %s: point %v, the file says %v %v", c.Code, c.Point, lon, lat)
		}
		if m, ok := d.CommuneDistance(c.Code, c.Point); !ok || m != 0 {
			t.Errorf("CommuneDistance(%s, its interior point) = %v, %v; want 0", c.Code, m, ok)
		}
	}
}

func TestProvinceAtEdgeCases(t *testing.T) {
	d := load(t)
	tests := []struct {
		name   string
		p      orb.Point
		want   string
		wantOK bool
	}{
		{"Hoàn Kiếm lake", orb.Point{105.8524, 21.0288}, "01", true},
		{"Đà Lạt", orb.Point{108.4583, 11.9404}, "68", true},
		{"Cù Lao Xanh, moved from Đắk Lắk to Gia Lai", orb.Point{109.348905, 13.620274}, "52", true},
		{"Côn Đảo", orb.Point{106.6070, 8.6820}, "79", true},
		{"lat/lon swapped", orb.Point{21.0288, 105.8524}, "", false},
		{"Vientiane, Laos", orb.Point{102.6331, 17.9757}, "", false},
		{"Nanning, China", orb.Point{108.3669, 22.8170}, "", false},
		{"South China Sea", orb.Point{111.0, 12.0}, "", false},
		{"Null Island", orb.Point{0, 0}, "", false},
		{"NaN", orb.Point{math.NaN(), 21}, "", false},
		{"infinite", orb.Point{105, math.Inf(1)}, "", false},
	}
	for _, tc := range tests {
		got, ok := d.ProvinceAt(tc.p)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s: ProvinceAt(%v) = %q, %v; want %q, %v", tc.name, tc.p, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestCommuneDistance(t *testing.T) {
	d := load(t)
	c, _ := d.Commune("00004")
	// The easternmost vertex: a point 0.01° east of it is exactly that far
	// from the commune, since no part of the commune lies further east.
	east := c.Boundary[0][0][0]
	for _, poly := range c.Boundary {
		for _, ring := range poly {
			for _, p := range ring {
				if p[0] > east[0] {
					east = p
				}
			}
		}
	}
	p := orb.Point{east[0] + 0.01, east[1]}
	want := 0.01 * 6378137 * math.Pi / 180 * math.Cos(east[1]*math.Pi/180)
	got, ok := d.CommuneDistance("00004", p)
	if !ok || got < want*0.999 || got > want*1.001 {
		t.Errorf("CommuneDistance(00004, 0.01° east) = %v, %v; want ≈ %.1f", got, ok, want)
	}
	// Hoàn Kiếm's interior point is outside Ba Đình, within a few km.
	hk, _ := d.Commune("00070")
	if got, ok := d.CommuneDistance("00004", hk.Point); !ok || got <= 0 || got > 3000 {
		t.Errorf("CommuneDistance(00004, Hoàn Kiếm) = %v, %v; want 0 < m ≤ 3000", got, ok)
	}
	if _, ok := d.CommuneDistance("99999", p); ok {
		t.Error("CommuneDistance(99999): got ok")
	}
}

func readCSV(t testing.TB, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}
