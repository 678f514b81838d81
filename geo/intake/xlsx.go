package intake

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/geo/survey"
)

// Zip-bomb limits of an .xlsx file. A workbook of 200,000 rows (the HTTP
// limit) with all 28 columns filled with ordinary text measured 300 MB of
// XML (inline strings; 226 MB with shared strings) packed 7–18-fold; notes of
// the full 2,000 characters on every row bring it near 1 GB, hence the total.
// A bomb packs a thousand-fold or more.
const (
	maxUnzipBytes    = 1 << 30  // all entries, declared sizes (archive/zip holds entries to their declared size)
	maxUnzipXMLBytes = 64 << 20 // a sheet or shared-string table larger than this is unpacked to a temporary file, not memory
	maxZipEntries    = 10_000
	maxZipRatio      = 1000 // uncompressed / compressed, for entries over 1 MB
	// maxInMemoryBytes bounds what excelize unpacks into memory: every
	// entry but the sheets and the shared-string table over
	// maxUnzipXMLBytes (those go to temporary files). The measured
	// workbook above keeps 44 MB in memory (its shared strings).
	maxInMemoryBytes = 128 << 20
)

// openXLSX reads a workbook into memory after checking its zip directory,
// and opens the chosen sheet's table. Cells come as stored, not formatted
// (RawCellValue): numbers keep their full precision and dates come as Excel
// serial numbers; a formula cell gives its cached value and is never
// evaluated.
func openXLSX(r io.Reader, opt Options, limit int64, rep *Report) (rowSource, error) {
	if limit <= 0 {
		limit = maxXLSXBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	if err := checkZip(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: maxUnzipXMLBytes})
	switch {
	case err == nil:
	case strings.Contains(err.Error(), "unzip size"):
		return nil, fatal("zip_bomb", 0, "> "+sizeText(maxUnzipBytes), "limit", sizeText(maxUnzipBytes))
	default:
		return nil, unreadableXLSX(data, "không phải sổ làm việc Excel .xlsx hợp lệ\x00not a valid Excel .xlsx workbook")
	}
	sheet, err := pickSheet(f, opt.Sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, unreadableXLSX(data, "không đọc được trang "+sheet+"\x00sheet "+sheet+" cannot be read")
	}
	rep.Sheet = sheet
	cells := &xlsxCells{f: f, rows: rows, data: data}
	t, err := openTable(cells, rep)
	if err != nil {
		cells.close()
		if overflows(data) {
			return nil, bombLiar()
		}
		return nil, err
	}
	t.dc, t.xd = true, true
	return t, nil
}

// checkZip refuses what is not a zip and zip bombs, from the zip directory,
// before anything is unpacked.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fatal("file_unreadable", 0, "tệp .xlsx bị hỏng, không phải tệp zip hợp lệ\x00not a valid Excel .xlsx workbook (damaged zip)")
	}
	if len(zr.File) > maxZipEntries {
		return fatal("zip_bomb", 0, itoa(len(zr.File))+" tệp con\x00"+itoa(len(zr.File))+" entries", "limit", itoa(maxZipEntries)+" tệp con\x00"+itoa(maxZipEntries)+" entries")
	}
	var total, inMemory uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxUnzipBytes {
			return fatal("zip_bomb", 0, "> "+sizeText(maxUnzipBytes), "limit", sizeText(maxUnzipBytes))
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > maxZipRatio*max(f.CompressedSize64, 1) {
			return fatal("zip_bomb", 0, sizeText(int64(f.UncompressedSize64))+" từ "+sizeText(int64(f.CompressedSize64))+"\x00"+sizeText(int64(f.UncompressedSize64))+" from "+sizeText(int64(f.CompressedSize64)),
				"limit", itoa(maxZipRatio)+":1")
		}
		if !toTempFile(f) {
			inMemory += f.UncompressedSize64
			if inMemory > maxInMemoryBytes {
				return fatal("zip_bomb", 0, "> "+sizeText(maxInMemoryBytes)+" trong bộ nhớ\x00> "+sizeText(maxInMemoryBytes)+" in memory",
					"limit", sizeText(maxInMemoryBytes))
			}
		}
	}
	return checkTokens(zr)
}

