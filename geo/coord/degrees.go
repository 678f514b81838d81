package coord

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Axis says which coordinate a value in degrees is: it decides which
// hemisphere letters fit and how messages name the value. Values other
// than Lat and Lon are read as Lat.
type Axis int

const (
	Lat Axis = iota // latitude, north positive
	Lon             // longitude, east positive
)

func (a Axis) term() bi {
	if a == Lon {
		return bi{"kinh độ", "longitude"}
	}
	return bi{"vĩ độ", "latitude"}
}

// examples returns a decimal and a DMS example for messages.
func (a Axis) examples() (decimal, dms string) {
	if a == Lon {
		return "105.8542", `105°51'15.1"E`
	}
	return "21.0285", `21°01'42.6"N`
}

// degreesHint tells how to write degrees, with examples.
func degreesHint(decimal, dms string) bi {
	return bi{
		"Hãy nhập số độ thập phân (ví dụ " + decimal + ") hoặc độ-phút-giây (ví dụ " + dms + ").",
		"Enter decimal degrees (for example " + decimal + ") or degrees-minutes-seconds (for example " + dms + ").",
	}
}

func (a Axis) problem(code string) error {
	decimal, dms := a.examples()
	switch code {
	case "dms_invalid":
		return newProblem(code, a.term(), dms, decimal)
	case "sign_and_hemisphere":
		return newProblem(code, a.term())
	case "not_a_number":
		return newProblem(code, a.term(), degreesHint(decimal, dms))
	}
	return newProblem(code, a.term(), decimal, dms)
}

// ParseDegrees parses decimal degrees or DMS for the given axis. A hemisphere letter must fit the axis (N/S for Lat, E/W for Lon);
// S and W give negative values. decimalComma accepts "21,0285". Errors are phusong.Problem values (Row/Column/Value left empty)
// with codes such as "dms_invalid", "hemisphere_mismatch", "minutes_out_of_range", "not_a_number".
//
// Accepted forms, with any spacing between the parts:
//
//	21.0285   -8.5   +105.85          decimal degrees (a sign, no exponent)
//	22°23'05.4"N   22 23 5.4 N        degrees, minutes, seconds
//	22°23.09'   N 22°23.09'   22:23:05.4   degrees and decimal minutes; colons
//	102°47′10″E   102º47’10”E          typographic primes and quotes, º, ˚, ´, two '' for ″
//
// Only the last number may have decimals. The hemisphere letter may stand
// before or after the value; B (Bắc, north), Đ (Đông, east) and T (Tây,
// west) are read as N, E and W. N always means north: "Nam" (south) is
// written S. When decimalComma is true both ',' and '.' are decimal
// separators, as officers paste numbers from both kinds of spreadsheet; when
// it is false, a number that only reads with a decimal comma is reported as
// "decimal_comma". Other codes: "degrees_empty", "sign_and_hemisphere",
// "seconds_out_of_range".
//
// The value is not range-checked: 105.85 as a latitude comes back as is, so
// that CheckLatLon can tell the officer the columns look swapped. Plain
// decimals are parsed without allocating.
func ParseDegrees(s string, axis Axis, decimalComma bool) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, axis.problem("degrees_empty")
	}
	if v, n, ok := scanSignedNumber(s, decimalComma); ok && n == len(s) {
		return v, nil
	}
	v, code, detail := parseDMS(s, axis, decimalComma)
	if code == "" {
		return v, nil
	}
	if !decimalComma && strings.Contains(s, ",") {
		if _, c, _ := parseDMS(s, axis, true); c == "" {
			return 0, newProblem("decimal_comma", axis.term(), s, strings.ReplaceAll(s, ",", "."))
		}
	}
	switch code {
	case "hemisphere_mismatch", "minutes_out_of_range", "seconds_out_of_range":
		return 0, newProblem(code, axis.term(), detail)
	}
	return 0, axis.problem(code)
}

