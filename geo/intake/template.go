package intake

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/geo/admin"
)

// Sheets of the Excel template. The data sheet comes first, so that Read
// takes it without a --sheet option.
const (
	SheetData         = "Khảo sát"
	SheetInstructions = "Hướng dẫn"
	sheetLists        = "DanhMuc" // hidden; ASCII so list formulas need no quoting
)

// templateRows is how many rows below the headers carry dropdown lists and
// number ranges.
const templateRows = 10_000

// exampleDate is the survey date of the template's example row.
var exampleDate = time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC)

// Template writes the Excel survey template for a province (2025 code): on
// the first sheet the canonical header row, the Vietnamese header row below
// it (Read recognises and skips it) and one example row to overwrite;
// dropdown lists for every enumerated column and for the province's
// communes ("03466 - Xã …", accepted as is by Read), number ranges for
// households, population, coordinates and RSRP, code columns formatted as
// text so Excel keeps leading zeros; a sheet of step-by-step instructions in
// Vietnamese; the lists on a hidden sheet. provinceCode "" lists every
// commune of the country. The example row is valid but for one error,
// template_example_row: a template sent back unchanged stores nothing.
func Template(w io.Writer, provinceCode string, ref Reference) error {
	communes := templateCommunes(provinceCode, ref)
	if len(communes) == 0 {
		return fmt.Errorf("intake: template: no commune for province %q", provinceCode)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetData); err != nil {
		return fmt.Errorf("intake: template: %w", err)
	}
	for _, s := range []string{SheetInstructions, sheetLists} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("intake: template: %w", err)
		}
	}
	b := &templateBuilder{f: f}
	b.lists(communes)
	b.data(communes[0])
	b.instructions(provinceCode, ref)
	if b.err == nil {
		b.err = f.SetSheetVisible(sheetLists, false)
	}
	if b.err != nil {
		return fmt.Errorf("intake: template: %w", b.err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("intake: template: %w", err)
	}
	return nil
}

// templateCommunes returns the communes of a province, or of every province.
func templateCommunes(provinceCode string, ref Reference) []admin.Commune {
	if provinceCode != "" {
		return ref.ProvinceCommunes(provinceCode)
	}
	var all []admin.Commune
	for i := 1; i < 100; i++ {
		all = append(all, ref.ProvinceCommunes(fmt.Sprintf("%02d", i))...)
	}
	return all
}

// templateBuilder keeps the first error, so the layout reads as a list of
// steps.
type templateBuilder struct {
	f       *excelize.File
	err     error
	listRef map[int]string // column → range of its list on the hidden sheet
}

func (b *templateBuilder) set(sheet, cell string, v any) {
	if b.err == nil {
		b.err = b.f.SetCellValue(sheet, cell, v)
	}
}

func (b *templateBuilder) style(s *excelize.Style) int {
	if b.err != nil {
		return 0
	}
	id, err := b.f.NewStyle(s)
	b.err = err
	return id
}

