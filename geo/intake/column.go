package intake

import (
	"regexp"
	"slices"
	"strings"

	"github.com/phusong/phusong/geo/survey"
)

// Column describes one column of the survey-file specification. The table
// Columns is the single source of the reader's header matching, the row
// validator, the Excel template and the published specification
// (docs/survey-format.md, guide.html).
type Column struct {
	Name     string   // canonical English name, as in the published specification
	Required string   // "yes", "no", or the condition under which it is required
	VI       string   // Vietnamese header written in the template's second header row
	Aliases  []string // other accepted headers (Vietnamese first); VI is accepted too
	Kind     Kind
	Values   []Value // enumerated values, for KindEnum and KindList
	Min, Max float64 // range of KindInt and KindNumber columns, when Max > Min
	MaxLen   int     // maximum length in characters of text columns
	Example  string  // value in the template's example row ("" = taken from the reference data)
	Width    float64 // column width in the template
	DocEN    string  // what goes in the column, in English
	DocVI    string  // the same in Vietnamese
}

// Kind is how a column's cells are read.
type Kind int

// Kinds of columns.
const (
	KindText   Kind = iota // free text, stored NFC
	KindCode               // an administrative code: digits, leading zeros kept
	KindCoord              // degrees: decimal or degrees-minutes-seconds
	KindNumber             // a decimal number
	KindInt                // a whole number
	KindEnum               // one of Values
	KindList               // several of Values, separated by ";"
	KindDate               // YYYY-MM-DD or DD/MM/YYYY
)

// Value is one allowed value of an enumerated column.
type Value struct {
	Code    string   // canonical value, stored
	VI      string   // Vietnamese word, offered in the template's dropdown list
	Aliases []string // other accepted spellings
}

// Column indexes into Columns; the validator addresses cells by them.
const (
	colProvince = iota
	colCommune
	colVillage
	colRefID
	colLat
	colLon
	colX
	colY
	colCRS
	colHouseholds
	colPopulation
	colGridPower
	colRoad
	colTerrain
	colDBKK
	colSignalViettel
	colSignalVinaPhone
	colSignalMobiFone
	colSignalVietnamobile
	colRSRPViettel
	colRSRPVinaPhone
	colRSRPMobiFone
	colRSRPVietnamobile
	colFacilities
	colSurveyedOn
	colSurveyedBy
	colNotes
	colCategory
	numColumns
)

var (
	// yes and no are the spellings of a yes/no answer; a column adds the
	// words of its own question (grid power's "có điện", dbkk's "ĐBKK"),
	// never another column's: "có điện" in the dbkk column is a mistake to
	// report, not a yes.
	yes = Value{"yes", "có", []string{"co", "c", "y", "x", "true", "1", "đúng"}}
	no  = Value{"no", "không", []string{"k", "n", "false", "0", "sai"}}

	gridPower = []Value{
		withAliases(yes, "có điện"),
		withAliases(no, "không có", "chưa có", "chưa có điện", "không có điện"),
		{"partial", "một phần", []string{"một số hộ", "chưa đầy đủ", "chưa đủ", "part"}},
	}
	dbkk = []Value{
		withAliases(yes, "ĐBKK", "thôn ĐBKK", "thuộc ĐBKK", "đặc biệt khó khăn"),
		withAliases(no, "không ĐBKK", "không thuộc ĐBKK"),
	}
	signals = []Value{
		{"none", "không có sóng", []string{"không", "không sóng", "mất sóng", "chưa có sóng", "no", "0", "0g", "-"}},
		{"2g", "2G", []string{"gsm", "2g edge", "edge"}},
		{"3g", "3G", []string{"umts", "wcdma", "hspa", "h", "h+"}},
		{"4g", "4G", []string{"lte", "4g lte", "4g+", "lte a"}},
		{"5g", "5G", []string{"nr", "5g nr"}},
	}
)

// withAliases returns v with more accepted spellings, leaving v's own
// list untouched.
func withAliases(v Value, aliases ...string) Value {
	v.Aliases = append(slices.Clip(v.Aliases), aliases...)
	return v
}

