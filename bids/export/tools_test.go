package export_test

import (
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/phusong/phusong/bids/export"
)

// tool returns the path of a real client the tests need. A missing tool
// fails the test: a run without it must not pass.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (%v): run scripts/install-deps.sh test", name, err)
	}
	return path
}

var featureCount = regexp.MustCompile(`(?m)^Feature Count: (\d+)`)

// TestOGRInfo opens the GeoJSON and KML files with GDAL, as an operator's GIS would.
func TestOGRInfo(t *testing.T) {
	ogrinfo := tool(t, "ogrinfo")
	files, err := export.Files(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		file     string
		features int
		layers   int
		contains []string
	}{
		{"areas.geojson", 2, 1, []string{"Geometry: Multi Polygon"}},
		// mã_điểm is the province's ref_id, text; mã_hệ_thống phusong's id.
		{"points.geojson", 3, 1, []string{"Geometry: Point", "mã_điểm: String", "mã_hệ_thống: Integer"}},
		{"sites.geojson", 3, 1, []string{"Geometry: Point"}},
		{"package.kml", 8, 2, []string{"Vùng 101"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			out, err := exec.Command(ogrinfo, "-ro", "-al", "-so", filepath.Join(dir, tc.file)).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			counts := featureCount.FindAllStringSubmatch(string(out), -1)
			total := 0
			for _, c := range counts {
				n, _ := strconv.Atoi(c[1])
				total += n
			}
			if len(counts) != tc.layers || total != tc.features {
				t.Errorf("got %d layers with %d features, want %d with %d\n%s", len(counts), total, tc.layers, tc.features, out)
			}
			for _, want := range tc.contains {
				if !strings.Contains(string(out), want) {
					t.Errorf("ogrinfo output lacks %q\n%s", want, out)
				}
			}
		})
	}
}

// TestUnzip checks the ZIP with Info-ZIP's unzip, as an operator would open it.
func TestUnzip(t *testing.T) {
	unzip := tool(t, "unzip")
	z, files, err := export.ZIP(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), z.Name)
	if err := os.WriteFile(path, z.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(unzip, "-t", path).CombinedOutput()
	if err != nil {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "No errors detected") {
		t.Errorf("unzip -t:\n%s", out)
	}
	for _, f := range files {
		if !strings.Contains(string(out), "testing: "+f.Name) {
			t.Errorf("unzip -t did not test %s\n%s", f.Name, out)
		}
	}
}

// pdfFile writes summary.pdf of the sample to a temporary folder.
func pdfFile(t *testing.T) string {
	t.Helper()
	b, err := export.SummaryPDF(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPDFText reads summary.pdf back with poppler's pdftotext, as a search
// or an operator's copy and paste would: Vietnamese must come out exactly as
// stored, NFC (the NFD "Bản Mơi" of the sample included), and every letter
// shape of changeNote intact.
func TestPDFToText(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", pdfFile(t), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	// Lines wrap where the layout wraps them: compare with runs of white
	// space as one space.
	got := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"Gói thầu số 7 — Lai Châu", "Tỉnh: Lai Châu (12)", "Giá trần", "12.345.678.901 ₫",
		"31/12/2026 17:00 (giờ Việt Nam, UTC+7)", "20/11/2026 10:00", changeNote,
		"Thôn Nà Hẩu", "Bản Mơi", "RSRP >= -110 dBm", "Giá dự thầu", "60 %", "Năng lực kỹ thuật & tiến độ",
		"Cục Viễn thông, Bộ Khoa học và Công nghệ", "Quỹ Dịch vụ viễn thông công ích Việt Nam (VTF)",
		"Vùng 101 (phiên bản 1)", "3.200.000.000 ₫", "104,051235", "22,049877", "núi", "đồi", "đồng bằng", "8,25",
		"Bản đồ tổng quan", "30/06/2027", "Trang 1/", "Trang 2/",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pdftotext output lacks %q\n%s", want, got)
		}
	}
	if strings.Contains(got, "\uFFFD") || strings.Contains(got, "could not") {
		t.Errorf("pdftotext output has a replacement character or a maroto error\n%s", got)
	}
	// Terrain in Vietnamese, not the survey file's codes.
	for _, code := range []string{"mountainous", "hilly"} {
		if strings.Contains(got, code) {
			t.Errorf("pdftotext output has the terrain code %q\n%s", code, got)
		}
	}
}

// pdfWord is a word pdftotext -bbox found, in points from the page's top left.
type pdfWord struct {
	page       int
	text       string
	xMin, yMin float64
}

