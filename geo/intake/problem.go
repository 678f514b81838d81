package intake

import (
	"strconv"
	"strings"

	"github.com/phusong/phusong"
)

// Severity says whether a problem stops a row (or the file) from being stored.
type Severity int

// Severities.
const (
	Error   Severity = iota // the row is not stored; exit 1
	Warning                 // the row is stored; the officer should check it
	Fatal                   // the file cannot be read at all: *phusong.InputError, exit 2, HTTP 4xx
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Fatal:
		return "fatal"
	}
	return "error"
}

// Code is one stable problem code with its message templates. A template may
// name parameters in braces ({value}, {allowed}, {province}, …); the value
// found goes in phusong.Problem.Value as well, so a message never depends on
// it alone.
type Code struct {
	Code     string
	Severity Severity
	VI, EN   string
}

// Codes lists every problem this package raises, in the order of the
// published specification. Problems from geo/coord (coordinate notation,
// swapped axes, VN-2000) carry their own codes and texts: coord.Codes().
var Codes = []Code{
	// The file as a whole: *phusong.InputError, nothing is read or stored.
	{"file_empty", Fatal, "Tệp rỗng, không có dữ liệu. Hãy chọn đúng tệp khảo sát (CSV, Excel .xlsx hoặc GeoJSON).",
		"The file is empty. Choose the survey file (CSV, Excel .xlsx or GeoJSON)."},
	{"file_too_large", Fatal, "Tệp lớn hơn giới hạn {limit}. Hãy chia thành nhiều tệp nhỏ hơn, hoặc nhập bằng lệnh phusong import.",
		"The file is larger than the {limit} limit. Split it into smaller files, or load it with phusong import."},
	{"file_binary", Fatal, "Đây không phải tệp bảng tính hay văn bản ({value}). Hãy lưu bảng khảo sát thành CSV UTF-8 hoặc Excel .xlsx rồi gửi lại.",
		"This is not a spreadsheet or text file ({value}). Save the survey table as CSV UTF-8 or Excel .xlsx and send it again."},
	{"file_xls", Fatal, "Tệp Excel 97-2003 (.xls) hoặc tệp Excel có mật khẩu không đọc được. Trong Excel chọn Lưu thành (Save As) → Sổ làm việc Excel (.xlsx), không đặt mật khẩu.",
		"Excel 97-2003 (.xls) files and password-protected workbooks cannot be read. In Excel use Save As → Excel Workbook (.xlsx), without a password."},
	{"file_unreadable", Fatal, "Không đọc được tệp: {value}. Hãy lưu lại bảng khảo sát thành CSV UTF-8 hoặc Excel .xlsx rồi gửi lại.",
		"The file cannot be read: {value}. Save the survey table again as CSV UTF-8 or Excel .xlsx and send it again."},
	{"encoding_unsupported", Fatal, "Bảng mã {value} không được hỗ trợ. Hãy lưu tệp CSV với bảng mã UTF-8 (trong Excel: CSV UTF-8) hoặc Unicode text.",
		"The {value} encoding is not supported. Save the CSV as UTF-8 (in Excel: CSV UTF-8) or Unicode text."},
	{"unclosed_quote", Fatal, "Dấu ngoặc kép mở ở dòng {row} không bao giờ được đóng lại. Hãy kiểm tra ô có dấu \" ở dòng đó.",
		"A quote opened on row {row} never closes. Check the cell with a \" on that row."},
	{"row_too_long", Fatal, "Dòng {row} dài hơn {limit}: có thể một dấu ngoặc kép không được đóng lại. Hãy kiểm tra dòng đó.",
		"Row {row} is longer than {limit}: a quote probably never closes. Check that row."},
	{"too_many_columns", Fatal, "Tệp có {value} cột, quá giới hạn {limit}. Hãy chỉ giữ các cột của mẫu khảo sát.",
		"The file has {value} columns, more than the {limit} limit. Keep only the survey template's columns."},
	{"too_many_rows", Fatal, "Tệp có hơn {limit} dòng dữ liệu. Hãy chia thành nhiều tệp, hoặc nhập bằng lệnh phusong import.",
		"The file has more than {limit} data rows. Split it, or load it with phusong import."},
	{"no_known_columns", Fatal, "Không nhận ra cột nào của mẫu khảo sát trong các dòng đầu tiên. Dòng tiêu đề phải có các cột như Mã tỉnh, Mã xã, Tên thôn, Vĩ độ, Kinh độ, Số hộ (xem mẫu Excel).",
		"No survey column was recognised in the first rows. The header row must name columns such as province_code, commune_code, village_name, lat, lon, households (see the Excel template)."},
	{"no_rows", Fatal, "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào. Hãy nhập các điểm khảo sát từ dòng sau tiêu đề.",
		"The file has a header but no data row. Enter the survey points below the header."},
	{"zip_bomb", Fatal, "Tệp .xlsx giải nén ra {value}, vượt giới hạn {limit}: tệp bị hỏng hoặc nguy hiểm. Hãy mở bằng Excel và lưu lại thành .xlsx mới.",
		"The .xlsx file unpacks to {value}, over the {limit} limit: it is damaged or hostile. Open it in Excel and save it as a new .xlsx."},
	{"cell_too_long", Fatal, "Trang tính có một ô hoặc một dòng dài hơn {limit} ({value}). Ô của bảng khảo sát chỉ chứa vài chữ: hãy mở tệp bằng Excel, xóa hoặc rút gọn ô đó rồi lưu lại.",
		"The workbook has a cell or a row longer than {limit} ({value}). Survey cells hold a few words: open the file in Excel, delete or shorten that cell, and save it again."},
	{"sheet_not_found", Fatal, "Không có trang tính \"{value}\" trong tệp. Các trang có trong tệp: {allowed}.",
		"There is no sheet \"{value}\" in the workbook. Its sheets are: {allowed}."},
	{"json_invalid", Fatal, "Tệp JSON bị lỗi cú pháp ({value}). Hãy xuất lại GeoJSON từ phần mềm bản đồ (QGIS: Export → GeoJSON).",
		"The JSON is not well formed ({value}). Export the GeoJSON again from the mapping software (QGIS: Export → GeoJSON)."},
	{"json_too_deep", Fatal, "Tệp JSON lồng nhau quá {limit} cấp. Tệp GeoJSON điểm khảo sát chỉ cần FeatureCollection gồm các Feature kiểu Point.",
		"The JSON nests deeper than {limit} levels. A survey GeoJSON is a FeatureCollection of Point features."},
	{"not_feature_collection", Fatal, "Tệp JSON không phải GeoJSON FeatureCollection ({value}). Hãy xuất lớp điểm khảo sát thành GeoJSON, mỗi điểm một Feature kiểu Point, thuộc tính là các cột của mẫu.",
		"The JSON is not a GeoJSON FeatureCollection ({value}). Export the survey layer as GeoJSON: one Point feature per point, with the columns as properties."},

	// The header: reported once, row 0.
	{"column_missing", Error, "Thiếu cột bắt buộc {value}. Hãy thêm cột này vào dòng tiêu đề (xem mẫu Excel); cả tệp chưa được nhận.",
		"The required column {value} is missing. Add it to the header row (see the Excel template); no row is accepted until then."},
	{"column_duplicate", Error, "Cột {column} xuất hiện hai lần (\"{value}\"). Hãy xóa hoặc đổi tên một cột; dữ liệu được lấy từ cột đầu tiên.",
		"The {column} column appears twice (\"{value}\"). Remove or rename one; the first one is read."},
	{"column_unknown", Warning, "Cột \"{value}\" không thuộc mẫu khảo sát nên bị bỏ qua. Nếu đây là dữ liệu cần nộp, hãy đổi tên tiêu đề theo mẫu.",
		"The column \"{value}\" is not part of the survey format and is ignored. If it holds survey data, rename its header as in the template."},
	{"rows_before_header", Warning, "Dòng tiêu đề ở dòng {row}; các dòng phía trên bị bỏ qua.",
		"The header is on row {row}; the rows above it are ignored."},

	// A row: the row is not stored (errors) or stored with a note (warnings).
	{"value_required", Error, "Ô {column} đang trống nhưng bắt buộc phải có. Hãy điền giá trị.",
		"{column} is empty but required. Fill it in."},
	{"text_invalid_encoding", Error, "Dòng này có ký tự không đọc được (sai bảng mã, hoặc ký tự NUL). Hãy lưu tệp với bảng mã UTF-8, hoặc nhập lại dòng này.",
		"This row has characters that cannot be read (wrong encoding, or a NUL character). Save the file as UTF-8, or retype the row."},
	{"text_too_long", Error, "{column} dài hơn {limit} ký tự. Hãy rút gọn.",
		"{column} is longer than {limit} characters. Shorten it."},
	{"template_example_row", Error, "Đây là dòng ví dụ của mẫu Excel (thôn \"{value}\"), không phải số liệu khảo sát nên không được lưu. Hãy ghi đè bằng một thôn thật, hoặc xóa dòng này.",
		"This is the Excel template's example row (village \"{value}\"), not survey data, so it is not stored. Overwrite it with a real village, or delete the row."},
	{"formula_as_text", Warning, "Ô {column} trông giống công thức Excel; hệ thống lưu nguyên văn, không tính công thức.",
		"{column} looks like a spreadsheet formula; it is stored as plain text and never evaluated."},
	{"row_extra_cells", Warning, "Dòng có dữ liệu ở cột không có tiêu đề ({value}); dữ liệu này bị bỏ qua.",
		"The row has data in a column without a header ({value}); it is ignored."},
	{"code_padded", Warning, "Mã \"{value}\" bị Excel bỏ số 0 ở đầu, đã hiểu là {fixed}. Hãy định dạng cột {column} là Văn bản (Text) để giữ số 0.",
		"The code \"{value}\" lost its leading zeros in Excel and was read as {fixed}. Format the {column} column as Text to keep them."},
	{"province_unknown", Error, "Mã tỉnh \"{value}\" không có trong danh mục (34 tỉnh, thành phố từ 2025, hoặc 63 tỉnh cũ). Hãy dùng mã 2 chữ số, ví dụ 12 (Lai Châu).",
		"The province code \"{value}\" is not in the list (34 provinces from 2025, or the 63 before). Use the 2-digit code, e.g. 12 (Lai Châu)."},
	{"province_code_translated", Warning, "Mã tỉnh cũ {value} đã được chuyển sang mã mới {fixed} ({province}). Hãy dùng mã tỉnh năm 2025 cho lần sau.",
		"The pre-2025 province code {value} was translated to {fixed} ({province}). Use the 2025 code next time."},
	{"province_not_submitter", Error, "Dòng thuộc tỉnh {value}, không phải tỉnh đang nộp ({province}). Mỗi tỉnh chỉ nộp điểm của tỉnh mình; hãy sửa mã tỉnh hoặc bỏ dòng này.",
		"The row belongs to province {value}, not to the submitting province {province}. A province submits only its own points: fix the code or remove the row."},
	{"commune_unknown", Error, "Mã xã \"{value}\" không có trong danh mục xã năm 2025 hay trước 2025. Hãy chọn mã xã từ danh sách trong mẫu Excel.",
		"The commune code \"{value}\" is in neither the 2025 list nor the list before. Pick the code from the list in the Excel template."},
	{"commune_code_translated", Warning, "Mã xã cũ {value} đã được chuyển sang mã xã mới {fixed} ({name}). Hãy dùng mã xã năm 2025 cho lần sau.",
		"The pre-2025 commune code {value} was translated to {fixed} ({name}). Use the 2025 code next time."},
	{"commune_split", Error, "Xã cũ {value} đã được chia cho nhiều xã mới: {allowed}. Hãy ghi mã xã mới mà thôn này thuộc về.",
		"The pre-2025 commune {value} was split between several new communes: {allowed}. Enter the new commune the village belongs to."},
	{"commune_other_province", Error, "Xã {value} ({name}) thuộc tỉnh {province}, không thuộc tỉnh đã ghi ở cột province_code. Hãy sửa mã xã hoặc mã tỉnh.",
		"Commune {value} ({name}) is in {province}, not in the province given in province_code. Fix the commune or the province code."},
	{"coordinates_required", Error, "Dòng chưa có tọa độ. Hãy điền Vĩ độ và Kinh độ (độ thập phân, đọc từ điện thoại), hoặc Tọa độ X, Y và Hệ tọa độ VN-2000.",
		"The row has no coordinates. Fill in lat and lon (decimal degrees, as a phone shows them), or x, y and crs (VN-2000)."},
	{"number_invalid", Error, "{column} \"{value}\" không phải là số. Hãy chỉ ghi số, dùng dấu chấm thập phân (dấu phẩy được chấp nhận trong tệp phân cách bằng dấu chấm phẩy).",
		"{column} \"{value}\" is not a number. Write digits only, with a decimal point (a decimal comma is accepted in semicolon-separated files)."},
	{"outside_province", Error, "Điểm nằm ở {province}, không nằm trong tỉnh đã khai ({fixed}). Hãy kiểm tra lại tọa độ (có thể nhầm dấu, nhầm chữ số) hoặc mã tỉnh.",
		"The point lies in {province}, not in the declared province ({fixed}). Check the coordinates (a sign or a digit may be wrong) or the province code."},
	{"outside_commune", Warning, "Điểm cách ranh giới xã {name} khoảng {distance} m, nằm ngoài xã đã khai. Hãy kiểm tra tọa độ hoặc mã xã.",
		"The point is about {distance} m outside the declared commune {name}. Check the coordinates or the commune code."},
	{"households_invalid", Error, "Số hộ \"{value}\" phải là số nguyên từ 1 trở lên (số hộ cần phủ sóng, không ghi chữ, không có phần thập phân).",
		"households \"{value}\" must be a whole number of at least 1 (households needing coverage, digits only, no decimals)."},
	{"households_large", Warning, "Số hộ {value} lớn bất thường cho một thôn. Hãy kiểm tra lại, hoặc tách thành nhiều điểm nếu là nhiều cụm dân cư.",
		"{value} households is unusually many for one village. Check it, or split it into several points if it covers several clusters."},
	{"population_invalid", Error, "Dân số \"{value}\" phải là số nguyên từ 1 trở lên, hoặc để trống.",
		"population \"{value}\" must be a whole number of at least 1, or empty."},
	{"population_below_households", Error, "Dân số {value} nhỏ hơn số hộ {fixed}: mỗi hộ có ít nhất một người. Hãy kiểm tra hai cột có bị đổi chỗ không.",
		"population {value} is smaller than households {fixed}: every household has at least one person. Check whether the two columns are swapped."},
	{"value_not_allowed", Error, "Giá trị \"{value}\" không hợp lệ ở cột {column}. Chỉ được dùng: {allowed}.",
		"\"{value}\" is not allowed in {column}. Allowed values: {allowed}."},
	{"rsrp_out_of_range", Error, "RSRP {value} dBm nằm ngoài khoảng −140 … −44 dBm. RSRP là số âm, ví dụ −110.{hint}",
		"RSRP {value} dBm is outside −140 … −44 dBm. RSRP is negative, e.g. −110.{hint}"},
	{"signal_required", Error, "Chưa ghi sóng của nhà mạng nào. Hãy ghi ít nhất một cột sóng (Viettel, VinaPhone, MobiFone, Vietnamobile): không có sóng, 2G, 3G, 4G hoặc 5G.",
		"No operator's signal is recorded. Fill in at least one signal column (Viettel, VinaPhone, MobiFone, Vietnamobile): none, 2g, 3g, 4g or 5g."},
	{"has_4g", Error, "{value} có sóng 4G/5G tại điểm này nên đây không phải vùng lõm sóng. Hãy bỏ dòng này, hoặc ghi Phân loại = lõm sóng nếu sóng 4G không dùng được.",
		"{value} gives 4G/5G at this point, so it is not a dead zone. Remove the row, or set category = lom_song if that 4G is not usable."},
	{"has_4g_lom_song", Warning, "{value} có sóng 4G/5G nhưng dòng được ghi là lõm sóng; điểm vẫn được nhận theo phân loại đã ghi.",
		"{value} gives 4G/5G but the row says lom_song; the point is accepted with that category."},
	{"category_contradicts_signal", Warning, "Phân loại trắng sóng nhưng {value} có sóng; điểm được nhận theo phân loại đã ghi. Hãy kiểm tra lại.",
		"The category says trang_song but {value} gives some signal; the point is accepted with that category. Check it."},
	{"date_invalid", Error, "Ngày \"{value}\" không hợp lệ. Hãy ghi theo dạng YYYY-MM-DD hoặc DD/MM/YYYY, ví dụ 15/01/2026.",
		"The date \"{value}\" is not valid. Write it as YYYY-MM-DD or DD/MM/YYYY, e.g. 15/01/2026."},
	{"date_future", Error, "Ngày khảo sát {value} ở tương lai (hôm nay là {fixed}). Hãy kiểm tra ngày, tháng, năm (có thể nhầm thứ tự ngày/tháng).",
		"The survey date {value} is in the future (today is {fixed}). Check day, month and year (day and month may be swapped)."},
	{"date_too_old", Error, "Ngày khảo sát {value} trước năm 2000, không hợp lý. Hãy kiểm tra năm.",
		"The survey date {value} is before 2000, which cannot be right. Check the year."},
	{"ref_id_duplicate", Error, "Mã điểm \"{value}\" đã dùng ở dòng {other}. Mỗi điểm cần một mã riêng; hãy sửa một trong hai dòng.",
		"ref_id \"{value}\" is already used on row {other}. Each point needs its own id: fix one of the rows."},
	{"duplicate_point", Error, "Thôn \"{value}\" đã có ở dòng {other}, cách {distance} m: có thể là một điểm nhập hai lần. Hãy xóa một dòng, hoặc đặt tên cụm khác nhau (ví dụ \"… - cụm 2\").",
		"The village \"{value}\" is already on row {other}, {distance} m away: probably the same point twice. Remove one row, or name the clusters apart (e.g. \"… - cụm 2\")."},
	{"geometry_not_point", Error, "Feature thứ {row} có hình học {value}, không phải Point. Mỗi điểm khảo sát là một Point.",
		"Feature {row} has a {value} geometry, not a Point. Each survey point is one Point."},
	{"geometry_invalid", Error, "Feature thứ {row} có hình học không đọc được (không có \"type\" hoặc không phải đối tượng GeoJSON). Mỗi điểm khảo sát là một Point: \"type\": \"Point\", \"coordinates\": [kinh độ, vĩ độ]. Hãy xuất lại lớp điểm thành GeoJSON.",
		"Feature {row} has a geometry that cannot be read (no \"type\", or not a GeoJSON object). Each survey point is one Point: \"type\": \"Point\", \"coordinates\": [longitude, latitude]. Export the point layer to GeoJSON again."},
	{"point_coordinates_invalid", Error, "Feature thứ {row} là Point nhưng tọa độ không hợp lệ: cần [kinh độ, vĩ độ] là hai số thập phân (độ cao là số thứ ba, tùy chọn), ví dụ [103.5834, 22.2581]. Hãy sửa tọa độ của điểm này.",
		"Feature {row} is a Point but its coordinates are invalid: they must be [longitude, latitude] as two decimal numbers (an optional third is the altitude), e.g. [103.5834, 22.2581]. Fix this point's coordinates."},
}