func signalColumn(name, vi, operator string) Column {
	return Column{Name: name, Required: "at least one signal_* column", VI: vi,
		Aliases: []string{operator, "Sóng " + operator + " (2G/3G/4G)", "Tín hiệu " + operator},
		Kind:    KindEnum, Values: signals, Example: "none", Width: 14,
		DocEN: "best signal of " + operator + " at the point: none, 2g, 3g, 4g or 5g; empty = not surveyed",
		DocVI: "sóng tốt nhất của " + operator + " tại điểm: không có sóng, 2G, 3G, 4G hoặc 5G; để trống = chưa khảo sát"}
}

func rsrpColumn(name, vi, operator string) Column {
	return Column{Name: name, Required: "no", VI: vi,
		Aliases: []string{"RSRP " + operator + " (dBm)", "Cường độ sóng " + operator},
		Kind:    KindNumber, Min: -140, Max: -44, Example: "", Width: 12,
		DocEN: "measured RSRP of " + operator + " in dBm, −140 … −44",
		DocVI: "cường độ tín hiệu RSRP đo được của " + operator + ", đơn vị dBm, từ −140 đến −44"}
}

// Columns lists the columns of a survey file, in the template's order.
var Columns = [numColumns]Column{
	colProvince: {Name: "province_code", Required: "yes", VI: "Mã tỉnh",
		Aliases: []string{"Mã tỉnh/thành phố", "Mã tỉnh/TP", "Mã TP", "province"}, Kind: KindCode, Width: 10,
		DocEN: "2-digit 2025 province code (\"12\"); a pre-2025 code is translated, with a warning",
		DocVI: "mã tỉnh 2 chữ số theo danh mục 2025 (\"12\"); mã trước 2025 được chuyển đổi, kèm cảnh báo"},
	colCommune: {Name: "commune_code", Required: "yes", VI: "Mã xã",
		Aliases: []string{"Mã xã/phường", "Mã phường", "Mã xã/phường/đặc khu", "Mã đơn vị hành chính cấp xã", "commune", "ward_code"},
		Kind:    KindCode, Width: 26,
		DocEN: "5-digit 2025 commune code (\"03466\"); \"03466 - Xã …\" as the template's list writes it is accepted; a pre-2025 code is translated when the old commune went whole into one new commune",
		DocVI: "mã xã 5 chữ số theo danh mục 2025 (\"03466\"); chấp nhận dạng \"03466 - Xã …\" như danh sách trong mẫu; mã trước 2025 được chuyển đổi nếu xã cũ nhập trọn vào một xã mới"},
	colVillage: {Name: "village_name", Required: "yes", VI: "Tên thôn",
		Aliases: []string{"Thôn", "Tên thôn/bản", "Tên thôn, bản", "Thôn/bản/ấp", "Tên thôn/bản/ấp", "Tên điểm", "village"},
		Kind:    KindText, MaxLen: 200, Example: "Thôn Nậm Cười", Width: 24,
		DocEN: "name of the village (thôn, bản, ấp) or cluster of houses; stored NFC",
		DocVI: "tên thôn, bản, ấp hoặc cụm dân cư"},
	colRefID: {Name: "ref_id", Required: "no", VI: "Mã điểm",
		Aliases: []string{"Mã điểm khảo sát", "Số hiệu điểm", "id"}, Kind: KindText, MaxLen: 64, Example: "LC-0001", Width: 12,
		DocEN: "the province's own id for the point, ≤ 64 characters, unique within the province; resubmitting it updates the point",
		DocVI: "mã riêng của tỉnh cho điểm, tối đa 64 ký tự, không trùng trong tỉnh; gửi lại cùng mã sẽ cập nhật điểm"},
	colLat: {Name: "lat", Required: "yes, unless x, y", VI: "Vĩ độ",
		Aliases: []string{"latitude", "Vĩ độ (N)", "Vĩ độ Bắc"}, Kind: KindCoord, Width: 13,
		DocEN: "latitude in decimal degrees (22.38483) or degrees-minutes-seconds (22°23'05.4\"N, 22 23 5.4 N), WGS 84",
		DocVI: "vĩ độ, dạng độ thập phân (22.38483) hoặc độ-phút-giây (22°23'05.4\"N, 22 23 5.4 N), hệ WGS 84"},
	colLon: {Name: "lon", Required: "yes, unless x, y", VI: "Kinh độ",
		Aliases: []string{"longitude", "lng", "long", "Kinh độ (E)", "Kinh độ Đông"}, Kind: KindCoord, Width: 13,
		DocEN: "longitude in decimal degrees (102.78611) or degrees-minutes-seconds (102°47'10\"E), WGS 84",
		DocVI: "kinh độ, dạng độ thập phân (102.78611) hoặc độ-phút-giây (102°47'10\"E), hệ WGS 84"},
	colX: {Name: "x", Required: "instead of lat, lon", VI: "Tọa độ X",
		Aliases: []string{"X (m)", "easting", "Tọa độ X (Đông)"}, Kind: KindNumber, Width: 12,
		DocEN: "VN-2000 easting in metres (or longitude with crs VN2000)",
		DocVI: "tọa độ VN-2000 hướng Đông (easting), đơn vị mét (hoặc kinh độ nếu hệ tọa độ là VN2000)"},
	colY: {Name: "y", Required: "instead of lat, lon", VI: "Tọa độ Y",
		Aliases: []string{"Y (m)", "northing", "Tọa độ Y (Bắc)"}, Kind: KindNumber, Width: 12,
		DocEN: "VN-2000 northing in metres (or latitude with crs VN2000)",
		DocVI: "tọa độ VN-2000 hướng Bắc (northing), đơn vị mét (hoặc vĩ độ nếu hệ tọa độ là VN2000)"},
	colCRS: {Name: "crs", Required: "with x, y", VI: "Hệ tọa độ",
		Aliases: []string{"Hệ quy chiếu", "Hệ tọa độ VN-2000", "srs", "epsg"}, Kind: KindText, MaxLen: 40, Width: 16,
		DocEN: "VN2000-TM3 (the province's 3° zone), VN2000-TM3:104.75, VN2000-UTM48, VN2000-UTM49, VN2000 (geographic: x = lon, y = lat) or EPSG:nnnn",
		DocVI: "VN2000-TM3 (múi 3° của tỉnh), VN2000-TM3:104.75, VN2000-UTM48, VN2000-UTM49, VN2000 (tọa độ địa lý: x = kinh độ, y = vĩ độ) hoặc EPSG:nnnn"},
	colHouseholds: {Name: "households", Required: "yes", VI: "Số hộ",
		Aliases: []string{"Số hộ dân", "Số hộ chưa có sóng", "Số hộ cần phủ sóng", "Số hộ gia đình"}, Kind: KindInt, Min: 1, Max: 1e6,
		Example: "42", Width: 9,
		DocEN: "whole number ≥ 1: households needing coverage",
		DocVI: "số nguyên ≥ 1: số hộ cần được phủ sóng"},
	colPopulation: {Name: "population", Required: "no", VI: "Dân số",
		Aliases: []string{"Số dân", "Số nhân khẩu", "Số khẩu"}, Kind: KindInt, Min: 1, Max: 1e7, Example: "175", Width: 9,
		DocEN: "whole number ≥ households: people living there",
		DocVI: "số nguyên, không nhỏ hơn số hộ: số người sinh sống"},
	colGridPower: {Name: "grid_power", Required: "yes", VI: "Điện lưới",
		Aliases: []string{"Có điện lưới", "Điện lưới quốc gia", "Điện"}, Kind: KindEnum, Width: 12,
		Values:  gridPower,
		Example: "partial",
		DocEN:   "yes / no / partial: the village has grid electricity",
		DocVI:   "có / không / một phần: thôn có điện lưới quốc gia"},
	colRoad: {Name: "road_access", Required: "no", VI: "Đường giao thông",
		Aliases: []string{"Giao thông", "Đường", "Đường vào thôn"}, Kind: KindEnum, Width: 16,
		Values: []Value{
			{"all_year", "quanh năm", []string{"đi lại quanh năm", "cả năm", "tốt", "yes"}},
			{"seasonal", "theo mùa", []string{"mùa khô", "chỉ mùa khô", "khó khăn mùa mưa"}},
			{"none", "không có đường", []string{"không", "chưa có đường", "không có", "no"}},
		},
		Example: "seasonal",
		DocEN:   "all_year / seasonal / none: vehicle access to the village",
		DocVI:   "quanh năm / theo mùa / không có đường: đường cho xe vào thôn"},
	colTerrain: {Name: "terrain", Required: "no", VI: "Địa hình",
		Kind: KindEnum, Width: 12,
		Values: []Value{
			{"flat", "bằng phẳng", []string{"bằng", "đồng bằng"}},
			{"hilly", "đồi", []string{"đồi núi thấp", "trung du", "gò đồi"}},
			{"mountainous", "núi", []string{"núi cao", "miền núi", "đồi núi cao", "vùng cao"}},
		},
		Example: "mountainous",
		DocEN:   "flat / hilly / mountainous",
		DocVI:   "bằng phẳng / đồi / núi"},
	colDBKK: {Name: "dbkk", Required: "no", VI: "Thôn ĐBKK",
		Aliases: []string{"ĐBKK", "Đặc biệt khó khăn", "Thôn đặc biệt khó khăn"}, Kind: KindEnum, Values: dbkk, Width: 10,
		Example: "yes",
		DocEN:   "yes / no: the village is on the \"đặc biệt khó khăn\" list (decides public funding)",
		DocVI:   "có / không: thôn thuộc danh sách thôn đặc biệt khó khăn (quyết định nguồn vốn nhà nước)"},
	colSignalViettel:      signalColumn("signal_viettel", "Sóng Viettel", "Viettel"),
	colSignalVinaPhone:    signalColumn("signal_vinaphone", "Sóng VinaPhone", "VinaPhone"),
	colSignalMobiFone:     signalColumn("signal_mobifone", "Sóng MobiFone", "MobiFone"),
	colSignalVietnamobile: signalColumn("signal_vietnamobile", "Sóng Vietnamobile", "Vietnamobile"),
	colRSRPViettel:        rsrpColumn("rsrp_viettel", "RSRP Viettel", "Viettel"),
	colRSRPVinaPhone:      rsrpColumn("rsrp_vinaphone", "RSRP VinaPhone", "VinaPhone"),
	colRSRPMobiFone:       rsrpColumn("rsrp_mobifone", "RSRP MobiFone", "MobiFone"),
	colRSRPVietnamobile:   rsrpColumn("rsrp_vietnamobile", "RSRP Vietnamobile", "Vietnamobile"),
	colFacilities: {Name: "facilities", Required: "no", VI: "Cơ sở thiết yếu",
		Aliases: []string{"Cơ sở trong thôn", "Công trình công cộng", "Cơ sở"}, Kind: KindList, Width: 22,
		Values: []Value{
			{"school", "trường học", []string{"trường", "điểm trường", "trường mầm non", "trường tiểu học"}},
			{"health", "trạm y tế", []string{"y tế", "trạm xá"}},
			{"commune_office", "trụ sở xã", []string{"UBND xã", "ủy ban xã", "ủy ban nhân dân xã", "trụ sở UBND"}},
			{"border_post", "đồn biên phòng", []string{"biên phòng", "đồn BP"}},
			{"market", "chợ", nil},
		},
		Example: "school;health",
		DocEN:   "\";\"-separated: school, health, commune_office, border_post, market",
		DocVI:   "cách nhau bởi \";\": trường học, trạm y tế, trụ sở xã, đồn biên phòng, chợ"},
	colSurveyedOn: {Name: "surveyed_on", Required: "yes", VI: "Ngày khảo sát",
		Aliases: []string{"Ngày", "Thời gian khảo sát", "date"}, Kind: KindDate, Width: 13,
		DocEN: "YYYY-MM-DD or DD/MM/YYYY (an Excel date cell is fine), not in the future",
		DocVI: "YYYY-MM-DD hoặc DD/MM/YYYY (ô kiểu ngày của Excel cũng được), không sau ngày hôm nay"},
	colSurveyedBy: {Name: "surveyed_by", Required: "no", VI: "Người khảo sát",
		Aliases: []string{"Cán bộ khảo sát", "Người thực hiện"}, Kind: KindText, MaxLen: 200, Example: "Nguyễn Văn An", Width: 18,
		DocEN: "who surveyed the point",
		DocVI: "người thực hiện khảo sát"},
	colNotes: {Name: "notes", Required: "no", VI: "Ghi chú",
		Aliases: []string{"note", "remarks", "Ghi chú khác"}, Kind: KindText, MaxLen: 2000,
		Example: "Sóng chập chờn ở đầu thôn", Width: 30,
		DocEN: "free text",
		DocVI: "ghi chú tự do"},
	colCategory: {Name: "category", Required: "no", VI: "Phân loại",
		Aliases: []string{"Loại", "Loại điểm", "Phân loại lõm sóng"}, Kind: KindEnum, Width: 14,
		Values: []Value{
			{"trang_song", "trắng sóng", []string{"vùng trắng sóng", "trắng"}},
			{"lom_song", "lõm sóng", []string{"vùng lõm sóng", "lõm"}},
		},
		DocEN: "trang_song (no operator gives any signal) or lom_song (some signal, no 4G); empty = derived from the signal columns",
		DocVI: "trắng sóng (không nhà mạng nào có sóng) hoặc lõm sóng (có sóng nhưng không có 4G); để trống = tự suy ra từ các cột sóng"},
}

