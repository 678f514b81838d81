package coord_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/coord"
)

// problemCode returns the code of err, "" for nil, or fails the test when
// err is not a phusong.Problem value.
func problemCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var p phusong.Problem
	if !errors.As(err, &p) {
		t.Fatalf("got error %T %v, want a phusong.Problem", err, err)
	}
	if p.VI == "" || p.EN == "" {
		t.Errorf("problem %s: got vi %q, en %q, want both messages", p.Code, p.VI, p.EN)
	}
	return p.Code
}

const dms22 = 22 + 23.0/60 + 5.4/3600 // 22°23'05.4"

func TestParseDegrees(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		axis  coord.Axis
		comma bool
		want  float64
		code  string // problem code, "" when the input is fine
	}{
		{"decimal", "21.0285", coord.Lat, false, 21.0285, ""},
		{"negative", "-8.5", coord.Lat, false, -8.5, ""},
		{"unicode minus", "−8.5", coord.Lat, false, -8.5, ""},
		{"plus", "+105.85", coord.Lon, false, 105.85, ""},
		{"integer", "105", coord.Lon, false, 105, ""},
		{"spaces and no-break spaces", " \u00a021.0285\t", coord.Lat, false, 21.0285, ""},
		{"many digits", "21.02850000000000000001", coord.Lat, false, 21.0285, ""},
		{"decimal comma allowed", "21,0285", coord.Lat, true, 21.0285, ""},
		{"decimal point with comma allowed", "21.0285", coord.Lat, true, 21.0285, ""},
		{"not range checked", "105.85", coord.Lat, false, 105.85, ""},

		{"dms", `22°23'05.4"N`, coord.Lat, false, dms22, ""},
		{"dms spaces", "22 23 5.4 N", coord.Lat, false, dms22, ""},
		{"dms spaced marks", `22° 23' 05.4" N`, coord.Lat, false, dms22, ""},
		{"dms primes", "22°23′05.4″N", coord.Lat, false, dms22, ""},
		{"dms curly quotes", "22°23’05.4”N", coord.Lat, false, dms22, ""},
		{"dms two apostrophes", "22°23'05.4''N", coord.Lat, false, dms22, ""},
		{"dms masculine ordinal", "22º23'05.4\"N", coord.Lat, false, dms22, ""},
		{"dms colons", "22:23:05.4", coord.Lat, false, dms22, ""},
		{"dms hemisphere first", `N 22°23'05.4"`, coord.Lat, false, dms22, ""},
		{"dms lower case", `22°23'05.4"n`, coord.Lat, false, dms22, ""},
		{"dms Vietnamese north", `22°23'05.4" B`, coord.Lat, false, dms22, ""},
		{"dms decimal comma", `22°23'05,4"`, coord.Lat, true, dms22, ""},
		{"dms south", `8°30'S`, coord.Lat, false, -8.5, ""},
		{"dms signed", `-8°30'`, coord.Lat, false, -8.5, ""},
		{"dms longitude", `102°47'10"E`, coord.Lon, false, 102 + 47.0/60 + 10.0/3600, ""},
		{"dms Vietnamese east", `102°47'10" Đ`, coord.Lon, false, 102 + 47.0/60 + 10.0/3600, ""},
		{"dms west", `102°47'10"W`, coord.Lon, false, -(102 + 47.0/60 + 10.0/3600), ""},
		{"decimal minutes", "22°23.09'", coord.Lat, false, 22 + 23.09/60, ""},
		{"decimal minutes no marks", "22 23.09", coord.Lat, false, 22 + 23.09/60, ""},
		{"degree mark only", "21.0285°", coord.Lat, false, 21.0285, ""},
		{"hemisphere on decimal", "21.0285 N", coord.Lat, false, 21.0285, ""},

		{"empty", "", coord.Lat, false, 0, "degrees_empty"},
		{"blank", "  \u00a0", coord.Lon, false, 0, "degrees_empty"},
		{"letters", "abc", coord.Lat, false, 0, "not_a_number"},
		{"NaN", "NaN", coord.Lat, false, 0, "not_a_number"},
		{"Inf", "Inf", coord.Lon, false, 0, "not_a_number"},
		{"huge", "1" + strings.Repeat("0", 400), coord.Lat, false, 0, "not_a_number"},
		{"decimal comma refused", "21,0285", coord.Lat, false, 0, "decimal_comma"},
		{"dms decimal comma refused", `22°23'05,4"`, coord.Lat, false, 0, "decimal_comma"},
		{"exponent", "1e5", coord.Lat, false, 0, "dms_invalid"},
		{"two values in a cell", "21.0285, 105.8542", coord.Lat, false, 0, "dms_invalid"},
		{"decimals before the last part", "22.5°23'", coord.Lat, false, 0, "dms_invalid"},
		{"minutes first", "23' 22°", coord.Lat, false, 0, "dms_invalid"},
		{"four parts", "22 23 5 4", coord.Lat, false, 0, "dms_invalid"},
		{"two hemispheres", "N 22 N", coord.Lat, false, 0, "dms_invalid"},
		{"hemisphere in the middle", "22 N 23", coord.Lat, false, 0, "dms_invalid"},
		{"two separators", "21.02.85", coord.Lat, false, 0, "dms_invalid"},
		{"minutes 60", "22°60'", coord.Lat, false, 0, "minutes_out_of_range"},
		{"minutes 75", `22°75'05"`, coord.Lat, false, 0, "minutes_out_of_range"},
		{"seconds 60", `22°23'60"`, coord.Lat, false, 0, "seconds_out_of_range"},
		{"east on latitude", "105°51'E", coord.Lat, false, 0, "hemisphere_mismatch"},
		{"north on longitude", "21°01'N", coord.Lon, false, 0, "hemisphere_mismatch"},
		{"sign and hemisphere", "-22.5 N", coord.Lat, false, 0, "sign_and_hemisphere"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := coord.ParseDegrees(tc.in, tc.axis, tc.comma)
			if code := problemCode(t, err); code != tc.code {
				t.Fatalf("ParseDegrees(%q): got problem %q (%v), want %q", tc.in, code, err, tc.code)
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("ParseDegrees(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestParseDegreesExact checks plain decimals give the same float64 as
// strconv.ParseFloat, bit for bit.
func TestParseDegreesExact(t *testing.T) {
	for _, s := range []string{"21.0285", "0.1", "105.83806100015767", "-8.636976", "9007199254740993", "0.000000000000000000000001", "1.7976931348623157"} {
		got, err := coord.ParseDegrees(s, coord.Lat, false)
		if err != nil {
			t.Fatalf("ParseDegrees(%q): %v", s, err)
		}
		want := float(t, s)
		if got != want {
			t.Errorf("ParseDegrees(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestParseDegreesAllocs checks plain decimals, the hot path of every
// upload, do not allocate.
func TestParseDegreesAllocs(t *testing.T) {
	for _, s := range []string{"21.0285", "-105.838061", "21,0285"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := coord.ParseDegrees(s, coord.Lat, true); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("ParseDegrees(%q) allocates %v times, want 0", s, allocs)
		}
	}
}