// parseDMS parses everything but a plain decimal. On failure it returns the
// problem code and, for some codes, the offending part of s.
func parseDMS(s string, axis Axis, decimalComma bool) (v float64, code, detail string) {
	var (
		parts    [3]float64
		partText [3]string
		frac     [3]bool
		n        int  // parts read
		neg      bool // a minus sign was given
		signed   bool // a sign was given
		hemi     rune // hemisphere letter, 0 when none
	)
	i := 0
	r, size := utf8.DecodeRuneInString(s)
	if r == '-' || r == '+' || r == '−' {
		neg, signed = r != '+', true
		i += size
	}
	i = skipSpace(s, i)
	if r, size := utf8.DecodeRuneInString(s[i:]); hemisphere(r) != 0 {
		hemi = r
		i = skipSpace(s, i+size)
	}
	for {
		i = skipSpace(s, i)
		if i == len(s) {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if hemisphere(r) != 0 {
			if hemi != 0 || n == 0 || skipSpace(s, i+size) != len(s) {
				return 0, "dms_invalid", ""
			}
			hemi = r
			break
		}
		if n == len(parts) {
			return 0, "dms_invalid", ""
		}
		val, m, hasFrac, ok := scanNumber(s[i:], decimalComma)
		if !ok {
			if n == 0 {
				return 0, "not_a_number", ""
			}
			return 0, "dms_invalid", ""
		}
		parts[n], partText[n], frac[n] = val, s[i:i+m], hasFrac
		i = skipSpace(s, i+m)
		if unit, m := unitMark(s[i:]); m > 0 {
			if unit != n {
				return 0, "dms_invalid", ""
			}
			i += m
		}
		n++
	}
	if n == 0 {
		return 0, "dms_invalid", ""
	}
	for k := 0; k < n-1; k++ {
		if frac[k] {
			return 0, "dms_invalid", ""
		}
	}
	if n > 1 && parts[1] >= 60 {
		return 0, "minutes_out_of_range", partText[1]
	}
	if n > 2 && parts[2] >= 60 {
		return 0, "seconds_out_of_range", partText[2]
	}
	if hemi != 0 {
		h := hemisphere(hemi)
		if (axis == Lon) != (h == 'E' || h == 'W') {
			return 0, "hemisphere_mismatch", string(hemi)
		}
		if signed {
			return 0, "sign_and_hemisphere", ""
		}
		neg = h == 'S' || h == 'W'
	}
	v = parts[0] + parts[1]/60 + parts[2]/3600
	if math.IsInf(v, 0) {
		return 0, "not_a_number", ""
	}
	if neg {
		v = -v
	}
	return v, "", ""
}

// hemisphere returns N, S, E or W for a hemisphere letter, in either case,
// including the Vietnamese B (Bắc), Đ (Đông) and T (Tây); else 0.
func hemisphere(r rune) rune {
	switch unicode.ToUpper(r) {
	case 'N', 'B':
		return 'N'
	case 'S':
		return 'S'
	case 'E', 'Đ':
		return 'E'
	case 'W', 'T':
		return 'W'
	}
	return 0
}

// unitMark reports which part a degree (0), minute (1) or second (2) mark at
// the start of s ends, and its length in bytes; length 0 when there is none.
// Two minute marks in a row (two apostrophes) are a second mark, as typed
// in Excel.
func unitMark(s string) (unit, size int) {
	r, n := utf8.DecodeRuneInString(s)
	switch r {
	case '°', 'º', '˚':
		return 0, n
	case '"', '″', '”', '“', 'ʺ':
		return 2, n
	case '\'', '′', '’', '‘', '´', '`', 'ʹ':
		if r2, n2 := utf8.DecodeRuneInString(s[n:]); isMinuteMark(r2) {
			return 2, n + n2
		}
		return 1, n
	}
	return 0, 0
}

func isMinuteMark(r rune) bool {
	switch r {
	case '\'', '′', '’', '‘', '´', '`', 'ʹ':
		return true
	}
	return false
}

// skipSpace returns the index of the first byte at or after i that is not
// white space (including no-break spaces) or a ':' separator.
func skipSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) && r != ':' {
			break
		}
		i += n
	}
	return i
}

// scanSignedNumber scans an optional sign and a number at the start of s.
func scanSignedNumber(s string, decimalComma bool) (v float64, n int, ok bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, n = s[0] == '-', 1
	} else if strings.HasPrefix(s, "−") {
		neg, n = true, len("−")
	}
	v, m, _, ok := scanNumber(s[n:], decimalComma)
	if neg {
		v = -v
	}
	return v, n + m, ok
}

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// scanNumber scans unsigned decimal digits with at most one decimal
// separator ('.', or also ',' when decimalComma) at the start of s, and
// returns the value, the bytes used and whether there was a fraction. It
// does not allocate for numbers of up to 15 significant digits: those are
// converted exactly (Clinger's fast path, as strconv does); longer ones go
// through strconv.ParseFloat.
func scanNumber(s string, decimalComma bool) (v float64, n int, hasFrac, ok bool) {
	var (
		mant      uint64
		digits    int // significant digits in mant
		fracDigit int // digits after the separator that are in mant
		sep       = -1
		any       bool
	)
	for ; n < len(s); n++ {
		c := s[n]
		switch {
		case '0' <= c && c <= '9':
			any = true
			if mant == 0 && c == '0' {
				if sep >= 0 {
					fracDigit++
				}
				continue
			}
			digits++
			if digits <= 19 {
				mant = mant*10 + uint64(c-'0')
				if sep >= 0 {
					fracDigit++
				}
			}
			continue
		case sep < 0 && (c == '.' || c == ',' && decimalComma):
			sep = n
			continue
		}
		break
	}
	if !any {
		return 0, 0, false, false
	}
	hasFrac = sep >= 0 && sep < n-1
	if digits <= 15 && fracDigit < len(pow10) {
		return float64(mant) / pow10[fracDigit], n, hasFrac, true
	}
	text := s[:n]
	if sep >= 0 && s[sep] == ',' {
		text = text[:sep] + "." + text[sep+1:]
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, 0, false, false
	}
	return v, n, hasFrac, true
}
