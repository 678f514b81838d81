package coord

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/phusong/phusong"
)

// text is the Vietnamese and English template of one problem code. The
// templates are fmt formats over the same arguments, which they may use in
// any order with explicit indexes (%[2]s).
type text struct {
	vi, en string
	args   int // how many arguments the templates take
}

// bi is a problem argument that reads differently in each language.
type bi struct{ vi, en string }

// texts holds every problem code this package returns. Codes are stable:
// callers and the API match on them; change the wording, never the code.
var texts = map[string]text{
	"degrees_empty": {
		vi:   "Chưa nhập %[1]s. Hãy nhập số độ thập phân (ví dụ %[2]s) hoặc độ-phút-giây (ví dụ %[3]s).",
		en:   "The %[1]s is empty. Enter decimal degrees (for example %[2]s) or degrees-minutes-seconds (for example %[3]s).",
		args: 3,
	},
	"not_a_number": {
		vi:   "Giá trị %[1]s không phải là số. %[2]s",
		en:   "The %[1]s is not a number. %[2]s",
		args: 2,
	},
	"decimal_comma": {
		vi:   "Giá trị %[1]s “%[2]s” dùng dấu phẩy làm dấu thập phân. Hãy viết với dấu chấm: %[3]s.",
		en:   "The %[1]s “%[2]s” uses a decimal comma. Write it with a decimal point: %[3]s.",
		args: 3,
	},
	"dms_invalid": {
		vi: "Không đọc được %[1]s theo dạng độ-phút-giây. Hãy viết độ, phút, giây theo đúng thứ tự, chỉ số cuối cùng " +
			"được có phần thập phân, ví dụ %[2]s, hoặc nhập số độ thập phân như %[3]s.",
		en: "The %[1]s cannot be read as degrees-minutes-seconds. Write degrees, minutes and seconds in that order, " +
			"with decimals only on the last number, for example %[2]s, or enter decimal degrees such as %[3]s.",
		args: 3,
	},
	"hemisphere_mismatch": {
		vi: "Chữ chỉ hướng “%[2]s” không dùng cho %[1]s: vĩ độ ghi N (Bắc) hoặc S (Nam), kinh độ ghi E (Đông) " +
			"hoặc W (Tây). Có thể cột vĩ độ và cột kinh độ đã bị đổi chỗ cho nhau.",
		en: "The direction letter “%[2]s” does not belong to a %[1]s: latitudes take N or S, longitudes take E or W. " +
			"The latitude and longitude columns may be swapped.",
		args: 2,
	},
	"sign_and_hemisphere": {
		vi:   "Giá trị %[1]s có cả dấu âm lẫn chữ chỉ hướng. Chỉ dùng một trong hai cách: viết 22.5 N, không viết -22.5 N.",
		en:   "The %[1]s has both a minus sign and a direction letter. Use one or the other: write 22.5 N, not -22.5 N.",
		args: 1,
	},
	"minutes_out_of_range": {
		vi:   "Số phút (%[2]s) của %[1]s phải nhỏ hơn 60. Hãy kiểm tra lại giá trị.",
		en:   "The minutes (%[2]s) of the %[1]s must be less than 60. Check the value.",
		args: 2,
	},
	"seconds_out_of_range": {
		vi:   "Số giây (%[2]s) của %[1]s phải nhỏ hơn 60. Hãy kiểm tra lại giá trị.",
		en:   "The seconds (%[2]s) of the %[1]s must be less than 60. Check the value.",
		args: 2,
	},
	"lat_out_of_range": {
		vi:   "Vĩ độ %[1]s không hợp lệ: vĩ độ phải nằm trong khoảng -90 đến 90, ở Việt Nam là từ 6 đến 24 (ví dụ 21.0285).",
		en:   "Latitude %[1]s is invalid: latitudes lie between -90 and 90, and in Vietnam between 6 and 24 (for example 21.0285).",
		args: 1,
	},
	"lon_out_of_range": {
		vi: "Kinh độ %[1]s không hợp lệ: kinh độ phải nằm trong khoảng -180 đến 180, ở Việt Nam là từ 101.5 đến 118 " +
			"(ví dụ 105.8542).",
		en: "Longitude %[1]s is invalid: longitudes lie between -180 and 180, and in Vietnam between 101.5 and 118 " +
			"(for example 105.8542).",
		args: 1,
	},
	"outside_vietnam": {
		vi:   "Điểm có vĩ độ %[1]s, kinh độ %[2]s nằm ngoài Việt Nam (vĩ độ 6 đến 24, kinh độ 101.5 đến 118). %[3]s",
		en:   "The point at latitude %[1]s, longitude %[2]s is outside Vietnam (latitude 6 to 24, longitude 101.5 to 118). %[3]s",
		args: 3,
	},
	"lat_lon_swapped": {
		vi: "Vĩ độ và kinh độ có vẻ đã bị đổi chỗ: vĩ độ %[1]s, kinh độ %[2]s không nằm ở Việt Nam. " +
			"Có phải vĩ độ = %[2]s, kinh độ = %[1]s? Hãy sửa lại trong tệp; hệ thống không tự đổi chỗ.",
		en: "Latitude and longitude look swapped: lat=%[1]s, lon=%[2]s is not in Vietnam. " +
			"Did you mean lat=%[2]s, lon=%[1]s? Please correct the file; values are never swapped automatically.",
		args: 2,
	},
	"xy_swapped": {
		vi: "Cột x và cột y có vẻ đã bị đổi chỗ: %[3]s Có phải x = %[2]s, y = %[1]s? " +
			"Hãy sửa lại trong tệp; hệ thống không tự đổi chỗ.",
		en: "Columns x and y look swapped: %[3]s Did you mean x=%[2]s, y=%[1]s? " +
			"Please correct the file; values are never swapped automatically.",
		args: 3,
	},
	"sign_flipped": {
		vi: "Tọa độ %[1]s có số âm nên nằm ngoài Việt Nam (ở Việt Nam vĩ độ, kinh độ và tọa độ x, y đều là số dương). " +
			"Có phải %[2]s? Hãy sửa lại trong tệp.",
		en: "The coordinates %[1]s contain a negative number, which puts them outside Vietnam (latitude, longitude, " +
			"x and y are all positive there). Did you mean %[2]s? Please correct the file.",
		args: 2,
	},
	"metres_with_degree_crs": {
		vi: "Tọa độ %[1]s là số mét, nhưng hệ %[2]s tính bằng độ. Nếu đây là tọa độ phẳng VN-2000, hãy ghi vào " +
			"cột x (hướng Đông), y (hướng Bắc) và ghi cột crs là VN2000-TM3 hoặc VN2000-TM3 kèm kinh tuyến trục " +
			"(ví dụ VN2000-TM3:105.75).",
		en: "The coordinates %[1]s are metres, but %[2]s is in degrees. If they are VN-2000 grid coordinates, put them " +
			"in columns x (easting) and y (northing) and set crs to VN2000-TM3, or VN2000-TM3 with the central meridian " +
			"(for example VN2000-TM3:105.75).",
		args: 2,
	},
	"degrees_with_metre_crs": {
		vi: "Tọa độ %[1]s là số độ, nhưng hệ %[2]s tính bằng mét. Nếu đây là kinh độ, vĩ độ đo bằng GPS, hãy ghi " +
			"cột crs là EPSG:4326; nếu là kinh độ, vĩ độ theo VN-2000, hãy ghi VN2000.",
		en: "The coordinates %[1]s are degrees, but %[2]s is in metres. For GPS longitude and latitude set crs to " +
			"EPSG:4326; for VN-2000 longitude and latitude set it to VN2000.",
		args: 2,
	},
	"crs_missing": {
		vi:   "Chưa ghi hệ tọa độ (cột crs). Hãy ghi một trong các dạng: %[1]s.",
		en:   "The coordinate system (column crs) is empty. Use one of: %[1]s.",
		args: 1,
	},
	"crs_unknown": {
		vi:   "Không nhận ra hệ tọa độ “%[1]s”. Hãy ghi một trong các dạng: %[2]s.",
		en:   "Unknown coordinate system “%[1]s”. Use one of: %[2]s.",
		args: 2,
	},
	"crs_no_zone": {
		vi: "Cột crs ghi VN2000-TM3 nhưng không xác định được kinh tuyến trục, vì mã tỉnh “%[1]s” không thuộc danh mục " +
			"34 tỉnh, thành phố từ ngày 01/07/2025.%[2]s Hãy ghi rõ kinh tuyến trục, ví dụ VN2000-TM3:105.75 cho " +
			"kinh tuyến 105°45′.",
		en: "The crs column says VN2000-TM3, but the central meridian is unknown because province code “%[1]s” is not one of the " +
			"34 provinces in force since 1 July 2025.%[2]s Write the meridian explicitly, for example VN2000-TM3:105.75 " +
			"for 105°45′.",
		args: 2,
	},
	"crs_meridian_invalid": {
		vi: "Kinh tuyến trục “%[1]s” không hợp lệ: kinh tuyến trục múi 3° ở Việt Nam là bội số của 15′ (0.25°) " +
			"từ 101.5° đến 118°, ví dụ 104.75 hoặc 105°45′.%[2]s",
		en: "Central meridian “%[1]s” is invalid: Vietnam's 3° zones have central meridians that are multiples of 15′ " +
			"(0.25°) from 101.5° to 118°, for example 104.75 or 105°45′.%[2]s",
		args: 2,
	},
	"crs_deprecated": {
		vi: "Mã EPSG:%[1]s đã bị EPSG hủy vì đặt hằng số 500 000 m vào tọa độ hướng Bắc thay vì hướng Đông. " +
			"Hãy dùng EPSG:%[2]s (cùng kinh tuyến trục, tham số đúng).",
		en: "EPSG:%[1]s is deprecated by EPSG because its false easting and false northing are swapped. " +
			"Use EPSG:%[2]s (the same zone, correct parameters).",
		args: 2,
	},
}

// Codes returns every problem code this package can return, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(texts))
}

// newProblem formats the texts of code with args; a bi argument gives each
// language its own word. A string argument is the officer's input: it is
// shortened and made valid UTF-8, as a message must stay readable whatever
// the cell held.
func newProblem(code string, args ...any) phusong.Problem {
	t := texts[code]
	vi := make([]any, len(args))
	en := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case bi:
			vi[i], en[i] = a.vi, a.en
		case string:
			vi[i], en[i] = clip(a), clip(a)
		default:
			vi[i], en[i] = a, a
		}
	}
	return phusong.Problem{Code: code, VI: fmt.Sprintf(t.vi, vi...), EN: fmt.Sprintf(t.en, en...)}
}

// clip returns s as valid UTF-8, cut to 40 characters.
func clip(s string) string {
	const maxRunes = 40
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxRunes-1]) + "…"
}

// num formats a number the way an officer would type it back: a decimal
// point, no exponent, at most the given decimals and no trailing zeros.
func num(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if decimals > 0 {
		for s[len(s)-1] == '0' {
			s = s[:len(s)-1]
		}
		if s[len(s)-1] == '.' {
			s = s[:len(s)-1]
		}
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
