package export

import (
	"cmp"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font/sfnt"
)

// Noto Sans from Debian's fonts-noto-core 20201225-1, SIL OFL 1.1
// (fonts/OFL.txt). Embedded, so that the PDF is the same on every machine and
// needs no font package: the core PDF fonts have no Vietnamese letters, and
// gofpdf's subsetter keeps Noto's composite glyphs (ầ ắ ữ …), which is why
// this font and not another (LIBRARIES.md records the comparison).
var (
	//go:embed fonts/NotoSans-Regular.ttf
	notoRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	notoBold []byte
)

const pdfFont = "noto-sans"

// glyphs is the set of BMP characters both embedded fonts draw, built once.
// gofpdf draws a character the font lacks as an empty box, silently, and
// Noto Sans has no math operators or geometric shapes (≥ − ■ ●), which
// free text such as the requirements does use.
var glyphs = sync.OnceValues(func() (*[1 << 16 / 64]uint64, error) {
	var set [1 << 16 / 64]uint64
	var fonts []*sfnt.Font
	for _, b := range [][]byte{notoRegular, notoBold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("fonts: %w", err)
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0); r < 1<<16; r++ {
		covered := true
		for _, f := range fonts {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				covered = false
				break
			}
		}
		if covered {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set, nil
})

// pdfSubstitutes stand in for characters the font lacks that Vietnamese
// technical text uses.
var pdfSubstitutes = map[rune]string{
	'≥': ">=", '≤': "<=", '−': "-", '≠': "!=", '≈': "~", '■': "", '●': "",
}

// pdfText makes s safe to draw: NFC (gofpdf does not position combining
// marks), then every character the font lacks replaced, by its ASCII
// substitute or else by U+FFFD, which the font has, so that a gap shows as a
// visible mark rather than an empty box. Control characters other than
// newline become spaces.
func pdfText(s string) string {
	set, err := glyphs()
	s = nfc(s)
	if err != nil { // writePDF returned this error before drawing anything
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		case r < 1<<16 && set[r/64]&(1<<(r%64)) != 0:
			b.WriteRune(r)
		default:
			if sub, ok := pdfSubstitutes[r]; ok {
				b.WriteString(sub)
			} else {
				b.WriteRune('\uFFFD')
			}
		}
	}
	return b.String()
}

// gofpdf writes its fonts, images and resource dictionaries in map order
// unless catalog sorting is on, so two runs would give different bytes.
// maroto does not expose the per-document switch; the default is a package
// global read when a document is created, so it is set once here, before any
// goroutine can create one. Sorted catalogs change nothing else.
func init() { gofpdf.SetDefaultCatalogSort(true) }

// Layout of summary.pdf, in millimetres on A4 portrait, and its grid: 24
// columns, so that the site table's six columns can have unequal widths.
const (
	pdfMargin      = 15.0
	pdfContentW    = 210 - 2*pdfMargin
	pdfGrid        = 24
	pdfFontSize    = 9.0
	pdfRowHeight   = 5.5 // a table row of one line
	pdfSectionSize = 11.0

	// A table cell's text starts pdfCellTop below the row's top; the
	// bottom padding makes a row of one line pdfRowHeight high (maroto
	// takes a line as the font size, 9 pt = 3.175 mm), so that rows stay
	// even and a row whose text wraps grows by whole lines.
	pdfCellTop    = 1.0
	pdfCellBottom = pdfRowHeight - pdfCellTop - pdfFontSize*25.4/72
)

var (
	pdfGrey      = &props.Color{Red: 0x66, Green: 0x66, Blue: 0x66}
	pdfLineGrey  = &props.Color{Red: 0xbb, Green: 0xbb, Blue: 0xbb}
	pdfHeaderBg  = &props.Color{Red: 0xe8, Green: 0xee, Blue: 0xf4}
	pdfSectionFg = &props.Color{Red: 0x1f, Green: 0x4e, Blue: 0x79}
)