func (b *templateBuilder) cellStyle(sheet, from, to string, id int) {
	if b.err == nil {
		b.err = b.f.SetCellStyle(sheet, from, to, id)
	}
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// lists writes the communes and the Vietnamese words of every enumerated
// column on the hidden sheet.
func (b *templateBuilder) lists(communes []admin.Commune) {
	b.listRef = map[int]string{}
	b.set(sheetLists, "A1", "commune_code")
	for i, c := range communes {
		b.set(sheetLists, cellName(1, i+2), c.Code+" - "+c.FullName)
	}
	b.listRef[colCommune] = fmt.Sprintf("%s!$A$2:$A$%d", sheetLists, len(communes)+1)
	col := 2
	for i, c := range Columns {
		if len(c.Values) == 0 {
			continue
		}
		b.set(sheetLists, cellName(col, 1), c.Name)
		for j, v := range c.Values {
			b.set(sheetLists, cellName(col, j+2), v.VI)
		}
		l := colName(col)
		b.listRef[i] = fmt.Sprintf("%s!$%s$2:$%s$%d", sheetLists, l, l, len(c.Values)+1)
		col++
	}
}

// data writes the data sheet: two header rows, the example row, formats,
// dropdown lists and ranges.
func (b *templateBuilder) data(example admin.Commune) {
	f := b.f
	required := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C0392B"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	optional := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2E6DA4"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	viHeader := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Italic: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	textFmt := b.style(&excelize.Style{NumFmt: 49}) // "@": codes keep their leading zeros
	dateFmt := "dd/mm/yyyy"
	dateStyle := b.style(&excelize.Style{CustomNumFmt: &dateFmt})
	exampleStyle := b.style(&excelize.Style{Font: &excelize.Font{Color: "7F7F7F", Italic: true}})
	exampleDateFmt := b.style(&excelize.Style{Font: &excelize.Font{Color: "7F7F7F", Italic: true}, CustomNumFmt: &dateFmt})
	exampleText := b.style(&excelize.Style{Font: &excelize.Font{Color: "7F7F7F", Italic: true}, NumFmt: 49})

	last := templateRows + 2
	for i, c := range Columns {
		col := i + 1
		l := colName(col)
		b.set(SheetData, cellName(col, 1), c.Name)
		b.set(SheetData, cellName(col, 2), c.VI)
		head := optional
		if c.Required != "no" {
			head = required
		}
		b.cellStyle(SheetData, cellName(col, 1), cellName(col, 1), head)
		b.cellStyle(SheetData, cellName(col, 2), cellName(col, 2), viHeader)
		if b.err == nil {
			b.err = f.SetColWidth(SheetData, l, l, c.Width)
		}
		switch c.Kind {
		case KindCode:
			b.cellStyle(SheetData, cellName(col, 3), cellName(col, last), textFmt)
		case KindDate:
			b.cellStyle(SheetData, cellName(col, 3), cellName(col, last), dateStyle)
		}
		b.validation(i, fmt.Sprintf("%s3:%s%d", l, l, last))
	}
	if b.err == nil {
		b.err = f.SetRowHeight(SheetData, 1, 30)
	}
	if b.err == nil {
		b.err = f.SetPanes(SheetData, &excelize.Panes{Freeze: true, YSplit: 2, XSplit: 3, TopLeftCell: "D3", ActivePane: "bottomRight"})
	}

	// The example row: a real place of the province, valid but for
	// template_example_row (validator.isExample), so it is never stored.
	values := exampleRow(example)
	for i := range Columns {
		v, ok := values[i]
		if !ok {
			continue
		}
		cell := cellName(i+1, 3)
		b.set(SheetData, cell, v)
		switch {
		case Columns[i].Kind == KindDate:
			b.cellStyle(SheetData, cell, cell, exampleDateFmt)
		case Columns[i].Kind == KindCode:
			b.cellStyle(SheetData, cell, cell, exampleText)
		default:
			b.cellStyle(SheetData, cell, cell, exampleStyle)
		}
	}
}

// exampleRow gives the example's cell values by column.
func exampleRow(c admin.Commune) map[int]any {
	v := map[int]any{
		colProvince:      c.ProvinceCode,
		colCommune:       c.Code + " - " + c.FullName,
		colRefID:         c.ProvinceCode + "-0001",
		colLat:           round6(c.Point[1]),
		colLon:           round6(c.Point[0]),
		colSignalViettel: "2G", colSignalVinaPhone: "không có sóng", colSignalMobiFone: "không có sóng",
		colRSRPViettel: -112,
		colFacilities:  "trường học; trạm y tế",
		colSurveyedOn:  exampleDate,
	}
	for i, col := range Columns {
		if _, set := v[i]; set || col.Example == "" {
			continue
		}
		switch col.Kind {
		case KindEnum:
			for _, val := range col.Values {
				if val.Code == col.Example {
					v[i] = val.VI
				}
			}
		case KindInt:
			n, _ := strconv.Atoi(col.Example)
			v[i] = n
		default:
			v[i] = col.Example
		}
	}
	return v
}

// validation adds the dropdown list or the range of a column.
func (b *templateBuilder) validation(i int, sqref string) {
	if b.err != nil {
		return
	}
	c := Columns[i]
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	dv.SetInput(truncateRunes(c.VI, 32), truncateRunes(c.DocVI, 250))
	style, msg := excelize.DataValidationErrorStyleStop, "Hãy chọn một giá trị trong danh sách."
	switch {
	case b.listRef[i] != "":
		dv.SetSqrefDropList(b.listRef[i])
		if c.Kind == KindList || i == colCommune {
			// A list cell may hold several values; a commune may be typed as a bare code.
			style, msg = excelize.DataValidationErrorStyleInformation, "Giá trị không có trong danh sách; hãy kiểm tra lại."
		}
	case i == colHouseholds || i == colPopulation:
		b.err = dv.SetRange(1, 1_000_000, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
		msg = "Hãy nhập số nguyên từ 1 trở lên."
	case c.Kind == KindNumber && c.Max > c.Min:
		b.err = dv.SetRange(int(c.Min), int(c.Max), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		msg = fmt.Sprintf("Hãy nhập số từ %d đến %d.", int(c.Min), int(c.Max))
	case i == colLat:
		b.err = dv.SetRange(6, 24, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		// Degrees-minutes-seconds text is accepted too: warn, do not stop.
		style, msg = excelize.DataValidationErrorStyleWarning, "Vĩ độ ở Việt Nam từ 6 đến 24 (độ thập phân, ví dụ 22.38483)."
	case i == colLon:
		b.err = dv.SetRange(101.5, 118, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
		style, msg = excelize.DataValidationErrorStyleWarning, "Kinh độ ở Việt Nam từ 101,5 đến 118 (độ thập phân, ví dụ 102.78611)."
	case i == colSurveyedOn:
		b.err = dv.SetRange(36526, 73051, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween) // 2000-01-01 … 2099-12-31
		style, msg = excelize.DataValidationErrorStyleWarning, "Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2026."
	case c.MaxLen > 0:
		b.err = dv.SetRange(0, c.MaxLen, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
		msg = fmt.Sprintf("Tối đa %d ký tự.", c.MaxLen)
	default:
		return
	}
	if b.err != nil {
		return
	}
	dv.SetError(style, truncateRunes(c.VI, 32), msg)
	b.err = b.f.AddDataValidation(SheetData, dv)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// instructions writes the step-by-step guide sheet.
func (b *templateBuilder) instructions(provinceCode string, ref Reference) {
	title := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "C0392B"}})
	heading := b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "2E6DA4"}})
	body := b.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if b.err == nil {
		b.err = b.f.SetColWidth(SheetInstructions, "A", "A", 120)
	}
	row := 1
	line := func(text string, style int) {
		cell := cellName(1, row)
		b.set(SheetInstructions, cell, text)
		b.cellStyle(SheetInstructions, cell, cell, style)
		row++
	}
	where := "cả nước"
	if provinceCode != "" {
		where = provinceCode + " " + ref.ProvinceName(provinceCode)
	}
	line("HƯỚNG DẪN ĐIỀN MẪU KHẢO SÁT THÔN, BẢN CHƯA CÓ SÓNG DI ĐỘNG (tỉnh: "+where+")", title)
	for _, part := range instructionText {
		if strings.HasPrefix(part, "# ") {
			row++
			line(strings.TrimPrefix(part, "# "), heading)
			continue
		}
		line(part, body)
	}
	row++
	line("DANH SÁCH CỘT", heading)
	for _, c := range Columns {
		req := "không bắt buộc"
		switch c.Required {
		case "yes":
			req = "BẮT BUỘC"
		case "no":
		default:
			req = "bắt buộc theo điều kiện (" + c.Required + ")"
		}
		line(fmt.Sprintf("%s (%s) — %s: %s", c.VI, c.Name, req, c.DocVI), body)
	}
}

// instructionText is the guide for a commune officer, one paragraph per
// line; "# " starts a heading.
var instructionText = []string{
	"Mỗi dòng của trang \"" + SheetData + "\" là một điểm khảo sát: một thôn, bản, ấp (hoặc một cụm nhà trong thôn) mà người dân chưa dùng được sóng di động. " +
		"Dòng 1 (tiếng Anh) và dòng 2 (tiếng Việt) là tiêu đề: không xóa, không đổi tên, không chèn cột. Dòng 3 là ví dụ màu xám: hãy ghi đè lên nó bằng điểm đầu tiên của xã mình, hoặc xóa dòng đó; để nguyên thì tệp bị báo lỗi và không được lưu. Cột màu đỏ là bắt buộc.",
	"# Bước 1. Mã tỉnh, mã xã",
	"Mã tỉnh đã ghi sẵn trong ví dụ (2 chữ số, theo danh mục 34 tỉnh, thành phố từ 01/7/2025). Ở cột Mã xã, bấm vào ô và chọn xã trong danh sách thả xuống (dạng \"03466 - Xã …\"); có thể gõ riêng mã 5 chữ số. " +
		"Nếu chỉ có mã xã cũ (trước sáp nhập), hệ thống sẽ tự chuyển sang mã mới khi xã cũ nhập trọn vào một xã mới; nếu xã cũ bị chia, hệ thống báo lỗi và liệt kê các xã mới để chọn.",
	"# Bước 2. Tên thôn và mã điểm",
	"Ghi tên thôn, bản, ấp như trong danh sách của xã (ví dụ \"Thôn Nậm Cười\"). Nếu một thôn có nhiều cụm nhà cách xa nhau, ghi mỗi cụm một dòng: \"Thôn Nậm Cười - cụm 1\", \"Thôn Nậm Cười - cụm 2\". " +
		"Cột Mã điểm (không bắt buộc) là mã riêng của tỉnh cho điểm đó, không trùng nhau; lần sau gửi lại cùng mã điểm thì điểm được cập nhật, không tạo bản sao.",
	"# Bước 3. Tọa độ đọc từ điện thoại",
	"Đứng ở giữa cụm nhà, bật định vị (GPS) trên điện thoại và chờ vài giây cho vị trí ổn định. " +
		"Google Maps: chạm và giữ vào chấm xanh (vị trí của bạn) hoặc vào bản đồ tại chỗ đứng; ô tìm kiếm hiện hai số, ví dụ 22.38483, 102.78611. Số thứ nhất là Vĩ độ (ở Việt Nam từ 8 đến 24), số thứ hai là Kinh độ (từ 102 đến 110). " +
		"Ứng dụng GPS khác (GPS Status, Locus Map, Bản đồ số…): chọn định dạng độ thập phân (DD.DDDDD°). Dạng độ-phút-giây như 22°23'05.4\"N, 102°47'10\"E cũng được chấp nhận.",
	"Ghi đủ 5 hoặc 6 chữ số sau dấu chấm (sai 0.001 độ là lệch khoảng 100 m). Không đổi chỗ vĩ độ và kinh độ: nếu nhầm, hệ thống báo lỗi và gợi ý cách sửa, không tự đổi. " +
		"Không dùng tọa độ trung tâm xã cho mọi thôn: mỗi điểm phải là vị trí thật của cụm nhà.",
	"Nếu tọa độ lấy từ bản đồ địa chính hệ VN-2000 (đơn vị mét): để trống Vĩ độ, Kinh độ; ghi vào Tọa độ X số hướng Đông (6 chữ số, khoảng 400 000 – 600 000), Tọa độ Y số hướng Bắc (7 chữ số, khoảng 900 000 – 2 600 000), " +
		"và Hệ tọa độ = VN2000-TM3 (múi 3° theo kinh tuyến trục của tỉnh) hoặc ghi rõ kinh tuyến trục, ví dụ VN2000-TM3:104.75. " +
		"CHÚ Ý: trên bản đồ địa chính, chữ X thường chỉ hướng Bắc (số 7 chữ số) và Y chỉ hướng Đông; khi chép sang mẫu này phải đặt số hướng Đông vào cột Tọa độ X và số hướng Bắc vào cột Tọa độ Y. Nếu nhầm, hệ thống báo lỗi \"X, Y bị đổi chỗ\".",
	"# Bước 4. Số hộ cần phủ sóng",
	"Ghi số hộ gia đình đang sinh sống thường xuyên tại điểm đó mà tại nhà không gọi điện được hoặc không dùng được Internet di động ổn định. Đếm theo danh sách hộ của thôn; " +
		"không tính nhà bỏ trống, hộ đã chuyển đi, lán trại tạm. Nếu chỉ một phần thôn lõm sóng, chỉ đếm các hộ trong phần đó. Số hộ là số nguyên từ 1 trở lên. Dân số (không bắt buộc) là số người, không nhỏ hơn số hộ.",
	"# Bước 5. Sóng của từng nhà mạng",
	"Với mỗi nhà mạng (Viettel, VinaPhone, MobiFone, Vietnamobile), dùng điện thoại lắp SIM của nhà mạng đó (hoặc hỏi người dân dùng SIM đó), đứng giữa cụm nhà và nhìn thanh trạng thái trên cùng màn hình:",
	"• Không có vạch sóng, hoặc hiện \"Không có dịch vụ\", \"Chỉ cuộc gọi khẩn cấp\", hoặc có 1 vạch chập chờn nhưng không gọi được: chọn \"không có sóng\".",
	"• Có vạch sóng: chọn ký hiệu hiện cạnh vạch sóng: 2G (chữ G hoặc E), 3G (3G, H hoặc H+), 4G (4G, LTE, 4G+), 5G.",
	"• Không kiểm tra được nhà mạng nào thì để trống ô của nhà mạng đó (phải có ít nhất một nhà mạng được ghi).",
	"Nếu có ứng dụng đo sóng (ví dụ Network Cell Info), ghi cường độ RSRP (số âm, đơn vị dBm, ví dụ -112) vào cột RSRP của nhà mạng. " +
		"Chú ý: nếu tại điểm đó có nhà mạng phát sóng 4G hoặc 5G dùng được thì đó không phải vùng lõm sóng; hệ thống sẽ báo lỗi, trừ khi cột Phân loại ghi \"lõm sóng\" (ví dụ sóng 4G có nhưng quá yếu, không dùng được; hãy ghi rõ ở Ghi chú).",
	"# Bước 6. Điện lưới, đường, địa hình, thôn ĐBKK, cơ sở thiết yếu",
	"Chọn trong danh sách thả xuống: Điện lưới (có / không / một phần), Đường giao thông (quanh năm / theo mùa / không có đường), Địa hình (bằng phẳng / đồi / núi), Thôn ĐBKK (có / không: thôn thuộc danh sách thôn đặc biệt khó khăn). " +
		"Cơ sở thiết yếu: ghi các cơ sở có trong thôn, cách nhau bởi dấu chấm phẩy, ví dụ \"trường học; trạm y tế\".",
	"# Bước 7. Ngày khảo sát, người khảo sát",
	"Ghi ngày đi khảo sát dạng ngày/tháng/năm (15/01/2026), không được sau ngày hôm nay. Ghi tên người khảo sát và ghi chú nếu cần.",
	"# Bước 8. Lưu và gửi",
	"Lưu tệp dạng Excel (.xlsx), giữ nguyên trang \"" + SheetData + "\" là trang đầu tiên. Gửi tệp qua hệ thống. Hệ thống kiểm tra từng dòng và trả về danh sách lỗi (dòng, cột, giá trị, cách sửa) bằng tiếng Việt và tiếng Anh; " +
		"tệp chỉ được nhận khi không còn lỗi (cảnh báo thì vẫn nhận). Có thể kiểm tra trước, không cần mạng: phusong validate --province <mã tỉnh> tệp.xlsx.",
	"# In English",
	"One row per surveyed place without usable mobile signal. Row 1 holds the canonical column names, row 2 the Vietnamese ones; row 3 is an example to overwrite or delete (left as it is, it is refused). " +
		"Coordinates: decimal degrees from a phone (Google Maps: long-press your location), or VN-2000 x = easting, y = northing with crs VN2000-TM3. " +
		"Households: households living there that lack usable signal at home. Signal per operator: none / 2G / 3G / 4G / 5G as the phone's status bar shows it; empty = not surveyed; any usable 4G/5G means the place is not a dead zone.",
}