var codeIndex = func() map[string]*Code {
	m := make(map[string]*Code, len(Codes))
	for i := range Codes {
		m[Codes[i].Code] = &Codes[i]
	}
	return m
}()

// render fills the {name} parameters of a template from name, value pairs.
// A value may differ by language: "vi text\x00en text".
func render(tmpl string, lang int, a []string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	pairs := make([]string, 0, len(a))
	for i := 0; i+1 < len(a); i += 2 {
		val := a[i+1]
		if vi, en, ok := strings.Cut(val, "\x00"); ok {
			val = vi
			if lang == 1 {
				val = en
			}
		}
		pairs = append(pairs, "{"+a[i]+"}", val)
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

// problem builds the phusong.Problem of a catalogued code. Column, value and
// row are also offered to the templates as {column}, {value} and {row}; a
// gives further name, value pairs.
//
// A value that is a description rather than text from the file may differ by
// language ("vi\x00en"); Problem.Value then holds the English one.
func problem(code string, row int, column, value string, a ...string) phusong.Problem {
	// Split before clipping: clip removes NUL, the separator.
	shown := clip(value)
	if vi, en, ok := strings.Cut(value, "\x00"); ok {
		shown = clip(en)
		value = clip(vi) + "\x00" + shown
	} else {
		value = shown
	}
	c, ok := codeIndex[code]
	if !ok {
		// A programming error; say so rather than panic in front of a user.
		return phusong.Problem{Row: row, Column: column, Code: code, Value: shown,
			VI: "Lỗi không xác định: " + code, EN: "Unknown problem: " + code}
	}
	all := append([]string{"column", column, "value", value, "row", itoa(row)}, a...)
	return phusong.Problem{Row: row, Column: column, Code: code, Value: shown,
		VI: render(c.VI, 0, all), EN: render(c.EN, 1, all)}
}

// fatal returns the *phusong.InputError for a file that cannot be read.
func fatal(code string, row int, value string, a ...string) *phusong.InputError {
	p := problem(code, row, "", value, a...)
	return &phusong.InputError{Code: code, Message: phusong.Message{VI: p.VI, EN: p.EN}, Problems: []phusong.Problem{p}}
}

func itoa(n int) string { return strconv.Itoa(n) }

// clip shortens a value quoted in a message, and makes it valid UTF-8
// without NUL characters: problems are stored in PostgreSQL, which refuses
// both.
func clip(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	if len(s) <= 120 {
		return s
	}
	cut := 117
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
