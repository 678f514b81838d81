package intake

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps a precomposed Latin letter (U+00C0…U+024F, U+1E00…U+1EFF) to
// its lower-case base letter: "Ế" → 'e', "đ" → 'd'. It is built once from the
// Unicode decompositions, so NFC and NFD input fold alike.
var foldTable = func() map[rune]rune {
	t := make(map[rune]rune, 600)
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			d := norm.NFD.String(string(r))
			base, _ := utf8.DecodeRuneInString(d)
			if base < utf8.RuneSelf && unicode.IsLetter(base) {
				t[r] = unicode.ToLower(base)
			}
		}
	}
	add(0x00C0, 0x024F)
	add(0x1E00, 0x1EFF)
	// đ and Đ have no decomposition; Ð (eth) is what some legacy fonts put in their place.
	t['đ'], t['Đ'], t['Ð'], t['ð'] = 'd', 'd', 'd', 'd'
	return t
}()

// appendFold appends the match key of s to dst: letters without diacritics and
// in lower case (đ folds to d), digits kept, every other run of characters
// (spaces, punctuation, "_") collapsed to one space, no leading or trailing
// space. "  Mã_Tỉnh " and "MA TINH" have the same key "ma tinh". It is the one
// comparison used for headers, enumerated values and village names, and it
// allocates nothing when dst has room.
func appendFold(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				r = rune(c)
			case 'A' <= c && c <= 'Z':
				r = rune(c + 'a' - 'A')
			default:
				space = true
				continue
			}
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
			if unicode.Is(unicode.Mn, r) {
				continue // a combining mark of NFD text
			}
			if b, ok := foldTable[r]; ok {
				r = b
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				r = unicode.ToLower(r)
			} else {
				space = true
				continue
			}
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// fold returns the match key of s (see appendFold).
func fold(s string) string {
	var buf [64]byte
	return string(appendFold(buf[:0], s))
}
