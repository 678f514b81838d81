package intake_test

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/geo/intake"
)

// TestHeaderAliases reads a one-row file whose headers are the aliases the
// issue requires, written in several ways.
func TestHeaderAliases(t *testing.T) {
	required := map[string]string{
		"Mã tỉnh": "province_code", "Mã xã": "commune_code", "Tên thôn": "village_name", "Mã điểm": "ref_id",
		"Vĩ độ": "lat", "Kinh độ": "lon", "Số hộ": "households", "Dân số": "population", "Điện lưới": "grid_power",
		"Đường giao thông": "road_access", "Địa hình": "terrain", "Sóng Viettel": "signal_viettel",
		"Sóng VinaPhone": "signal_vinaphone", "Sóng MobiFone": "signal_mobifone", "Sóng Vietnamobile": "signal_vietnamobile",
		"Ngày khảo sát": "surveyed_on", "Người khảo sát": "surveyed_by", "Ghi chú": "notes",
	}
	spellings := map[string]func(string) string{
		"as written": func(s string) string { return s },
		"NFD":        norm.NFD.String,
		"upper case": strings.ToUpper,
		"no diacritics": func(s string) string {
			s = strings.NewReplacer("đ", "d", "Đ", "D").Replace(norm.NFD.String(s))
			return strings.Map(func(r rune) rune {
				if r >= 0x300 && r < 0x370 {
					return -1
				}
				return r
			}, s)
		},
		"spaces and underscores": func(s string) string { return "  " + strings.ReplaceAll(s, " ", " _ ") + " " },
	}
	for name, spell := range spellings {
		t.Run(name, func(t *testing.T) {
			var headers []string
			var want []string
			for alias, column := range required {
				headers = append(headers, spell(alias))
				want = append(want, column)
			}
			values := make([]string, len(headers))
			for i, c := range want {
				values[i] = baseRow[c]
			}
			data := strings.Join(headers, ",") + "\n" + strings.Join(values, ",") + "\n"
			rep, pts, err := read(t, []byte(data), intake.Options{Province: "12"})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rep.Columns, ",") != strings.Join(want, ",") || len(pts) != 1 {
				t.Errorf("columns %v, want %v; errors %v", rep.Columns, want, rep.Errors)
			}
		})
	}
	// Aliases are unambiguous: none names two columns.
	seen := map[string]string{}
	for _, c := range intake.Columns {
		for _, a := range append([]string{c.Name, c.VI}, c.Aliases...) {
			key := strings.ToLower(strings.Join(strings.Fields(a), " "))
			if other, dup := seen[key]; dup && other != c.Name {
				t.Errorf("header %q names both %s and %s", a, other, c.Name)
			}
			seen[key] = c.Name
		}
	}
}

func TestTCVN3(t *testing.T) {
	text := "Bản Khun Há, Mường Tè: thôn ĐBKK; Ngày khảo sát 15/01/2026 - Tả Lèng, Nậm Củm, Đoàn Kết, ữ ự ỳ"
	enc, _, err := transform.String(intake.TCVN3.NewEncoder(), text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(enc, 'ả') || len(enc) >= len(text) {
		t.Errorf("not encoded: %q", enc)
	}
	dec, _, err := transform.String(intake.TCVN3.NewDecoder(), enc)
	if err != nil || dec != text {
		t.Errorf("round trip: got %q (%v), want %q", dec, err, text)
	}
	// Fixed points of the table (TCVN 5712:1993): 0xB5 à, 0xAE đ, 0xA7 Đ, 0xF5 ừ.
	got, _, _ := transform.String(intake.TCVN3.NewDecoder(), "\xb5\xae\xa7\xf5")
	if got != "àđĐừ" {
		t.Errorf("decode table: %q", got)
	}
	if _, _, err := transform.String(intake.TCVN3.NewEncoder(), "€"); err == nil {
		t.Error("encoding a character outside TCVN3 did not fail")
	}
}

// TestLegacyDetection reads the same Vietnamese text in Windows-1258 and
// TCVN3 without saying which.
func TestLegacyDetection(t *testing.T) {
	header := "province_code,commune_code,village_name,lat,lon,households,grid_power,signal_viettel,surveyed_on,notes\n"
	row := "12,03430,Bản Mường Tè Nậm Củm,22.258136,103.583419,45,một phần,không có sóng,15/01/2026,Đường đất lầy lội; điểm trường\n"
	cp, err := toCP1258(header + row)
	if err != nil {
		t.Fatal(err)
	}
	tc, _, err := transform.String(intake.TCVN3.NewEncoder(), header+row)
	if err != nil {
		t.Fatal(err)
	}
	for enc, data := range map[string]string{"windows-1258": cp, "tcvn3": tc} {
		rep, pts, err := read(t, []byte(data), intake.Options{})
		if err != nil || rep.Encoding != enc || len(pts) != 1 {
			t.Fatalf("%s: read as %q, %d points, err %v, errors %v", enc, rep.Encoding, len(pts), err, rep.Errors)
		}
		if pts[0].VillageName != "Bản Mường Tè Nậm Củm" || pts[0].Notes != "Đường đất lầy lội; điểm trường" || pts[0].GridPower != "partial" {
			t.Errorf("%s: %+v", enc, pts[0])
		}
	}
}

// toCP1258 writes text as Windows-1258 does: base letters with circumflex,
// breve or horn precomposed, tone marks as combining characters.
func toCP1258(s string) (string, error) {
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		d := []rune(norm.NFD.String(string(r)))
		base, tones := string(d[0]), ""
		for _, m := range d[1:] {
			if m == 0x302 || m == 0x306 || m == 0x31B {
				base += string(m)
			} else {
				tones += string(m)
			}
		}
		b.WriteString(norm.NFC.String(base) + tones)
	}
	return charmap.Windows1258.NewEncoder().String(b.String())
}
