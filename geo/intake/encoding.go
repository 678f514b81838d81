package intake

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong"

	"github.com/phusong/phusong/geo/survey"
)

// Encoding names, as the report and the --encoding option spell them.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncCP1258  = "windows-1258"
	EncTCVN3   = "tcvn3"
)

// textEncoding is how the bytes of a text file become UTF-8.
type textEncoding struct {
	name   string
	bom    int                   // bytes of byte-order mark to skip
	dec    transform.Transformer // nil: the bytes are UTF-8 already
	legacy bool                  // an 8-bit encoding: cells are normalised to NFC
}

// encodingByName resolves the --encoding option.
func encodingByName(name string) (textEncoding, bool) {
	switch survey.Fold(name) {
	case "utf 8", "utf8":
		return textEncoding{name: EncUTF8}, true
	case "utf 16le", "utf 16 le", "utf16le", "unicode":
		return textEncoding{name: EncUTF16LE, dec: xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder()}, true
	case "utf 16be", "utf 16 be", "utf16be":
		return textEncoding{name: EncUTF16BE, dec: xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM).NewDecoder()}, true
	case "windows 1258", "cp1258", "1258", "cp 1258":
		return textEncoding{name: EncCP1258, dec: charmap.Windows1258.NewDecoder(), legacy: true}, true
	case "tcvn3", "tcvn", "tcvn 3", "abc", "tcvn5712", "tcvn 5712", "vn3":
		return textEncoding{name: EncTCVN3, dec: TCVN3.NewDecoder(), legacy: true}, true
	}
	return textEncoding{}, false
}

// magic recognises binary formats people upload by mistake.
var magics = []struct {
	prefix, what string
}{
	{"\x89PNG", "ảnh PNG\x00PNG image"},
	{"\xFF\xD8\xFF", "ảnh JPEG\x00JPEG image"},
	{"GIF8", "ảnh GIF\x00GIF image"},
	{"%PDF", "tài liệu PDF\x00PDF document"},
	{"Rar!", "tệp nén RAR\x00RAR archive"},
	{"\x1F\x8B", "tệp nén gzip\x00gzip archive"},
	{"7z\xBC\xAF", "tệp nén 7-Zip\x007-Zip archive"},
	{"II*\x00", "ảnh TIFF\x00TIFF image"},
	{"MM\x00*", "ảnh TIFF\x00TIFF image"},
	{"RIFF", "tệp âm thanh, video\x00audio or video file"},
	{"\x7FELF", "chương trình máy tính\x00a program"},
	{"MZ\x90\x00", "chương trình máy tính\x00a program"},
}

// binaryKind names the binary format of head, or "".
func binaryKind(head []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.what
		}
	}
	return ""
}

// detectEncoding decides how to decode a text file from its first bytes:
// a byte-order mark first (UTF-32 is refused), then valid UTF-8, then the
// likelier of Windows-1258 and TCVN3. forced, when set, is the --encoding
// option; a byte-order mark still wins over it, as Excel writes one.
func detectEncoding(head []byte, forced string) (textEncoding, *phusong.InputError) {
	if what := binaryKind(head); what != "" {
		return textEncoding{}, fatal("file_binary", 0, what)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return textEncoding{}, fatal("encoding_unsupported", 0, "UTF-32")
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return textEncoding{name: EncUTF8BOM, bom: 3}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return textEncoding{name: EncUTF16LE, bom: 2, dec: xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder()}, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return textEncoding{name: EncUTF16BE, bom: 2, dec: xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM).NewDecoder()}, nil
	}
	if forced != "" {
		enc, ok := encodingByName(forced)
		if !ok {
			return textEncoding{}, fatal("encoding_unsupported", 0, forced)
		}
		return enc, nil
	}
	if nul := bytes.Count(head, []byte{0}); nul > 0 {
		if nul*3 > len(head) {
			// Every other (or every fourth) byte is zero: UTF-16 or UTF-32 without a byte-order mark.
			return textEncoding{}, fatal("encoding_unsupported", 0, "UTF-16/UTF-32 không có BOM\x00UTF-16/UTF-32 without byte-order mark")
		}
		return textEncoding{}, fatal("file_binary", 0, "dữ liệu nhị phân\x00binary data")
	}
	control := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F {
			control++
		}
	}
	if control*100 > len(head) {
		return textEncoding{}, fatal("file_binary", 0, "dữ liệu nhị phân\x00binary data")
	}
	sample := head
	// The peeked sample may end inside a multi-byte character.
	for i := 0; i < utf8.UTFMax && len(sample) > 0 && !utf8.FullRune(sample[lastRuneStart(sample):]); i++ {
		sample = sample[:lastRuneStart(sample)]
	}
	if utf8.Valid(sample) {
		return textEncoding{name: EncUTF8}, nil
	}
	cp, _ := encodingByName(EncCP1258)
	tc, _ := encodingByName(EncTCVN3)
	if legacyScore(head, charmap.Windows1258.NewDecoder()) > legacyScore(head, TCVN3.NewDecoder()) {
		return cp, nil
	}
	return tc, nil
}

func lastRuneStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b)
}

// vietLetters holds the letters of the Vietnamese alphabet beyond ASCII, in
// NFC, with whether they carry a tone mark.
var vietLetters = func() map[rune]bool {
	m := make(map[rune]bool, 270)
	tones := []string{"", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
	for _, base := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
		"A", "Ă", "Â", "E", "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"} {
		for i, t := range tones {
			if r, _ := utf8.DecodeRuneInString(norm.NFC.String(base + t)); r >= utf8.RuneSelf {
				m[r] = i > 0
			}
		}
	}
	m['đ'], m['Đ'] = false, false
	return m
}()

// legacyScore rates how Vietnamese a sample reads once decoded: letters of the
// Vietnamese alphabet count for it; other non-ASCII characters, combining marks
// that found no vowel, and syllables with two tone marks count against it.
func legacyScore(sample []byte, dec transform.Transformer) int {
	text, _, err := transform.String(dec, string(sample))
	if err != nil {
		return -1 << 30
	}
	text = norm.NFC.String(text)
	score := 0
	for _, word := range strings.FieldsFunc(text, func(r rune) bool { return r < utf8.RuneSelf && !unicode.IsLetter(r) }) {
		tones := 0
		for _, r := range word {
			if r < utf8.RuneSelf {
				continue
			}
			toned, ok := vietLetters[r]
			switch {
			case !ok:
				score -= 3
			case toned:
				tones++
				score++
			default:
				score++
			}
		}
		if tones > 1 {
			score -= 3 * (tones - 1)
		}
	}
	return score
}