// SummaryPDF returns summary.pdf: a printable summary of package p in
// Vietnamese (A4, Noto Sans embedded): the package and its publication,
// the bid deadline in Vietnam time, the ceiling price, the technical
// requirements and evaluation criteria, totals, the change note, an overview
// map of areas, villages and sites, and a table per area with its sites.
// Pages are numbered "Trang n/N".
//
// The PDF's CreationDate and ModDate are published, so the same p and
// published give the same bytes with this maroto/gofpdf version; another
// version may lay out differently, which is why published bytes are stored
// and never regenerated to verify (as for XLSX).
func SummaryPDF(p Package, published time.Time) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	b, err := writePDF(p, published)
	if err != nil {
		return nil, fmt.Errorf("export: summary.pdf: %w", err)
	}
	return b, nil
}

func writePDF(p Package, published time.Time) ([]byte, error) {
	// The coverage set is checked here, so that pdfText can rely on it.
	if _, err := glyphs(); err != nil {
		return nil, err
	}
	fonts, err := repository.New().
		AddUTF8FontFromBytes(pdfFont, fontstyle.Normal, notoRegular).
		AddUTF8FontFromBytes(pdfFont, fontstyle.Bold, notoBold).
		Load()
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	title := pdfText(p.Name)
	if strings.TrimSpace(title) == "" {
		title = fmt.Sprintf("Gói thầu %d", p.ID)
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(pdfMargin).WithRightMargin(pdfMargin).WithTopMargin(pdfMargin).WithBottomMargin(pdfMargin).
		WithMaxGridSize(pdfGrid).
		WithCustomFonts(fonts).
		WithDefaultFont(&props.Font{Family: pdfFont, Size: pdfFontSize}).
		WithPageNumber(props.PageNumber{Pattern: "Trang {current}/{total}", Place: props.RightBottom, Family: pdfFont, Size: 8, Color: pdfGrey}).
		WithTitle(title, true).
		WithSubject(fmt.Sprintf("Gói thầu %d, phiên bản %d", p.ID, p.Version), true).
		WithCreator("phusong", true).
		// Sequential (the default, said so): the concurrent modes merge
		// per-page PDFs with pdfcpu, which writes its own dates and IDs.
		WithSequentialMode().
		WithCreationDate(published.UTC()).
		Build()
	d := pdfDoc{maroto.New(cfg)}
	if err := d.m.RegisterFooter(text.NewRow(5,
		fmt.Sprintf("%s · mã %d · phiên bản %d · công bố %s", title, p.ID, p.Version, vnDateTime(published)),
		props.Text{Size: 7, Color: pdfGrey, Top: 2})); err != nil {
		return nil, fmt.Errorf("footer: %w", err)
	}

	d.title(p, title)
	d.general(p, published)
	if note := strings.TrimSpace(p.ChangeNote); note != "" {
		d.section("Nội dung thay đổi so với phiên bản trước", 15)
		d.para(note, props.Text{Bottom: 1})
	}
	d.requirements(p)
	d.criteria(p)
	d.totals(p)
	if err := d.overview(p); err != nil {
		return nil, err
	}
	d.areas(p)

	doc, err := d.m.Generate()
	if err != nil {
		return nil, err
	}
	return fixModDate(doc.GetBytes(), published), nil
}

// modDate finds the ModDate that gofpdf writes in the document information
// dictionary. maroto sets only CreationDate, and gofpdf takes time.Now() for
// ModDate; its only other way is a package-global default, which would race
// between concurrent publications.
var modDate = regexp.MustCompile(`/ModDate \(D:\d{14}\)`)

// fixModDate sets the ModDate to published. The replacement has the same
// length, so the cross-reference offsets stay right; the dictionary is not
// compressed or encrypted (no protection is set).
func fixModDate(b []byte, published time.Time) []byte {
	if loc := modDate.FindIndex(b); loc != nil {
		copy(b[loc[0]:loc[1]], "/ModDate (D:"+published.UTC().Format("20060102150405")+")")
	}
	return b
}

// pdfDoc writes the sections of summary.pdf. Every string reaches maroto
// through pdfText.
type pdfDoc struct{ m core.Maroto }

// para writes a full-width paragraph that wraps.
func (d pdfDoc) para(s string, ps props.Text) {
	d.m.AddAutoRow(text.NewCol(pdfGrid, pdfText(s), ps))
}

// keep starts a new page unless mm millimetres still fit on this one, so
// that a heading is not left alone at the foot of a page.
func (d pdfDoc) keep(mm float64) {
	if !d.m.FitlnCurrentPage(mm) {
		d.m.AddPages(page.New())
	}
}

// section starts a section, a bold heading over a thin rule, on a new page
// unless the heading and the next keep millimetres fit on this one.
func (d pdfDoc) section(title string, keep float64) {
	d.keep(12 + keep)
	d.m.AddAutoRow(text.NewCol(pdfGrid, pdfText(title), props.Text{
		Size: pdfSectionSize, Style: fontstyle.Bold, Color: pdfSectionFg, Top: 4, Bottom: 1.5,
	})).WithStyle(&props.Cell{BorderType: border.Bottom, BorderColor: pdfSectionFg, BorderThickness: 0.3})
	d.m.AddRow(1.5)
}

// pairs writes label–value rows; values wrap.
func (d pdfDoc) pairs(pairs [][2]string) {
	for _, kv := range pairs {
		d.m.AddAutoRow(
			text.NewCol(7, pdfText(kv[0]), props.Text{Style: fontstyle.Bold, Top: 0.5, Bottom: 0.5}),
			text.NewCol(pdfGrid-7, pdfText(kv[1]), props.Text{Top: 0.5, Bottom: 0.5}),
		)
	}
}

// tableRow writes one row of a table: header rows bold on a tinted
// background, others over a hairline. Cells wrap, and the row is as high as
// its tallest cell (maroto's auto row): criteria, and any cell that comes
// from free text, can be longer than their column, and a row of fixed height
// let the second line run over the next row.
func (d pdfDoc) tableRow(sizes []int, aligns []align.Type, header bool, cells ...string) {
	style, cell := fontstyle.Normal, &props.Cell{BorderType: border.Bottom, BorderColor: pdfLineGrey, BorderThickness: 0.1}
	if header {
		style, cell = fontstyle.Bold, &props.Cell{BackgroundColor: pdfHeaderBg}
	}
	cols := make([]core.Col, len(cells))
	for i, c := range cells {
		cols[i] = text.NewCol(sizes[i], pdfText(c), props.Text{Style: style, Align: aligns[i],
			Top: pdfCellTop, Bottom: pdfCellBottom, Left: 1, Right: 1, VerticalPadding: 0.5})
	}
	d.m.AddAutoRow(cols...).WithStyle(cell)
}

func (d pdfDoc) title(p Package, title string) {
	d.para("GÓI THẦU PHỦ SÓNG DI ĐỘNG VÙNG LÕM SÓNG", props.Text{Size: 8, Color: pdfGrey, Style: fontstyle.Bold})
	d.para(title, props.Text{Size: 16, Style: fontstyle.Bold, Top: 1, Bottom: 1, Color: pdfSectionFg})
	d.para(fmt.Sprintf("Mã gói thầu: %d   ·   Phiên bản: %d   ·   Tỉnh: %s", p.ID, p.Version, provinceLabel(p)),
		props.Text{Size: 10, Bottom: 2})
}

func (d pdfDoc) general(p Package, published time.Time) {
	d.section("Thông tin chung", 30)
	deadline := vnDateTime(p.Deadline)
	if !p.Deadline.IsZero() {
		deadline += " (giờ Việt Nam, UTC+7)"
	}
	d.pairs([][2]string{
		{"Ngày công bố", vnDateTime(published) + " (giờ Việt Nam, UTC+7)"},
		{"Hạn nộp hồ sơ dự thầu", deadline},
		{"Giá trần", vnd(p.CeilingVND)},
		{"Tổng chi phí ước tính", vnd(totalsOf(p).CostVND)},
		{"Bên mời thầu", buyerName},
		{"Nguồn vốn", funderName},
	})
}

func (d pdfDoc) requirements(p Package) {
	d.section("Yêu cầu kỹ thuật", 15)
	tech := strings.TrimSpace(p.Technology)
	if tech == "" {
		tech = "—"
	} else {
		tech += " trở lên"
	}
	rsrp := "—"
	if p.MinRSRPdBm != 0 {
		rsrp = decimalVI(p.MinRSRPdBm, -1) + " dBm, đo ngoài trời tại từng thôn"
	}
	d.pairs([][2]string{
		{"Công nghệ", tech},
		{"RSRP tối thiểu", rsrp},
		{"Hạn hoàn thành phủ sóng", vnDate(p.CoverageDeadline)},
	})
	if req := strings.TrimSpace(p.Requirements); req != "" {
		d.para(req, props.Text{Top: 1, Bottom: 1})
	}
}

func (d pdfDoc) criteria(p Package) {
	d.section("Tiêu chí đánh giá", 15)
	if len(p.Criteria) == 0 {
		d.para("Chưa công bố tiêu chí đánh giá.", props.Text{Color: pdfGrey})
		return
	}
	sizes := []int{12, 8, 4}
	aligns := []align.Type{align.Left, align.Left, align.Right}
	d.tableRow(sizes, aligns, true, "Tiêu chí", "Criterion", "Trọng số")
	var sum float64
	for _, c := range p.Criteria {
		sum += c.Weight
		d.tableRow(sizes, aligns, false, c.NameVI, c.NameEN, decimalVI(c.Weight, -1)+" %")
	}
	d.tableRow(sizes, aligns, true, "Tổng", "", decimalVI(sum, -1)+" %")
}

func (d pdfDoc) totals(p Package) {
	d.section("Tổng hợp", 12)
	t := totalsOf(p)
	sizes := []int{3, 3, 3, 4, 3, 8}
	right := slices.Repeat([]align.Type{align.Right}, len(sizes))
	d.tableRow(sizes, right, true, "Số vùng", "Số điểm", "Số thôn", "Số hộ", "Số trạm", "Chi phí ước tính")
	d.tableRow(sizes, right, false, count(len(p.Areas)), count(t.Points), count(t.Villages), count(t.Households),
		count(t.Sites), vnd(t.CostVND))
}

// overview writes the map with its legend and scale, on the next page when
// it does not fit on this one.
func (d pdfDoc) overview(p Package) error {
	ov, ok, err := drawOverview(p)
	if err != nil {
		return fmt.Errorf("overview map: %w", err)
	}
	if !ok {
		d.section("Bản đồ tổng quan", 6)
		d.para("Gói thầu chưa có vùng nào.", props.Text{Color: pdfGrey})
		return nil
	}
	h := pdfContentW * float64(ov.Height) / float64(ov.Width)
	d.section("Bản đồ tổng quan", h+12)
	d.m.AddRows(image.NewFromBytesRow(h, ov.PNG, extension.Png, props.Rect{Center: true, Percent: 100}))
	// Swatches are cell backgrounds: the font has no ■ or ● to colour.
	legend := []struct {
		color uint8
		label string
	}{
		{mapAreaEdge, "vùng lõm sóng"},
		{mapTrangSong, "thôn trắng sóng"},
		{mapLomSong, "thôn lõm sóng"},
		{mapSiteFill, "trạm đề xuất"},
	}
	cols := make([]core.Col, 0, 2*len(legend))
	for _, l := range legend {
		r, g, b, _ := mapColors[l.color].RGBA()
		cols = append(cols,
			col.New(1).WithStyle(&props.Cell{BackgroundColor: &props.Color{Red: int(r >> 8), Green: int(g >> 8), Blue: int(b >> 8)}}),
			text.NewCol(5, pdfText(l.label), props.Text{Left: 1.5, Top: 0.2, Size: 8}))
	}
	d.m.AddRow(2, col.New(pdfGrid))
	d.m.AddRow(4, cols...)
	d.para("Thước tỉ lệ ở góc dưới bên trái: "+metresLabel(ov.ScaleMetres)+"; hướng bắc lên trên.",
		props.Text{Top: 1, Size: 8, Color: pdfGrey})
	return nil
}

// metresLabel writes a scale bar length: "500 m", "2 km".
func metresLabel(m float64) string {
	if m >= 1000 {
		return decimalVI(m/1000, -1) + " km"
	}
	return decimalVI(m, -1) + " m"
}

func (d pdfDoc) areas(p Package) {
	if len(p.Areas) == 0 {
		return
	}
	figSizes := []int{3, 3, 3, 3, 7, 5}
	right := slices.Repeat([]align.Type{align.Right}, len(figSizes))
	siteSizes := []int{2, 4, 4, 3, 5, 6}
	siteAlign := []align.Type{align.Right, align.Right, align.Right, align.Right, align.Left, align.Right}
	d.section("Chi tiết theo vùng", 30)
	for _, a := range p.Areas {
		f := a.Figures
		// An area's heading, figures, villages and first sites stay together.
		d.keep(55)
		d.para(fmt.Sprintf("Vùng %d (phiên bản %d)", a.ID, a.Version), props.Text{Style: fontstyle.Bold, Size: 10, Top: 3, Bottom: 1})
		d.tableRow(figSizes, right, true, "Số điểm", "Số thôn", "Số hộ", "Số trạm", "Chi phí ước tính", "Điểm ưu tiên")
		d.tableRow(figSizes, right, false, count(f.Points), count(f.Villages), count(f.Households), count(f.Sites),
			vnd(f.CostVND), decimalVI(f.Score, 2))
		if v := villageList(a, 12); v != "" {
			d.para("Điểm khảo sát (thôn, bản, cụm): "+v, props.Text{Top: 1.5})
		}
		if len(a.Sites) == 0 {
			d.para("Không có trạm đề xuất.", props.Text{Color: pdfGrey, Top: 1})
			continue
		}
		d.para("Trạm đề xuất", props.Text{Top: 2, Bottom: 0.5, Color: pdfGrey})
		d.tableRow(siteSizes, siteAlign, true, "Trạm", "Kinh độ", "Vĩ độ", "Số hộ phủ", "Địa hình", "Chi phí")
		for _, s := range a.Sites {
			loc := round6(s.Location)
			d.tableRow(siteSizes, siteAlign, false, strconv.Itoa(s.N), decimalVI(loc[0], 6), decimalVI(loc[1], 6),
				count(s.Households), terrainVI(s.Terrain), vnd(s.CostVND))
		}
	}
}

// count writes a count with grouped thousands: 20.000.
func count(n int) string { return groupThousands(int64(n)) }

// villageList names up to n surveyed places of a (village names as the
// points carry them, "cụm N" parts included), the most households first,
// and counts the rest as places, not villages: "Số thôn" counts villages
// with geo/area's rule, which merges the parts. Enough for an operator to
// place the area on their own map; points.csv has them all.
func villageList(a Area, n int) string {
	households := map[string]int{}
	for _, pt := range a.Points {
		if v := strings.TrimSpace(nfc(pt.Village)); v != "" {
			households[v] += pt.Households
		}
	}
	names := make([]string, 0, len(households))
	for v := range households {
		names = append(names, v)
	}
	// Sorted, not in map order: the PDF must come out the same every time.
	slices.SortFunc(names, func(x, y string) int {
		if c := cmp.Compare(households[y], households[x]); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s và %s điểm khác", strings.Join(names[:n], ", "), count(len(names)-n))
}

// totals are a package's figures summed over its areas. Points and sites
// are counted in the lists the files carry, so every file agrees with the
// tables beside it; villages exist only as a figure.
type totals struct {
	Points, Villages, Households, Sites int
	CostVND                             int64
}

func totalsOf(p Package) totals {
	var t totals
	for _, a := range p.Areas {
		t.Points += len(a.Points)
		t.Villages += a.Figures.Villages
		t.Households += a.Figures.Households
		t.Sites += len(a.Sites)
		t.CostVND += a.Figures.CostVND
	}
	return t
}

// vnd writes an amount in đồng as Vietnamese documents do: dots between
// thousands (groupThousands) and the đồng sign, "1.234.567.890 ₫".
func vnd(n int64) string { return groupThousands(n) + " ₫" }

// decimalVI writes v with a decimal comma and grouped thousands, the
// Vietnamese convention: 8,25; 104,051235; −110. digits < 0 writes as few
// digits as represent v exactly.
func decimalVI(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil { // beyond int64: no grouping
		return strings.Replace(s, ".", ",", 1)
	}
	out := groupThousands(n)
	if intPart == "-0" {
		out = "-0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// vnDateTime writes t in Vietnam time as dd/mm/yyyy HH:MM, the way dates are
// written in Vietnamese bidding documents; "—" when t is unset.
func vnDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vietnam).Format("02/01/2006 15:04")
}

// vnDate writes the calendar day of t in Vietnam time as dd/mm/yyyy; "—" when unset.
func vnDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vietnam).Format("02/01/2006")
}
