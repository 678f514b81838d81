package intake

import (
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// TCVN3 is the Vietnamese 8-bit encoding of TCVN 5712:1993 used by the ".Vn"
// fonts (ABC, .VnTime) of older provincial offices. No maintained Go package
// has it, so the table is here: bytes below 0x80 are ASCII; 0x80–0xFF follow
// the standard's VN1 table (glibc's TCVN5712-1 charmap), a superset of the
// VN3 subset that ABC fonts use (VN3 leaves the upper-case toned letters to a
// second font, so they only appear in VN1 text). The C0 positions that VN1
// gives to upper-case letters are read as control characters, as VN3 does.
// The decoder's output is NFC except after the five combining tone marks
// (0xB0–0xB4), which callers normalise with norm.NFC.
var TCVN3 encoding.Encoding = tcvn3{}

var tcvn3High = [128]rune{
	0x00C0, 0x1EA2, 0x00C3, 0x00C1, 0x1EA0, 0x1EB6, 0x1EAC, 0x00C8,
	0x1EBA, 0x1EBC, 0x00C9, 0x1EB8, 0x1EC6, 0x00CC, 0x1EC8, 0x0128,
	0x00CD, 0x1ECA, 0x00D2, 0x1ECE, 0x00D5, 0x00D3, 0x1ECC, 0x1ED8,
	0x1EDC, 0x1EDE, 0x1EE0, 0x1EDA, 0x1EE2, 0x00D9, 0x1EE6, 0x0168,
	0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
	0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0x1EB0,
	0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00E0, 0x1EA3, 0x00E3,
	0x00E1, 0x1EA1, 0x1EB2, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0x1EB4,
	0x1EAE, 0x1EA6, 0x1EA8, 0x1EAA, 0x1EA4, 0x1EC0, 0x1EB7, 0x1EA7,
	0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0x1EC2, 0x1EBB, 0x1EBD,
	0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
	0x1EC9, 0x1EC4, 0x1EBE, 0x1ED2, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
	0x1ED4, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
	0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
	0x1ED6, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
	0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0x1ED0,
}

var tcvn3Reverse = func() map[rune]byte {
	m := make(map[rune]byte, len(tcvn3High))
	for i, r := range tcvn3High {
		m[r] = byte(0x80 + i)
	}
	return m
}()

type tcvn3 struct{}

func (tcvn3) NewDecoder() *encoding.Decoder { return &encoding.Decoder{Transformer: tcvn3Decoder{}} }
func (tcvn3) NewEncoder() *encoding.Encoder { return &encoding.Encoder{Transformer: tcvn3Encoder{}} }
func (tcvn3) String() string                { return "TCVN3" }

type tcvn3Decoder struct{ transform.NopResetter }

func (tcvn3Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		r := tcvn3High[c-0x80]
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

var errTCVN3Unmappable = errors.New("intake: character not in TCVN3")

type tcvn3Encoder struct{ transform.NopResetter }

func (tcvn3Encoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if nDst >= len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		c := src[nSrc]
		if c < utf8.RuneSelf {
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		if !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		r, n := utf8.DecodeRune(src[nSrc:])
		b, ok := tcvn3Reverse[r]
		if !ok {
			return nDst, nSrc, errTCVN3Unmappable
		}
		dst[nDst] = b
		nDst++
		nSrc += n
	}
	return nDst, nSrc, nil
}
