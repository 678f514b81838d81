package admin_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/admin"
)

func ExampleData_TranslateProvince() {
	d, err := admin.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, code := range []string{"01", "02", "77", "2"} {
		newCode, translated, ok := d.TranslateProvince(code)
		fmt.Printf("%q → %q translated=%v ok=%v %q\n", code, newCode, translated, ok, d.ProvinceName(newCode))
	}
	// Output:
	// "01" → "01" translated=false ok=true "Thành phố Hà Nội"
	// "02" → "08" translated=true ok=true "Tỉnh Tuyên Quang"
	// "77" → "79" translated=true ok=true "Thành phố Hồ Chí Minh"
	// "2" → "" translated=false ok=false ""
}

func ExampleData_TranslateCommune() {
	d, err := admin.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, code := range []string{"00004", "00001", "00007", "06970"} {
		newCodes, translated, ok := d.TranslateCommune(code)
		fmt.Println(code, newCodes, translated, ok)
	}
	// Output:
	// 00004 [00004] false true
	// 00001 [00097] true true
	// 00007 [00008 00025] true true
	// 06970 [06978] true true
}

func ExampleData_ProvinceAt() {
	d, err := admin.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range []orb.Point{
		{105.8524, 21.0288}, // Hoàn Kiếm lake, Hà Nội
		{106.7009, 10.7769}, // Bến Thành, Hồ Chí Minh City
		{21.0288, 105.8524}, // lat/lon swapped
		{102.6331, 17.9757}, // Vientiane, Laos
	} {
		code, ok := d.ProvinceAt(p)
		fmt.Printf("%v → %q %v %q\n", p, code, ok, d.ProvinceName(code))
	}
	// Output:
	// [105.8524 21.0288] → "01" true "Thành phố Hà Nội"
	// [106.7009 10.7769] → "79" true "Thành phố Hồ Chí Minh"
	// [21.0288 105.8524] → "" false ""
	// [102.6331 17.9757] → "" false ""
}
