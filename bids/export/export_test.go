package export_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/bids/export"
)

var published = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

// changeNote has every Vietnamese letter shape the PDF must keep: a
// circumflex or breve with a tone mark above (ầ ấ ắ ề ố), a horn (ờ ữ ự),
// a dot below under a breve (ặ) and Đ.
const changeNote = "Đợt điều chỉnh: bổ sung bản Nậm Hầu, xã Tấn Bắc theo đặc điểm địa hình; cập nhật số hộ thực tế ở Bản Mơi; giữ nguyên thời hạn và giá trần."

// sample has a hole, a clockwise outer ring (wrong), a counter-clockwise hole
// (wrong), an unclosed ring, a village named like a formula and NFD text.
func sample() export.Package {
	outerCW := orb.Ring{{104.0, 22.0}, {104.0, 22.1}, {104.1, 22.1}, {104.1, 22.0}, {104.0, 22.0}}
	holeCCW := orb.Ring{{104.02, 22.02}, {104.08, 22.02}, {104.08, 22.08}, {104.02, 22.08}}
	second := orb.Ring{{104.3, 22.3}, {104.4, 22.3}, {104.4, 22.4}, {104.3, 22.3}}
	return export.Package{
		ID: 7, Version: 2, Name: "Gói thầu số 7 — Lai Châu", Province: "12", ProvinceName: "Lai Châu",
		Deadline: time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC), CeilingVND: 12_345_678_901,
		Requirements: "Công nghệ 4G trở lên; RSRP ≥ −110 dBm ngoài trời tại thôn.",
		Technology:   "4G", MinRSRPdBm: -110,
		CoverageDeadline: time.Date(2027, 6, 29, 17, 0, 0, 0, time.UTC),
		Criteria: []export.Criterion{
			{NameVI: "Giá dự thầu", NameEN: "Bid price", Weight: 60},
			{NameVI: "Năng lực kỹ thuật & tiến độ", NameEN: "Technical capacity & schedule", Weight: 40},
		},
		ChangeNote: changeNote,
		Areas: []export.Area{
			{
				ID: 101, Version: 1,
				Polygon: orb.MultiPolygon{{outerCW, holeCCW}, {second}},
				Figures: export.Figures{Points: 2, Villages: 2, Households: 150, Population: 600, TrangSong: 1, LomSong: 1, Sites: 2, CostVND: 3_200_000_000, Score: 8.25},
				Sites: []export.Site{
					{N: 1, Location: orb.Point{104.0512345678, 22.0498765432}, Households: 100, Points: 1, Terrain: "mountainous", CostVND: 1_600_000_000},
					{N: 2, Location: orb.Point{104.35, 22.35}, Households: 50, Points: 1, Terrain: "hilly", CostVND: 1_600_000_000},
				},
				Points: []export.Point{
					{ID: 1001, RefID: "LC-0001", Location: orb.Point{104.05, 22.05}, Village: "Thôn Nà Hẩu", Commune: "04321", Households: 100, Category: "trang_song", Signal: [4]string{"none", "none", "none", "none"}},
					{ID: 1002, RefID: "LC-0002", Location: orb.Point{104.35, 22.35}, Village: "=HYPERLINK(\"x\")", Commune: "04321", Households: 50, Category: "lom_song", Signal: [4]string{"2g", "3g", "", "none"}},
				},
			},
			{
				ID: 102, Version: 3,
				Polygon: orb.MultiPolygon{{{{105.0, 21.0}, {105.1, 21.0}, {105.1, 21.1}, {105.0, 21.0}}}},
				Figures: export.Figures{Points: 1, Villages: 1, Households: 40, Sites: 1, CostVND: 1_500_000_000, Score: 4.5},
				Sites:   []export.Site{{N: 1, Location: orb.Point{105.07, 21.03}, Households: 40, Points: 1, Terrain: "-đồng bằng", CostVND: 1_500_000_000}},
				Points: []export.Point{
					{ID: 1003, Location: orb.Point{105.07, 21.03}, Village: "Ba\u0309n Mo\u031bi", Commune: "04400", Households: 40, Category: "trang_song"},
				},
			},
		},
	}
}

func TestGeoJSON(t *testing.T) {
	p := sample()
	tests := []struct {
		name  string
		write func(export.Package) ([]byte, error)
		count int
		types string
	}{
		{"areas", export.AreasGeoJSON, 2, "MultiPolygon"},
		{"points", export.PointsGeoJSON, 3, "Point"},
		{"sites", export.SitesGeoJSON, 3, "Point"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.write(p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(`"crs"`)) {
				t.Errorf("has a crs member")
			}
			fc, err := geojson.UnmarshalFeatureCollection(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != tc.count {
				t.Fatalf("got %d features, want %d", len(fc.Features), tc.count)
			}
			for _, f := range fc.Features {
				if got := f.Geometry.GeoJSONType(); got != tc.types {
					t.Errorf("got %s, want %s", got, tc.types)
				}
				checkCoords(t, f.Geometry)
			}
		})
	}
}