var (
	bboxPage = regexp.MustCompile(`<page `)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>`)
)

// pdfWords reads the words of the PDF at path with their positions.
func pdfWords(t *testing.T, path string) []pdfWord {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-bbox", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	var words []pdfWord
	page := 0
	for _, line := range strings.Split(string(out), "\n") {
		if bboxPage.MatchString(line) {
			page++
		}
		if m := bboxWord.FindStringSubmatch(line); m != nil {
			x, _ := strconv.ParseFloat(m[1], 64)
			y, _ := strconv.ParseFloat(m[2], 64)
			words = append(words, pdfWord{page, html.UnescapeString(m[3]), x, y})
		}
	}
	return words
}

// TestPDFLongCriterion: a criterion longer than its column wraps inside
// its row, and the row grows to hold it. The rows had a fixed height, so
// the second line of "Technical solution and coverage schedule" (a default
// criterion, in every package) ran over the next row.
func TestPDFLongCriterion(t *testing.T) {
	p := sample()
	p.Criteria = []export.Criterion{
		{NameVI: "Giá dự thầu", NameEN: "Bid price", Weight: 60},
		{NameVI: "Giải pháp kỹ thuật và tiến độ phủ sóng", NameEN: "Technical solution and coverage schedule", Weight: 30},
		{NameVI: "Năng lực và kinh nghiệm", NameEN: "Capacity and experience", Weight: 10},
	}
	b, err := export.SummaryPDF(p, published)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "summary.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	find := func(text string) pdfWord {
		t.Helper()
		for _, w := range pdfWords(t, path) {
			if w.text == text {
				return w
			}
		}
		t.Fatalf("summary.pdf has no word %q", text)
		return pdfWord{}
	}
	bid, technical, schedule, capacity := find("Bid"), find("Technical"), find("schedule"), find("Capacity")
	if bid.page != capacity.page {
		t.Fatalf("the criteria table is cut by a page break: %+v %+v", bid, capacity)
	}
	// The body text is 9 pt: a line below another starts at least 9 pt
	// lower, and the next row at least one line below the wrapped one.
	const line = 9.0
	if schedule.yMin-technical.yMin < line || schedule.xMin != technical.xMin {
		t.Errorf("the criterion does not wrap onto a line of its own: %+v then %+v", technical, schedule)
	}
	if capacity.yMin-schedule.yMin < line {
		t.Errorf("the next row overlaps the wrapped criterion: %q at y %.1f pt, %q at %.1f pt",
			schedule.text, schedule.yMin, capacity.text, capacity.yMin)
	}
	// One-line rows keep their height, 5.5 mm.
	if d := technical.yMin - bid.yMin; d < 15.5 || d > 15.7 {
		t.Errorf("got %.2f pt between one-line rows, want 5.5 mm = 15.59 pt", d)
	}
}

// TestPDFToPPM renders summary.pdf with poppler, as a printer driver would,
// and keeps the pages under var/artifacts/pdf/ for people to look at.
func TestPDFToPPM(t *testing.T) {
	pdftoppm := tool(t, "pdftoppm")
	artifacts, err := filepath.Abs(filepath.Join("..", "..", "var", "artifacts", "pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(artifacts, "summary")
	// Pages of an earlier, longer PDF would be counted and shown otherwise.
	stale, _ := filepath.Glob(prefix + "-*.png")
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(pdftoppm, "-r", "100", "-png", pdfFile(t), prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	// pdftoppm numbers pages with as many digits as the page count needs.
	pages, err := filepath.Glob(prefix + "-*.png")
	if err != nil || len(pages) < 2 {
		t.Fatalf("got pages %v (%v), want at least 2", pages, err)
	}
	for _, page := range pages {
		f, err := os.Open(page)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		// A4 at 100 dpi is 826.8 × 1169.3 pixels; pdftoppm rounds up.
		if b := img.Bounds(); b.Dx() < 826 || b.Dx() > 828 || b.Dy() < 1169 || b.Dy() > 1171 {
			t.Errorf("%s: got %v, want A4 at 100 dpi", page, b)
		}
		if ink := inked(img); ink < 0.01 {
			t.Errorf("%s: only %.4f of the page is inked", page, ink)
		}
	}
	t.Logf("pages in %s", artifacts)
}

// inked is the share of pixels of img that are not near white.
func inked(img image.Image) float64 {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

// TestPDFFontsAndImages checks with poppler that every font is embedded (no
// standard font a viewer would substitute: a maroto error message would be
// written in Arial) and that the overview map is in the PDF at full size.
func TestPDFFontsAndImages(t *testing.T) {
	pdffonts, pdfimages := tool(t, "pdffonts"), tool(t, "pdfimages")
	path := pdfFile(t)
	out, err := exec.Command(pdffonts, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font\n%s", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		// name type encoding emb sub uni object ID: emb is the 5th field
		// from the end. gofpdf names the font after the family maroto
		// registered (utf8noto-sans, utf8noto-sansB).
		if len(f) < 7 || f[len(f)-5] != "yes" || !strings.Contains(f[0], "noto-sans") {
			t.Errorf("font not embedded Noto Sans: %s", l)
		}
	}
	out, err = exec.Command(pdfimages, "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	lines = strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d images, want 1\n%s", len(lines)-2, out)
	}
	if f := strings.Fields(lines[2]); len(f) < 5 || f[3] != "1440" {
		t.Errorf("got image %q, want the 1440-pixel-wide map", lines[2])
	}
}

// TestLibreOffice converts package.xlsx to CSV with LibreOffice Calc
// (headless), as an operator's office suite opens it: the summary sheet
// comes out with the package name and the Vietnamese labels intact.
func TestLibreOffice(t *testing.T) {
	soffice := tool(t, "soffice")
	b, err := export.XLSX(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "package.xlsx")
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A private profile: parallel runs must not share LibreOffice's lock.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "package.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{sample().Name, "Tỉnh,Lai Châu (12)"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("LibreOffice's CSV of the summary sheet lacks %q:\n%s", want, csv)
		}
	}
}