// signalCols and rsrpCols are indexed by survey.Operator.
var (
	signalCols = [...]int{colSignalViettel, colSignalVinaPhone, colSignalMobiFone, colSignalVietnamobile}
	rsrpCols   = [...]int{colRSRPViettel, colRSRPVinaPhone, colRSRPMobiFone, colRSRPVietnamobile}
)

// headerIndex maps the match key of every canonical name and alias to its column.
var headerIndex = func() map[string]int {
	m := make(map[string]int)
	for i, c := range Columns {
		for _, h := range append([]string{c.Name, c.VI}, c.Aliases...) {
			m[survey.Fold(h)] = i
		}
	}
	return m
}()

// valueIndex maps, per enumerated column, the match key of each accepted
// spelling to the canonical value.
var valueIndex = func() [numColumns]map[string]string {
	var idx [numColumns]map[string]string
	for i, c := range Columns {
		if len(c.Values) == 0 {
			continue
		}
		m := make(map[string]string)
		for _, v := range c.Values {
			for _, s := range append([]string{v.Code, v.VI}, v.Aliases...) {
				m[survey.Fold(s)] = v.Code
			}
		}
		idx[i] = m
	}
	return idx
}()

// decoration is what headers often carry around the name: "(*)" for required
// columns, a unit in brackets, a trailing colon.
var decoration = regexp.MustCompile(`\([^)]*\)|\[[^]]*\]|\*`)

// columnOf returns the column a header cell names, or -1. Case, diacritics,
// Unicode normalisation, spacing and "_" do not matter, and a bracketed note
// ("Số hộ (*)", "RSRP Viettel (dBm)") is ignored when the whole header is not
// recognised.
func columnOf(header string) int {
	var buf [96]byte
	if c, ok := headerIndex[string(survey.AppendFold(buf[:0], header))]; ok {
		return c
	}
	if strings.ContainsAny(header, "([*") {
		if c, ok := headerIndex[string(survey.AppendFold(buf[:0], decoration.ReplaceAllString(header, " ")))]; ok {
			return c
		}
	}
	return -1
}

// ColumnByName returns the column with the given canonical name.
func ColumnByName(name string) (Column, bool) {
	for _, c := range Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// allowed lists a column's values for a message: "yes (có), no (không)".
func (c *Column) allowed() string {
	parts := make([]string, len(c.Values))
	for i, v := range c.Values {
		parts[i] = v.Code + " (" + v.VI + ")"
	}
	return strings.Join(parts, ", ")
}
