package export

import (
	"bytes"
	"image/png"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestVND(t *testing.T) {
	tests := []struct {
		name string
		in   int64
		want string
	}{
		{"zero", 0, "0 ₫"},
		{"three digits", 999, "999 ₫"},
		{"four digits", 1000, "1.000 ₫"},
		{"ceiling", 1_234_567_890, "1.234.567.890 ₫"},
		{"negative", -1_500_000, "-1.500.000 ₫"},
		{"largest", math.MaxInt64, "9.223.372.036.854.775.807 ₫"},
		{"smallest", math.MinInt64, "-9.223.372.036.854.775.808 ₫"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := vnd(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecimalVI(t *testing.T) {
	tests := []struct {
		name   string
		in     float64
		digits int
		want   string
	}{
		{"score", 8.25, 2, "8,25"},
		{"score padded", 4.5, 2, "4,50"},
		{"longitude", 104.0512345678, 6, "104,051235"},
		{"rsrp", -110, -1, "-110"},
		{"weight", 37.5, -1, "37,5"},
		{"thousands", 12345.5, 1, "12.345,5"},
		{"negative fraction", -0.5, 1, "-0,5"},
		{"nan", math.NaN(), 2, "NaN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := decimalVI(tc.in, tc.digits); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVietnamTime(t *testing.T) {
	tests := []struct {
		name           string
		in             time.Time
		dateTime, date string
	}{
		{"morning UTC", time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC), "31/12/2026 17:00", "31/12/2026"},
		{"evening UTC is the next day", time.Date(2026, 12, 31, 18, 30, 0, 0, time.UTC), "01/01/2027 01:30", "01/01/2027"},
		{"already UTC+7", time.Date(2027, 6, 30, 0, 0, 0, 0, vietnam), "30/06/2027 00:00", "30/06/2027"},
		{"other zone", time.Date(2026, 3, 1, 9, 5, 0, 0, time.FixedZone("CET", 3600)), "01/03/2026 15:05", "01/03/2026"},
		{"unset", time.Time{}, "—", "—"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := vnDateTime(tc.in); got != tc.dateTime {
				t.Errorf("vnDateTime: got %q, want %q", got, tc.dateTime)
			}
			if got := vnDate(tc.in); got != tc.date {
				t.Errorf("vnDate: got %q, want %q", got, tc.date)
			}
		})
	}
}

func TestPDFText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"vietnamese kept", "Giá trần ầ ấ ắ ề ố ờ ữ ặ ự Đ", "Giá trần ầ ấ ắ ề ố ờ ữ ặ ự Đ"},
		{"nfd composed", "Ba\u0309n Mo\u031bi", "Bản Mơi"},
		{"dong sign and dash kept", "12.000 ₫ — ok", "12.000 ₫ — ok"},
		{"math substituted", "RSRP ≥ −110 dBm", "RSRP >= -110 dBm"},
		{"shape dropped", "■ vùng", " vùng"},
		{"unknown marked", "trạm 📡", "trạm \uFFFD"},
		{"controls become spaces", "a\tb\rc\nd", "a b c\nd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pdfText(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNiceLength(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0, 1}, {1, 1}, {1.9, 1}, {2, 2}, {4.99, 2}, {5, 5}, {9.9, 5}, {23_456, 20_000}, {0.07, 0.05},
	}
	for _, tc := range tests {
		if got := niceLength(tc.in); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("niceLength(%v): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestVillageList(t *testing.T) {
	a := Area{Points: []Point{
		{Village: "Thôn B", Households: 10}, {Village: "Thôn A", Households: 10},
		{Village: "Thôn C", Households: 50}, {Village: "Thôn B", Households: 5}, {Village: " "},
	}}
	if got, want := villageList(a, 5), "Thôn C, Thôn B, Thôn A"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := villageList(a, 1), "Thôn C và 2 điểm khác"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestOverviewFill draws one square area with a square hole and checks
// pixels inside the ring, in the hole and outside, through the projection.
func TestOverviewFill(t *testing.T) {
	outer := orb.Ring{{105, 21}, {105.1, 21}, {105.1, 21.1}, {105, 21.1}, {105, 21}}
	hole := orb.Ring{{105.04, 21.04}, {105.04, 21.06}, {105.06, 21.06}, {105.06, 21.04}, {105.04, 21.04}}
	p := Package{Areas: []Area{{ID: 1, Polygon: orb.MultiPolygon{{outer, hole}},
		Sites:  []Site{{N: 1, Location: orb.Point{105.09, 21.09}}},
		Points: []Point{{ID: 1, Location: orb.Point{105.01, 21.01}, Category: "trang_song"}},
	}}}
	ov, ok, err := drawOverview(p)
	if err != nil || !ok {
		t.Fatalf("got ok=%v err=%v", ok, err)
	}
	img, err := png.Decode(bytes.NewReader(ov.PNG))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != ov.Width || img.Bounds().Dy() != ov.Height {
		t.Fatalf("got %v, want %dx%d", img.Bounds(), ov.Width, ov.Height)
	}
	b, _ := mapBounds(p)
	pr := overviewProjection(b, ov.Width, ov.Height)
	at := func(lon, lat float64) uint8 {
		x, y := pr.px(orb.Point{lon, lat})
		r, g, bl, _ := img.At(int(math.Round(x)), int(math.Round(y))).RGBA()
		for i, c := range mapColors {
			cr, cg, cb, _ := c.RGBA()
			if cr == r && cg == g && cb == bl {
				return uint8(i)
			}
		}
		t.Fatalf("colour at %v,%v not in the palette", lon, lat)
		return 0
	}
	tests := []struct {
		name     string
		lon, lat float64
		want     uint8
	}{
		{"inside", 105.02, 21.08, mapAreaFill},
		{"hole", 105.05, 21.05, mapBackground},
		{"village", 105.01, 21.01, mapTrangSong},
		{"site", 105.09, 21.09, mapSiteFill},
		{"edge", 105.0, 21.05, mapAreaEdge},
	}
	for _, tc := range tests {
		if got := at(tc.lon, tc.lat); got != tc.want {
			t.Errorf("%s: got colour %d, want %d", tc.name, got, tc.want)
		}
	}
	// Equal lengths east and north: 0.1° of longitude at 21°N is cos(21°)
	// times as wide as 0.1° of latitude is tall.
	x0, y0 := pr.px(orb.Point{105, 21})
	x1, y1 := pr.px(orb.Point{105.1, 21.1})
	if ratio, want := (x1-x0)/(y0-y1), math.Cos(21.05*math.Pi/180); math.Abs(ratio-want) > 1e-9 {
		t.Errorf("got width/height %v, want cos(lat) %v", ratio, want)
	}
	if ov.ScaleMetres <= 0 {
		t.Errorf("got scale bar %v m", ov.ScaleMetres)
	}
}
