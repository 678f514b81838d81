package coord_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
)

func ExampleParseDegrees() {
	for _, s := range []string{"21.0285", `22°23'05.4"N`, "22 23 5.4 N", "22°23.09'", "8°30′S"} {
		lat, _ := coord.ParseDegrees(s, coord.Lat, false)
		fmt.Printf("%-14s %.6f\n", s, lat)
	}
	lat, _ := coord.ParseDegrees("21,0285", coord.Lat, true)
	fmt.Println(lat)

	_, err := coord.ParseDegrees("105°51'E", coord.Lat, false)
	var p phusong.Problem
	if errors.As(err, &p) {
		fmt.Println(p.Code)
	}
	// Output:
	// 21.0285        21.028500
	// 22°23'05.4"N   22.384833
	// 22 23 5.4 N    22.384833
	// 22°23.09'      22.384833
	// 8°30′S         -8.500000
	// 21.0285
	// hemisphere_mismatch
}

func ExampleCheckLatLon() {
	p, err := coord.CheckLatLon(21.0285, 105.8542)
	fmt.Println(p, err)

	_, err = coord.CheckLatLon(105.8542, 21.0285)
	fmt.Println(err.(phusong.Problem).VI)
	// Output:
	// [105.8542 21.0285] <nil>
	// Vĩ độ và kinh độ có vẻ đã bị đổi chỗ: vĩ độ 105.8542, kinh độ 21.0285 không nằm ở Việt Nam. Có phải vĩ độ = 21.0285, kinh độ = 105.8542? Hãy sửa lại trong tệp; hệ thống không tự đổi chỗ.
}

func ExampleParseCRS() {
	for _, s := range []string{"VN2000-TM3", "VN-2000 / TM-3 105-45", "EPSG:9210", "VN2000-UTM48", "VN2000", "WGS 84"} {
		c, _ := coord.ParseCRS(s, "12") // 12 = Lai Châu, meridian 104°45′ since 2025
		fmt.Printf("%-22s %-18s EPSG:%d\n", s, c, c.EPSG())
	}
	// Output:
	// VN2000-TM3             VN2000-TM3:104.75  EPSG:9208
	// VN-2000 / TM-3 105-45  VN2000-TM3:105.75  EPSG:9210
	// EPSG:9210              VN2000-TM3:105.75  EPSG:9210
	// VN2000-UTM48           VN2000-UTM48       EPSG:3405
	// VN2000                 VN2000             EPSG:4756
	// WGS 84                 EPSG:4326          EPSG:4326
}

func ExampleCRS_ToWGS84() {
	c, _ := coord.ParseCRS("VN2000-TM3", "01") // Hà Nội, 105°00′
	p, _ := c.ToWGS84(586908.493, 2327446.889)
	fmt.Printf("lon %.7f, lat %.7f\n", p[0], p[1])

	// The northing in x, as Vietnamese documents write it.
	_, err := c.ToWGS84(2327446.889, 586908.493)
	fmt.Println(err.(phusong.Problem).Code)
	fmt.Println(err)
	// Output:
	// lon 105.8380610, lat 21.0385300
	// xy_swapped
	// Columns x and y look swapped: x is the easting and y the northing, the opposite of Vietnamese cadastral maps, where X is the northing. Did you mean x=586908.493, y=2327446.889? Please correct the file; values are never swapped automatically.
}

func ExampleCRS_FromWGS84() {
	c, _ := coord.ParseCRS("VN2000-TM3", "01")
	x, y := c.FromWGS84(orb.Point{105.838061, 21.03853})
	fmt.Printf("x %.3f, y %.3f\n", x, y)
	// Output:
	// x 586908.493, y 2327446.889
}

func ExampleVN2000ToWGS84() {
	// Point LS1 of Thông tư 37/2019/TT-BGTVT (Lý Sơn): VN-2000
	// 15°22'32.7"N 109°06'00.5"E is WGS 84 15°22'29"N 109°06'07"E.
	lon, lat := coord.VN2000ToWGS84(109+6/60.+0.5/3600, 15+22/60.+32.7/3600)
	fmt.Printf("%.5f %.5f\n", lon, lat)
	fmt.Printf("%.5f %.5f\n", 109+6/60.+7/3600., 15+22/60.+29/3600.)
	// Output:
	// 109.10195 15.37472
	// 109.10194 15.37472
}

func ExampleTMForward() {
	// VN-2000 longitude and latitude of Phường Ba Đình to Hà Nội's TM-3 zone.
	x, y := coord.TMForward(105.836178180, 21.039515766, 105, 0.9999, 500000)
	fmt.Printf("x %.3f, y %.3f\n", x, y)
	lon, lat := coord.TMInverse(x, y, 105, 0.9999, 500000)
	fmt.Printf("lon %.9f, lat %.9f\n", lon, lat)
	// Output:
	// x 586908.493, y 2327446.889
	// lon 105.836178180, lat 21.039515766
}

func ExampleCentralMeridian() {
	lon0, ok := coord.CentralMeridian("12") // Lai Châu
	fmt.Println(lon0, ok)
	old, name, _ := coord.LegacyCentralMeridian("12")
	fmt.Println(old, name)
	// Output:
	// 104.75 true
	// 103 Tỉnh Lai Châu
}