// checkCoords checks 6 decimals, lon/lat order within Vietnam, closed rings and the right-hand rule.
func checkCoords(t *testing.T, g orb.Geometry) {
	t.Helper()
	pt := func(p orb.Point) {
		for _, v := range p {
			if math.Abs(v*1e6-math.Round(v*1e6)) > 1e-6 {
				t.Errorf("%v has more than 6 decimals", p)
			}
		}
		if p[0] < 102 || p[0] > 110 || p[1] < 8 || p[1] > 24 {
			t.Errorf("%v is not lon/lat in Vietnam", p)
		}
	}
	switch g := g.(type) {
	case orb.Point:
		pt(g)
	case orb.MultiPolygon:
		for _, poly := range g {
			for i, r := range poly {
				if !r.Closed() {
					t.Errorf("ring %d not closed", i)
				}
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				if got := r.Orientation(); got != want {
					t.Errorf("ring %d: got orientation %v, want %v", i, got, want)
				}
				for _, p := range r {
					pt(p)
				}
			}
		}
	}
}

func TestGeoJSONProperties(t *testing.T) {
	b, err := export.PointsGeoJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	// mã_điểm is the province's ref_id (empty for the point that has none),
	// mã_hệ_thống and the feature id phusong's.
	for _, want := range []string{`"thôn":"Thôn Nà Hẩu"`, `"thôn":"Bản Mơi"`, `"số_hộ":100`, `"sóng_Viettel":"2g"`,
		`"id":1001,`, `"mã_điểm":"LC-0001"`, `"mã_hệ_thống":1001,`, `"mã_điểm":""`, `"mã_hệ_thống":1003,`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("points.geojson lacks %s", want)
		}
	}
	b, err = export.SitesGeoJSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`[104.051235,22.049877]`)) {
		t.Errorf("site 1 not rounded to 6 decimals: %s", b)
	}
}

func TestCSV(t *testing.T) {
	p := sample()
	tests := []struct {
		name   string
		write  func(export.Package) ([]byte, error)
		header string
		want   []string
	}{
		{"areas", export.AreasCSV, "Mã vùng,Phiên bản,Số điểm", []string{"101,1,2,2,150,600,1,1,2,3200000000,8.25\r\n"}},
		{"points", export.PointsCSV, "Mã vùng,Mã điểm,Kinh độ,Vĩ độ,Thôn", []string{
			",Sóng Vietnamobile,Mã hệ thống,Mã phân loại\r\n",
			"101,LC-0001,104.050000,22.050000,Thôn Nà Hẩu,04321,100,trắng sóng,none,none,none,none,1001,trang_song\r\n",
			`"'=HYPERLINK(""x"")"`, "102,,105.070000,21.030000,Bản Mơi,04400,40,trắng sóng,,,,,1003,trang_song\r\n",
		}},
		// Terrain in Vietnamese, and its class code last; a value that is
		// no class is kept, neutralised.
		{"sites", export.SitesCSV, "Mã vùng,Trạm số,Kinh độ,Vĩ độ", []string{
			"101,1,104.051235,22.049877,100,1,núi,1600000000,mountainous\r\n", "101,2,104.350000,22.350000,50,1,đồi,1600000000,hilly\r\n",
			",'-đồng bằng,1500000000,'-đồng bằng\r\n",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.write(p)
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if !strings.HasPrefix(s, "\uFEFF"+tc.header) {
				t.Errorf("got start %q, want BOM + %q", s[:min(len(s), 40)], tc.header)
			}
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("got\n%s\nwant it to contain %q", s, w)
				}
			}
		})
	}
}

func TestKML(t *testing.T) {
	b, err := export.KML(sample())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`<kml xmlns="http://www.opengis.net/kml/2.2">`, "<name>Vùng 101</name>", "<name>Thôn Nà Hẩu</name>",
		"<MultiGeometry>", "<innerBoundaryIs>", "104.051235,22.049877", "phiên bản 2, tỉnh Lai Châu (12).",
		`<Data name="mã_điểm"> <value>LC-0001</value>`, `<Data name="mã_hệ_thống"> <value>1001</value>`} {
		if !strings.Contains(strings.Join(strings.Fields(s), " "), want) {
			t.Errorf("package.kml lacks %q", want)
		}
	}
	if got := strings.Count(s, "<Folder>"); got != 2 {
		t.Errorf("got %d folders, want 2", got)
	}
	if got := strings.Count(s, "<Placemark>"); got != 2+3+3 {
		t.Errorf("got %d placemarks, want 8", got)
	}
}

