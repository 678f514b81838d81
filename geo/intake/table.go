package intake

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxTitleRows is how many non-empty rows may stand above the header (a
// title such as "DANH SÁCH THÔN LÕM SÓNG", a date line).
const maxTitleRows = 10

// cellSource yields the rows of a spreadsheet-like file as cells: CSV or a
// sheet of a workbook. The slice is valid until the next call.
type cellSource interface {
	next() (row int, cells []string, err error)
	badText() bool // the last row is not valid UTF-8 (a row pasted from a legacy encoding)
	close()
}

// Physical columns that hold no survey column.
const (
	cellUnknown  = -1 // a header the specification does not know (warned once)
	cellNoHeader = -2 // no header above: data there is warned per row
)

// table reads a header row and maps the cells of each following row to the
// canonical columns.
type table struct {
	src     cellSource
	idx     [numColumns]int // physical cell of each column, -1 when absent
	cols    []int           // column of each physical cell, or cellUnknown / cellNoHeader
	present [numColumns]bool
	dc, xd  bool

	pending bool // pRow, pCells is a data row read while looking for a second header row
	pRow    int
	pCells  []string
}

// openTable finds the header: the first non-empty row if it names a column,
// else the first of the next rows that names two. A second header row right
// below it (the template's Vietnamese names under the canonical ones) is
// recognised and skipped.
func openTable(src cellSource, rep *Report) (*table, error) {
	t := &table{src: src}
	seen := 0
	for {
		row, cells, err := src.next()
		if err == io.EOF {
			if seen == 0 {
				return nil, fatal("file_empty", 0, "")
			}
			return nil, fatal("no_known_columns", 0, "")
		}
		if err != nil {
			return nil, err
		}
		if empty(cells) {
			continue
		}
		seen++
		if n, _ := recognised(cells); n >= 2 || n == 1 && seen == 1 {
			if seen > 1 {
				rep.add(Warning, problem("rows_before_header", row, "", ""))
			}
			if err := t.setHeader(cells, rep); err != nil {
				return nil, err
			}
			break
		}
		if seen >= maxTitleRows {
			return nil, fatal("no_known_columns", 0, "")
		}
	}
	for {
		row, cells, err := src.next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		if empty(cells) {
			continue
		}
		if n, nonEmpty := recognised(cells); n >= 2 && 2*n >= nonEmpty {
			return t, nil // a second header row
		}
		t.pending, t.pRow, t.pCells = true, row, append([]string(nil), cells...)
		return t, nil
	}
}

// recognised counts the cells that name a column, and the non-empty cells.
func recognised(cells []string) (n, nonEmpty int) {
	for _, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		nonEmpty++
		if columnOf(c) >= 0 {
			n++
		}
	}
	return n, nonEmpty
}

func (t *table) setHeader(cells []string, rep *Report) error {
	if _, nonEmpty := recognised(cells); nonEmpty > maxHeaderCells {
		return fatal("too_many_columns", 0, itoa(nonEmpty), "limit", itoa(maxHeaderCells))
	}
	for i := range t.idx {
		t.idx[i] = -1
	}
	t.cols = make([]int, len(cells))
	for i, h := range cells {
		h = strings.TrimSpace(h)
		t.cols[i] = cellNoHeader
		if h == "" {
			continue
		}
		t.cols[i] = cellUnknown
		c := columnOf(h)
		switch {
		case c < 0:
			rep.add(Warning, problem("column_unknown", 0, "", clip(h)))
		case t.idx[c] >= 0:
			rep.add(Error, problem("column_duplicate", 0, Columns[c].Name, clip(h)))
		default:
			t.idx[c] = i
			t.cols[i] = c
			t.present[c] = true
			rep.Columns = append(rep.Columns, Columns[c].Name)
		}
	}
	return nil
}

func (t *table) header(*Report) ([numColumns]bool, bool) { return t.present, true }
func (t *table) decimalComma() bool                      { return t.dc }
func (t *table) excelDates() bool                        { return t.xd }
func (t *table) close()                                  { t.src.close() }

func (t *table) next(rec *record) error {
	var (
		row   int
		cells []string
		err   error
	)
	if t.pending {
		row, cells, t.pending, t.pCells = t.pRow, t.pCells, false, nil
	} else {
		for {
			if row, cells, err = t.src.next(); err != nil {
				return err
			}
			if !empty(cells) {
				break
			}
		}
	}
	rec.row, rec.extra, rec.geometry, rec.badText = row, "", "", t.src.badText()
	for c, i := range t.idx {
		if i >= 0 && i < len(cells) {
			rec.cells[c] = cells[i]
		} else {
			rec.cells[c] = ""
		}
	}
	for i, cell := range cells {
		if (i >= len(t.cols) || t.cols[i] == cellNoHeader) && strings.TrimSpace(cell) != "" {
			rec.extra = cell
			break
		}
	}
	return nil
}

// csvCells adapts csvReader to cellSource, normalising the cells of legacy
// encodings (Windows-1258 writes tone marks as combining characters).
type csvCells struct {
	r      *csvReader
	legacy bool
}

func (c *csvCells) next() (int, []string, error) {
	row, cells, err := c.r.read()
	if err == nil && c.legacy {
		for i, s := range cells {
			cells[i] = norm.NFC.String(s)
		}
	}
	return row, cells, err
}

func (c *csvCells) badText() bool { return c.r.bad }
func (c *csvCells) close()        {}

// openCSV detects the encoding and the delimiter of a text file and opens its
// table. A semicolon- or tab-separated file accepts decimal commas.
func openCSV(br *bufio.Reader, head []byte, opt Options, rep *Report) (rowSource, error) {
	enc, ie := detectEncoding(head, opt.Encoding)
	if ie != nil {
		return nil, ie
	}
	rep.Encoding = enc.name
	if _, err := br.Discard(enc.bom); err != nil {
		return nil, err
	}
	text := br
	if enc.dec != nil {
		text = bufio.NewReaderSize(transform.NewReader(br, enc.dec), sniffBytes)
	}
	sample, err := text.Peek(sniffBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	comma := detectDelimiter(sample)
	rep.Delimiter = string(comma)
	cr := newCSVReader(text, comma)
	cr.check = enc.dec == nil // decoders only write valid UTF-8
	t, err := openTable(&csvCells{r: cr, legacy: enc.legacy}, rep)
	if err != nil {
		return nil, err
	}
	t.dc = comma != ','
	return t, nil
}
