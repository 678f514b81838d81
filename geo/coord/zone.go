package coord

import (
	"slices"
	"strings"
)

// zone is the provincial TM-3 zone of one province: its central meridian
// (kinh tuyến trục) in degrees east.
type zone struct {
	code     string  // 2-digit province code
	name     string  // NFC, as in the source list
	meridian float64 // degrees east
	disputed float64 // the value another published table gives; 0 when none
}

// provinceZones are the central meridians of Thông tư 24/2025/TT-BNNMT for the
// 34 provinces of the 2025 reform, in force from 1 July 2025. Two values are
// disputed between sources (shared/data/vn2000/vn2000_central_meridians.csv,
// column alt_value_other_source): Quảng Trị 106°00′ (106°15′ in one table,
// the old Quảng Trị meridian) and Tây Ninh 105°45′ (105°30′, the old Tây
// Ninh meridian). We follow the main column, which in both cases is the
// meridian of the larger of the merged provinces (Quảng Bình, Long An).
// Coordinates written in the other zone land about 27 km east or west of
// the true place, so a check that points lie in their province catches them.
var provinceZones = []zone{
	{"01", "Thành phố Hà Nội", 105.0, 0},
	{"04", "Tỉnh Cao Bằng", 105.75, 0},
	{"08", "Tỉnh Tuyên Quang", 106.0, 0},
	{"11", "Tỉnh Điện Biên", 103.0, 0},
	{"12", "Tỉnh Lai Châu", 104.75, 0},
	{"14", "Tỉnh Sơn La", 104.0, 0},
	{"15", "Tỉnh Lào Cai", 104.75, 0},
	{"19", "Tỉnh Thái Nguyên", 106.5, 0},
	{"20", "Tỉnh Lạng Sơn", 107.25, 0},
	{"22", "Tỉnh Quảng Ninh", 107.75, 0},
	{"24", "Tỉnh Bắc Ninh", 107.0, 0},
	{"25", "Tỉnh Phú Thọ", 104.75, 0},
	{"31", "Thành phố Hải Phòng", 105.75, 0},
	{"33", "Tỉnh Hưng Yên", 105.5, 0},
	{"37", "Tỉnh Ninh Bình", 105.0, 0},
	{"38", "Tỉnh Thanh Hoá", 105.0, 0},
	{"40", "Tỉnh Nghệ An", 104.75, 0},
	{"42", "Tỉnh Hà Tĩnh", 105.5, 0},
	{"44", "Tỉnh Quảng Trị", 106.0, 106.25},
	{"46", "Thành phố Huế", 107.0, 0},
	{"48", "Thành phố Đà Nẵng", 107.75, 0},
	{"51", "Tỉnh Quảng Ngãi", 108.0, 0},
	{"52", "Tỉnh Gia Lai", 108.25, 0},
	{"56", "Tỉnh Khánh Hoà", 108.25, 0},
	{"66", "Tỉnh Đắk Lắk", 108.5, 0},
	{"68", "Tỉnh Lâm Đồng", 107.75, 0},
	{"75", "Thành phố Đồng Nai", 107.75, 0},
	{"79", "Thành phố Hồ Chí Minh", 105.75, 0},
	{"80", "Tỉnh Tây Ninh", 105.75, 105.5},
	{"82", "Tỉnh Đồng Tháp", 105.0, 0},
	{"86", "Tỉnh Vĩnh Long", 105.5, 0},
	{"91", "Tỉnh An Giang", 104.75, 0},
	{"92", "Thành phố Cần Thơ", 105.0, 0},
	{"96", "Tỉnh Cà Mau", 104.5, 0},
}

