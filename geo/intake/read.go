package intake

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/survey"
)

// Reference is the reference data the checks need: codes old and new,
// names, and where a point lies. *admin.Data implements it, offline, from
// the data built into the binary.
type Reference interface {
	TranslateProvince(code string) (newCode string, translated, ok bool)
	TranslateCommune(code string) (newCodes []string, translated, ok bool)
	CommuneProvince(code string) (provinceCode string, ok bool)
	ProvinceAt(p orb.Point) (code string, ok bool)
	ProvinceName(code string) string
	CommuneDistance(code string, p orb.Point) (metres float64, ok bool)
	Commune(code string) (admin.Commune, bool)
	ProvinceCommunes(provinceCode string) []admin.Commune
}

// Limits for uploads over HTTP, as the published specification states. The
// CLI passes no limits and streams files of any length.
const (
	HTTPMaxBytes = 64 << 20
	HTTPMaxRows  = 200_000
)

// maxXLSXBytes bounds an .xlsx file when Options.MaxBytes is 0: a workbook is
// read into memory whole (its zip directory is at its end).
const maxXLSXBytes = 256 << 20

// Options tune Read. The zero value reads any province's file of any size.
type Options struct {
	// Province is the submitting province's 2025 code: a row of another
	// province is an error. "" accepts every province (reviewers, admins).
	Province string
	// Sheet names the XLSX sheet to read; "" reads the first visible one.
	Sheet string
	// Encoding forces a CSV encoding (utf-8, utf-16le, utf-16be,
	// windows-1258, tcvn3); "" detects it. A byte-order mark always wins.
	Encoding string
	// MaxRows refuses files with more data rows (too_many_rows); 0 = no limit.
	MaxRows int
	// MaxBytes refuses larger files (file_too_large); 0 = no limit, except
	// that an .xlsx file is read into memory and capped at 256 MB.
	MaxBytes int64
	// MaxProblems caps the problems a Report keeps; 0 = DefaultMaxProblems.
	MaxProblems int
	// Now gives today's date for the "not in the future" check, in Vietnam
	// time; nil = time.Now.
	Now func() time.Time
}

// sniffBytes is how much of a file format and encoding detection look at.
const sniffBytes = 64 << 10

// Read reads a survey file from r (CSV, XLSX or GeoJSON, told apart by
// content), validates every row against ref, calls emit (which may be nil)
// with each valid point in file order, and returns the row-by-row report.
// A row with only warnings is valid. Memory stays flat for CSV of any length
// apart from the duplicate indexes (about 40 bytes a row).
//
// A file that cannot be read as a survey file returns a *phusong.InputError
// (exit 2, HTTP 4xx) with a code among file_empty, file_too_large,
// file_binary, file_xls, file_unreadable, encoding_unsupported,
// unclosed_quote, row_too_long, too_many_columns, too_many_rows,
// no_known_columns, no_rows, zip_bomb, cell_too_long, sheet_not_found, json_invalid,
// json_too_deep and not_feature_collection, and the report so far. Such an
// error can come after some points were emitted: the caller must then store
// nothing. An error returned by emit stops the read and is returned wrapped;
// so is ctx's error and an error reading r.
func Read(ctx context.Context, r io.Reader, ref Reference, opt Options, emit func(survey.Point) error) (*Report, error) {
	rep := newReport(opt.MaxProblems)
	lr := &limitReader{r: r, max: opt.MaxBytes}
	br := bufio.NewReaderSize(lr, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return rep, inputError(err, lr.max)
	}
	err = nil
	if len(bytes.TrimSpace(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}))) == 0 {
		return rep, fatal("file_empty", 0, "")
	}
	var src rowSource
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		rep.Format = "xlsx"
		src, err = openXLSX(br, opt, lr.max, rep)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return rep, fatal("file_xls", 0, "")
	case looksJSON(head):
		rep.Format = "geojson"
		if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
			br.Discard(3)
		}
		src = openGeoJSON(br)
	default:
		rep.Format = "csv"
		src, err = openCSV(br, head, opt, rep)
	}
	if err != nil {
		return rep, inputError(err, lr.max)
	}
	defer src.close()
	if err := readRows(ctx, src, ref, opt, rep, emit); err != nil {
		return rep, inputError(err, lr.max)
	}
	return rep, nil
}

