package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/geo/intake"
)

// XLSX returns package.xlsx with the sheets Tóm tắt (summary), Vùng (areas),
// Điểm (points) and Trạm (sites): Vietnamese headers in a frozen first row,
// VND as #,##0, coordinates with 6 decimals. published becomes the workbook's
// created and modified dates, so the same input gives the same bytes.
func XLSX(p Package, published time.Time) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	b, err := writeXLSX(p, published)
	if err != nil {
		return nil, fmt.Errorf("export: package.xlsx: %w", err)
	}
	return b, nil
}

func summaryTable(p Package) table {
	var points, households, sites int
	var cost int64
	for _, a := range p.Areas {
		points += len(a.Points)
		households += a.Figures.Households
		sites += len(a.Sites)
		cost += a.Figures.CostVND
	}
	t := table{sheet: "Tóm tắt", columns: []column{{"Mục", kindText, 30}, {"Giá trị", kindText, 60}}}
	t.rows = [][]any{
		{"Mã gói thầu", p.ID},
		{"Phiên bản", p.Version},
		{"Tên gói thầu", nfc(p.Name)},
		{"Tỉnh", provinceLabel(p)},
		{"Hạn nộp hồ sơ", deadline(p.Deadline)},
		{"Giá trần (VND)", p.CeilingVND},
		{"Tổng chi phí ước tính (VND)", cost},
		{"Số vùng", len(p.Areas)},
		{"Số điểm", points},
		{"Số hộ", households},
		{"Số trạm đề xuất", sites},
		{"Yêu cầu kỹ thuật", nfc(p.Requirements)},
	}
	return t
}

func writeXLSX(p Package, published time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	ts := published.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: nfc(p.Name), Creator: "phusong", Created: ts, Modified: ts, Language: "vi-VN",
	}); err != nil {
		return nil, err
	}
	styles := map[kind]int{}
	// A slice, not a map: style ids must come out in the same order every time.
	for _, s := range []struct {
		kind kind
		code string
	}{{kindInt, "0"}, {kindVND, "#,##0"}, {kindCoord, "0.000000"}, {kindScore, "0.00"}} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &s.code})
		if err != nil {
			return nil, err
		}
		styles[s.kind] = id
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	summary := summaryTable(p)
	for i, t := range []table{summary, areasTable(p), pointsTable(p), sitesTable(p)} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(t.sheet); err != nil {
			return nil, err
		}
		if err := writeSheet(f, t, styles, header, i == 0); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", t.sheet, err)
		}
	}
	// No SetActiveSheet: the summary (the renamed Sheet1) is already active,
	// and SetActiveSheet parses every streamed sheet back into memory.
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return repack(buf.Bytes(), published)
}

// repack rewrites an XLSX (a ZIP) with its parts in a fixed order and stamped
// with published: excelize writes parts in sync.Map order, which changes from
// run to run, and a package's bytes must not. [Content_Types].xml goes first,
// as Office writes it; the rest by name.
func repack(b []byte, published time.Time) ([]byte, error) {
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	parts := slices.Clone(r.File)
	slices.SortFunc(parts, func(a, b *zip.File) int {
		const first = "[Content_Types].xml"
		switch {
		case a.Name == b.Name:
			return 0
		case a.Name == first:
			return -1
		case b.Name == first:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, part := range parts {
		rc, err := part.Open()
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: part.Name, Method: zip.Deflate, Modified: published.UTC()})
		if err == nil {
			_, err = io.Copy(w, rc)
		}
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeSheet streams t into its sheet. In the summary the value column mixes
// text and numbers, so numbers there take the VND format when they are money.
func writeSheet(f *excelize.File, t table, styles map[kind]int, header int, summary bool) error {
	sw, err := f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	for i, c := range t.columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(t.columns))
	for i, c := range t.columns {
		row[i] = excelize.Cell{StyleID: header, Value: c.header}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for r, values := range t.rows {
		row := make([]any, len(values))
		for i, v := range values {
			k := t.columns[i].kind
			if summary && i == 1 {
				k = kindInt
				if label, _ := values[0].(string); strings.HasSuffix(label, "(VND)") {
					k = kindVND
				}
			}
			if s, ok := v.(string); ok {
				row[i] = excelize.Cell{Value: intake.Neutralize(s)}
				continue
			}
			row[i] = excelize.Cell{StyleID: styles[k], Value: v}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}