// legacyZones are the central meridians of Thông tư 973/2001/TT-TCĐC for the
// 63 provinces before 1 July 2025, as commonly tabulated. Old survey files are
// in these zones; they are used only to tell an officer which meridian an
// old province code had.
var legacyZones = []zone{
	{"01", "Thành phố Hà Nội", 105.0, 0},
	{"02", "Tỉnh Hà Giang", 105.5, 0},
	{"04", "Tỉnh Cao Bằng", 105.75, 0},
	{"06", "Tỉnh Bắc Kạn", 106.5, 0},
	{"08", "Tỉnh Tuyên Quang", 106.0, 0},
	{"10", "Tỉnh Lào Cai", 104.75, 0},
	{"11", "Tỉnh Điện Biên", 103.0, 0},
	{"12", "Tỉnh Lai Châu", 103.0, 0},
	{"14", "Tỉnh Sơn La", 104.0, 0},
	{"15", "Tỉnh Yên Bái", 104.75, 0},
	{"17", "Tỉnh Hoà Bình", 106.0, 0},
	{"19", "Tỉnh Thái Nguyên", 106.5, 0},
	{"20", "Tỉnh Lạng Sơn", 107.25, 0},
	{"22", "Tỉnh Quảng Ninh", 107.75, 0},
	{"24", "Tỉnh Bắc Giang", 107.0, 0},
	{"25", "Tỉnh Phú Thọ", 104.75, 0},
	{"26", "Tỉnh Vĩnh Phúc", 105.0, 0},
	{"27", "Tỉnh Bắc Ninh", 105.5, 0},
	{"30", "Tỉnh Hải Dương", 105.5, 0},
	{"31", "Thành phố Hải Phòng", 105.75, 0},
	{"33", "Tỉnh Hưng Yên", 105.5, 0},
	{"34", "Tỉnh Thái Bình", 105.5, 0},
	{"35", "Tỉnh Hà Nam", 105.0, 0},
	{"36", "Tỉnh Nam Định", 105.5, 0},
	{"37", "Tỉnh Ninh Bình", 105.0, 0},
	{"38", "Tỉnh Thanh Hóa", 105.0, 0},
	{"40", "Tỉnh Nghệ An", 104.75, 0},
	{"42", "Tỉnh Hà Tĩnh", 105.5, 0},
	{"44", "Tỉnh Quảng Bình", 106.0, 0},
	{"45", "Tỉnh Quảng Trị", 106.25, 0},
	{"46", "Thành phố Huế", 107.0, 0},
	{"48", "Thành phố Đà Nẵng", 107.75, 0},
	{"49", "Tỉnh Quảng Nam", 107.75, 0},
	{"51", "Tỉnh Quảng Ngãi", 108.0, 0},
	{"52", "Tỉnh Bình Định", 108.25, 0},
	{"54", "Tỉnh Phú Yên", 108.5, 0},
	{"56", "Tỉnh Khánh Hòa", 108.25, 0},
	{"58", "Tỉnh Ninh Thuận", 108.25, 0},
	{"60", "Tỉnh Bình Thuận", 108.5, 0},
	{"62", "Tỉnh Kon Tum", 107.5, 0},
	{"64", "Tỉnh Gia Lai", 108.5, 0},
	{"66", "Tỉnh Đắk Lắk", 108.5, 0},
	{"67", "Tỉnh Đắk Nông", 108.5, 0},
	{"68", "Tỉnh Lâm Đồng", 107.75, 0},
	{"70", "Tỉnh Bình Phước", 106.25, 0},
	{"72", "Tỉnh Tây Ninh", 105.5, 0},
	{"74", "Tỉnh Bình Dương", 105.75, 0},
	{"75", "Tỉnh Đồng Nai", 107.75, 0},
	{"77", "Tỉnh Bà Rịa - Vũng Tàu", 107.75, 0},
	{"79", "Thành phố Hồ Chí Minh", 105.75, 0},
	{"80", "Tỉnh Long An", 105.75, 0},
	{"82", "Tỉnh Tiền Giang", 105.75, 0},
	{"83", "Tỉnh Bến Tre", 105.75, 0},
	{"84", "Tỉnh Trà Vinh", 105.5, 0},
	{"86", "Tỉnh Vĩnh Long", 105.5, 0},
	{"87", "Tỉnh Đồng Tháp", 105.0, 0},
	{"89", "Tỉnh An Giang", 104.75, 0},
	{"91", "Tỉnh Kiên Giang", 104.5, 0},
	{"92", "Thành phố Cần Thơ", 105.0, 0},
	{"93", "Tỉnh Hậu Giang", 105.0, 0},
	{"94", "Tỉnh Sóc Trăng", 105.5, 0},
	{"95", "Tỉnh Bạc Liêu", 105.0, 0},
	{"96", "Tỉnh Cà Mau", 104.5, 0},
}

// tm3EPSG maps a TM-3 central meridian to its EPSG code (VN-2000 / TM-3, k0
// 0.9999, false easting 500 000 m, easting before northing). 5896–5899 are
// the first zones EPSG published; the others were added in EPSG v10.
var tm3EPSG = map[float64]int{
	102.00: 5896, 103.00: 9205, 104.00: 9206, 104.50: 9207, 104.75: 9208,
	105.00: 5897, 105.50: 9209, 105.75: 9210, 106.00: 9211, 106.25: 9212,
	106.50: 9213, 107.00: 9214, 107.25: 9215, 107.50: 9216, 107.75: 5899,
	108.00: 5898, 108.25: 9217, 108.50: 9218,
}

// CentralMeridian returns the central meridian in degrees east of the
// VN-2000 TM-3 zone of a province, by its 2025 province code ("01" Hà Nội …
// "96" Cà Mau), as set by Thông tư 24/2025/TT-BNNMT. Spaces are ignored and a
// one-digit code is read with its leading zero restored ("1" → "01"), as
// spreadsheets drop it.
// ok is false for an unknown code, including codes of provinces merged away
// in 2025 (see LegacyCentralMeridian).
func CentralMeridian(provinceCode string) (lon0 float64, ok bool) {
	z, ok := findZone(provinceZones, provinceCode)
	return z.meridian, ok
}

// DisputedMeridian returns the central meridian another published table
// gives for a 2025 province, where sources disagree (Quảng Trị, Tây Ninh).
// ok is false when the sources agree or the code is unknown.
func DisputedMeridian(provinceCode string) (lon0 float64, ok bool) {
	z, ok := findZone(provinceZones, provinceCode)
	return z.disputed, ok && z.disputed != 0
}

// LegacyCentralMeridian returns the central meridian of the TM-3 zone of a
// province before the 2025 reform, by its old (63-province) code, as set by
// Thông tư 973/2001/TT-TCĐC, and the old province name.
func LegacyCentralMeridian(oldProvinceCode string) (lon0 float64, name string, ok bool) {
	z, ok := findZone(legacyZones, oldProvinceCode)
	return z.meridian, z.name, ok
}

func findZone(zones []zone, code string) (zone, bool) {
	code = strings.TrimSpace(code)
	if len(code) == 1 {
		code = "0" + code
	}
	i := slices.IndexFunc(zones, func(z zone) bool { return z.code == code })
	if i < 0 {
		return zone{}, false
	}
	return zones[i], true
}