// ValidateFile checks the survey file at path without storing anything, as
// `phusong validate` does: Read with no emit. A file that cannot be opened
// is a *phusong.InputError (file_unreadable), so ExitCode gives 2 for it too.
func ValidateFile(ctx context.Context, path string, ref Reference, opt Options) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return newReport(opt.MaxProblems), fatal("file_unreadable", 0, clip(err.Error()))
	}
	defer f.Close()
	return Read(ctx, f, ref, opt, nil)
}

// record is one data row in canonical column order.
type record struct {
	row      int
	cells    [numColumns]string
	extra    string // a cell with data under no header, for row_extra_cells
	geometry string // GeoJSON: the geometry type when it is not a Point
	badText  bool   // the row is not valid UTF-8 (CSV) or holds a NUL character
}

// rowSource yields the data rows of a file. columns reports the columns the
// file has, once known: at once for tables, after the first feature for
// GeoJSON (which has no header).
type rowSource interface {
	next(rec *record) error // io.EOF at the end
	header(rep *Report) (present [numColumns]bool, known bool)
	decimalComma() bool
	excelDates() bool
	close()
}

func readRows(ctx context.Context, src rowSource, ref Reference, opt Options, rep *Report, emit func(survey.Point) error) error {
	v := newValidator(ref, opt, rep, src.decimalComma(), src.excelDates())
	var rec record
	checked := false
	if present, ok := src.header(rep); ok {
		v.setColumns(present)
		checked = true
	}
	for {
		if err := src.next(&rec); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if !checked {
			if present, ok := src.header(rep); ok {
				v.setColumns(present)
				checked = true
			}
		}
		rep.Rows++
		if opt.MaxRows > 0 && rep.Rows > opt.MaxRows {
			return fatal("too_many_rows", rec.row, "", "limit", itoa(opt.MaxRows))
		}
		if rep.Rows&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p, ok := v.row(&rec)
		if !ok {
			continue
		}
		rep.Valid++
		if emit != nil {
			if err := emit(p); err != nil {
				return fmt.Errorf("intake: row %d: %w", rec.row, err)
			}
		}
	}
	if !checked {
		if present, ok := src.header(rep); ok {
			v.setColumns(present)
		}
	}
	if rep.Rows == 0 {
		return fatal("no_rows", 0, "")
	}
	return ctx.Err()
}

// looksJSON reports whether the file starts, after blanks and a BOM, with
// an object or an array.
func looksJSON(head []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// errTooLarge is what limitReader returns past its limit.
var errTooLarge = errors.New("intake: file too large")

// limitReader fails with errTooLarge once more than max bytes were read
// (max 0 = no limit).
type limitReader struct {
	r      io.Reader
	max, n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max <= 0 {
		return l.r.Read(p)
	}
	if l.n >= l.max {
		// One byte more tells a file of exactly the limit from a larger one.
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// inputError turns what went wrong reading into the error Read returns:
// problems of the file become *phusong.InputError; the caller's own errors
// (emit, ctx, I/O) pass through.
func inputError(err error, limit int64) error {
	var ie *phusong.InputError
	var ce *csvError
	switch {
	case errors.As(err, &ie):
		return ie
	case errors.Is(err, errTooLarge):
		return fatal("file_too_large", 0, "", "limit", sizeText(limit))
	case errors.As(err, &ce):
		switch ce.code {
		case "too_many_columns":
			return fatal(ce.code, ce.row, itoa(ce.n), "limit", itoa(maxFields))
		case "row_too_long":
			return fatal(ce.code, ce.row, "", "limit", sizeText(maxRecordBytes))
		}
		return fatal(ce.code, ce.row, "")
	}
	return err
}

// sizeText writes a byte count for a message: "64 MB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return itoa(int(n>>30)) + " GB"
	case n >= 1<<20:
		return itoa(int(n>>20)) + " MB"
	case n >= 1<<10:
		return itoa(int(n>>10)) + " KB"
	}
	return itoa(int(n)) + " B"
}

// empty reports whether every cell is blank.
func empty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