func TestXLSX(t *testing.T) {
	b, err := export.XLSX(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), "|"), "Tóm tắt|Vùng|Điểm|Trạm"; got != want {
		t.Fatalf("got sheets %s, want %s", got, want)
	}
	tests := []struct{ sheet, cell, want string }{
		{"Tóm tắt", "A1", "Mục"},
		{"Tóm tắt", "B4", "Gói thầu số 7 — Lai Châu"},
		{"Tóm tắt", "A5", "Tỉnh"},
		{"Tóm tắt", "B5", "Lai Châu (12)"},
		{"Tóm tắt", "B6", "2026-12-31 17:00 (UTC+07:00)"},
		{"Tóm tắt", "B7", "12,345,678,901"},
		{"Vùng", "J1", "Chi phí ước tính (VND)"},
		{"Vùng", "J2", "3,200,000,000"},
		{"Điểm", "B1", "Mã điểm"},
		{"Điểm", "B2", "LC-0001"},
		{"Điểm", "B4", ""},
		{"Điểm", "C2", "104.050000"},
		{"Điểm", "M1", "Mã hệ thống"},
		{"Điểm", "M2", "1001"},
		{"Điểm", "E3", "'=HYPERLINK(\"x\")"},
		{"Điểm", "E4", "Bản Mơi"},
		{"Trạm", "D2", "22.049877"},
		{"Trạm", "G1", "Địa hình"},
		{"Trạm", "G2", "núi"},
		{"Trạm", "I1", "Mã địa hình"},
		{"Trạm", "I2", "mountainous"},
	}
	for _, tc := range tests {
		got, err := f.GetCellValue(tc.sheet, tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s!%s: got %q, want %q", tc.sheet, tc.cell, got, tc.want)
		}
	}
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v", sheet, panes)
		}
	}
}

func TestZIPDeterministic(t *testing.T) {
	z1, files, err := export.ZIP(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	z2, _, err := export.ZIP(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(z1.Data, z2.Data) || z1.SHA256 != z2.SHA256 {
		t.Fatalf("same input, different ZIP: %s vs %s", z1.SHA256, z2.SHA256)
	}
	sum := sha256.Sum256(z1.Data)
	if hex.EncodeToString(sum[:]) != z1.SHA256 {
		t.Errorf("ZIP hash does not match its bytes")
	}
	z3, _, err := export.ZIP(sample(), published.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if z3.SHA256 == z1.SHA256 {
		t.Errorf("another publication time gave the same ZIP")
	}

	r, err := zip.NewReader(bytes.NewReader(z1.Data), int64(len(z1.Data)))
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []string{"areas.geojson", "points.geojson", "sites.geojson", "package.kml", "areas.csv", "points.csv",
		"sites.csv", "package.xlsx", "summary.pdf", "ocds.json", "manifest.json"}
	if len(r.File) != len(wantOrder) {
		t.Fatalf("got %d files, want %d", len(r.File), len(wantOrder))
	}
	for i, zf := range r.File {
		if zf.Name != wantOrder[i] || files[i].Name != wantOrder[i] {
			t.Errorf("file %d: got %s, want %s", i, zf.Name, wantOrder[i])
		}
		if !zf.Modified.Equal(published) {
			t.Errorf("%s: got modified %v, want %v", zf.Name, zf.Modified, published)
		}
	}
	var m export.Manifest
	if err := json.Unmarshal(files[len(files)-1].Data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(files)-1 {
		t.Fatalf("manifest lists %d files, want %d", len(m.Files), len(files)-1)
	}
	for i, e := range m.Files {
		sum := sha256.Sum256(files[i].Data)
		if e.Name != files[i].Name || e.Size != len(files[i].Data) || e.SHA256 != hex.EncodeToString(sum[:]) || e.SHA256 != files[i].SHA256 {
			t.Errorf("manifest entry %+v does not match %s", e, files[i].Name)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(*export.Package)
	}{
		{"nan site", func(p *export.Package) { p.Areas[0].Sites[0].Location = orb.Point{math.NaN(), 21} }},
		{"lat out of range", func(p *export.Package) { p.Areas[0].Points[0].Location = orb.Point{105, 95} }},
		{"no polygon", func(p *export.Package) { p.Areas[1].Polygon = nil }},
		{"short ring", func(p *export.Package) { p.Areas[1].Polygon = orb.MultiPolygon{{{{105, 21}, {105.1, 21}}}} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := sample()
			tc.edit(&p)
			if _, _, err := export.ZIP(p, published); err == nil {
				t.Errorf("got no error, want one")
			}
		})
	}
}

func TestXLSXOpensOnSummary(t *testing.T) {
	b, err := export.XLSX(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetName(f.GetActiveSheetIndex()); got != "Tóm tắt" {
		t.Errorf("got active sheet %q, want Tóm tắt", got)
	}
}
