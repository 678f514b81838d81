package intake

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/geo/survey"
)

// Zip-bomb limits of an .xlsx file. A survey workbook of 200,000 rows unpacks
// to a few hundred megabytes of XML at most, and XML compresses at most a
// hundred-fold or so; a bomb goes a thousand-fold or more.
const (
	maxUnzipBytes    = 1 << 30  // all entries, declared sizes (archive/zip holds entries to their declared size)
	maxUnzipXMLBytes = 64 << 20 // a sheet larger than this is unpacked to a temporary file, not memory
	maxZipEntries    = 10_000
	maxZipRatio      = 1000 // uncompressed / compressed, for entries over 1 MB
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
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > maxUnzipBytes {
			return fatal("zip_bomb", 0, "> "+sizeText(maxUnzipBytes), "limit", sizeText(maxUnzipBytes))
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > maxZipRatio*max(f.CompressedSize64, 1) {
			return fatal("zip_bomb", 0, sizeText(int64(f.UncompressedSize64))+" từ "+sizeText(int64(f.CompressedSize64))+"\x00"+sizeText(int64(f.UncompressedSize64))+" from "+sizeText(int64(f.CompressedSize64)),
				"limit", itoa(maxZipRatio)+":1")
		}
	}
	return nil
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