// toTempFile reports whether excelize unpacks an entry to a temporary file
// rather than into memory (excelize's ReadZipReader): sheets and the
// shared-string table larger than maxUnzipXMLBytes.
func toTempFile(f *zip.File) bool {
	name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	return f.UncompressedSize64 > maxUnzipXMLBytes &&
		(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
}

// checkTokens refuses a workbook with a cell or a row longer than a CSV row
// may be (maxRecordBytes). The limits above bound the unpacked size, not what
// one XML token holds: encoding/xml, under excelize's row iterator, keeps a
// whole text node in memory several times over, so a 300 MB cell packed into
// a 400 KB file took the server from 168 MB to 1.9 GB. Each entry over
// maxRecordBytes is unpacked once more, as a stream, before excelize sees it
// (≈0.5 s for the 300 MB sheet of 200,000 rows); every entry, not only the
// .xml ones, because the workbook's relationships may point a sheet at any
// name.
func checkTokens(zr *zip.Reader) error {
	var br *bufio.Reader
	for _, f := range zr.File {
		if f.UncompressedSize64 <= maxRecordBytes {
			continue // nothing in it can be longer
		}
		rc, err := f.Open()
		if err != nil {
			continue // excelize reports what it cannot open
		}
		if br == nil {
			br = bufio.NewReaderSize(rc, maxRecordBytes)
		} else {
			br.Reset(rc)
		}
		err = scanTokens(br, maxRecordBytes)
		rc.Close()
		var long *longToken
		switch {
		case errors.As(err, &long) && long.row > 0:
			return fatal("cell_too_long", long.row, "dòng "+itoa(long.row)+"\x00row "+itoa(long.row), "limit", sizeText(maxRecordBytes))
		case errors.As(err, &long):
			return fatal("cell_too_long", 0, clip(f.Name), "limit", sizeText(maxRecordBytes))
		case errors.Is(err, zip.ErrFormat):
			return bombLiar() // more bytes than declared
		}
	}
	return nil
}

// longToken is scanTokens' error: row is the sheet row (0 outside a row).
type longToken struct{ row int }

func (e *longToken) Error() string { return "intake: xlsx token over the limit in row " + itoa(e.row) }

// scanTokens reads XML from br (whose buffer is limit bytes) and returns a
// *longToken when a tag or a text node is longer than limit, or when a sheet
// row (<row>) or a shared string (<si>) is. It does not check that the XML
// is well formed: excelize does that. Other read errors are returned as is.
func scanTokens(br *bufio.Reader, limit int64) error {
	var (
		pos        int64 // offset of the segment being read
		elemStart  int64 = -1
		row, rowNo int
		first      = true
	)
	for {
		// A segment runs from just after one '<' to the next '<': the tag
		// that '<' opened, then the text after it.
		seg, err := br.ReadSlice('<')
		if errors.Is(err, bufio.ErrBufferFull) {
			return &longToken{row: row}
		}
		if err != nil && err != io.EOF {
			return err
		}
		if !first && len(seg) > 0 {
			end := len(seg) > 0 && seg[0] == '/'
			name := seg
			if end {
				name = name[1:]
			}
			if i := bytes.IndexAny(name, " \t\r\n/><"); i >= 0 {
				name = name[:i]
			}
			if i := bytes.LastIndexByte(name, ':'); i >= 0 {
				name = name[i+1:]
			}
			isRow := string(name) == "row"
			if isRow || string(name) == "si" {
				switch {
				case end:
					elemStart, row = -1, 0
				default:
					tag := seg
					if i := bytes.IndexByte(seg, '>'); i >= 0 {
						tag = seg[:i+1]
					}
					if !bytes.HasSuffix(tag, []byte("/>")) {
						elemStart = pos - 1
					}
					if isRow {
						rowNo = rowNumber(tag, rowNo+1)
						row = rowNo
					}
				}
			}
		}
		first = false
		pos += int64(len(seg))
		if elemStart >= 0 && pos-elemStart > limit {
			return &longToken{row: row}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// rowNumber reads the r="N" attribute of a <row> start tag, else next.
func rowNumber(tag []byte, next int) int {
	for _, q := range []string{` r="`, "\tr=\"", "\nr=\"", ` r='`} {
		if i := bytes.Index(tag, []byte(q)); i >= 0 {
			v := tag[i+len(q):]
			n := 0
			for _, c := range v {
				if c < '0' || c > '9' || n > 1e8 {
					break
				}
				n = n*10 + int(c-'0')
			}
			if n > 0 {
				return n
			}
		}
	}
	return next
}

// unreadableXLSX is the error for a workbook excelize cannot read: a zip
// bomb if some entry unpacks to more than it declares, else file_unreadable.
// excelize ignores the error archive/zip returns for such an entry (and keeps
// only the declared size, so memory was never at risk); the check runs only
// on failure, so good files are not unpacked twice.
func unreadableXLSX(data []byte, what string) error {
	if overflows(data) {
		return bombLiar()
	}
	return fatal("file_unreadable", 0, what)
}

func bombLiar() error {
	return fatal("zip_bomb", 0, "một phần của tệp lớn hơn kích thước ghi trong tệp\x00an entry larger than it declares", "limit", "kích thước đã ghi\x00the declared size")
}

// overflows reports whether an entry of the zip unpacks to more than its
// declared size (or cannot be unpacked at all).
func overflows(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if errors.Is(err, zip.ErrFormat) || n > int64(f.UncompressedSize64) {
			return true
		}
	}
	return false
}

// pickSheet returns the sheet named (case and diacritics aside), or the
// first visible one.
func pickSheet(f *excelize.File, name string) (string, error) {
	list := f.GetSheetList()
	if name != "" {
		for _, s := range list {
			if s == name || survey.Fold(s) == survey.Fold(name) {
				return s, nil
			}
		}
		return "", fatal("sheet_not_found", 0, name, "allowed", strings.Join(list, ", "))
	}
	for _, s := range list {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	if len(list) > 0 {
		return list[0], nil
	}
	return "", fatal("file_empty", 0, "")
}

// xlsxCells adapts excelize's streaming row iterator to cellSource. Rows
// come in sheet order with empty rows included, so the count is the row
// number.
type xlsxCells struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
	data []byte
}

func (x *xlsxCells) next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, x.fail(err)
		}
		return 0, nil, io.EOF
	}
	x.row++
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, x.fail(err)
	}
	if len(cells) > maxFields {
		return 0, nil, &csvError{code: "too_many_columns", row: x.row, n: len(cells)}
	}
	return x.row, cells, nil
}

func (x *xlsxCells) fail(error) error {
	return unreadableXLSX(x.data, "không đọc được dòng "+itoa(x.row+1)+" của trang tính\x00row "+itoa(x.row+1)+" of the sheet cannot be read")
}

// badText is false: the XML decoder refuses invalid UTF-8.
func (x *xlsxCells) badText() bool { return false }

func (x *xlsxCells) close() {
	x.rows.Close()
	x.f.Close()
}
