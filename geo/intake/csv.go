package intake

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits of the CSV reader. They bound the memory one row can take, so a
// quote that never closes costs at most maxRecordBytes, not the whole file.
const (
	maxRecordBytes = 1 << 20 // one row, all its cells together
	maxFields      = 1024    // cells in one row, empty ones included (Excel pads rows with separators)
	maxHeaderCells = 256     // non-empty header cells
)

// csvReader reads RFC 4180 records with Excel's leniencies: a quote inside an
// unquoted cell is a plain character, a quoted cell may span lines, and CRLF
// or LF end a row. Unlike encoding/csv it counts a blank line as a row (as a
// spreadsheet does), bounds the size of a row, and returns cells as
// substrings of one string per row: a row costs one allocation.
type csvReader struct {
	br     *bufio.Reader
	comma  byte
	row    int  // spreadsheet row of the last record returned
	check  bool // check that records are valid UTF-8
	bad    bool // the last record is not valid UTF-8
	long   []byte
	buf    []byte
	ends   []int
	fields []string
}

func newCSVReader(r io.Reader, comma byte) *csvReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &csvReader{br: br, comma: comma}
}

// csvError is a row that cannot be read; read returns it with the row number.
type csvError struct {
	code string // unclosed_quote, row_too_long, too_many_columns
	row  int
	n    int // cells, for too_many_columns
}

func (e *csvError) Error() string { return e.code }

// readLine returns the next line without its end of line, or io.EOF when the
// input is exhausted. The slice is valid until the next call.
func (c *csvReader) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.long = append(c.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(c.long) > maxRecordBytes {
				return nil, &csvError{code: "row_too_long", row: c.row + 1}
			}
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	line = bytes.TrimSuffix(line, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return line, nil
}

// read returns the cells of the next row and its spreadsheet row number. A
// blank line is a row of one empty cell. At the end it returns io.EOF; a row
// that cannot be read gives a *csvError.
func (c *csvReader) read() (int, []string, error) {
	line, err := c.readLine()
	if err != nil {
		return 0, nil, err
	}
	c.row++
	if len(line) > maxRecordBytes {
		return 0, nil, &csvError{code: "row_too_long", row: c.row}
	}
	c.fields = c.fields[:0]
	c.bad = c.check && !utf8.Valid(line)
	if bytes.IndexByte(line, '"') < 0 {
		if n := bytes.Count(line, []byte{c.comma}); n >= maxFields {
			return 0, nil, &csvError{code: "too_many_columns", row: c.row, n: n + 1}
		}
		s := string(line)
		for {
			i := strings.IndexByte(s, c.comma)
			if i < 0 {
				c.fields = append(c.fields, s)
				break
			}
			c.fields = append(c.fields, s[:i])
			s = s[i+1:]
		}
		return c.row, c.fields, nil
	}
	return c.readQuoted(line)
}

// readQuoted parses a line holding quotes, reading more lines while a quoted
// cell goes on.
func (c *csvReader) readQuoted(line []byte) (int, []string, error) {
	start := c.row
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
		quoted:
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The cell goes on past the end of the line.
					c.buf = append(c.buf, line[pos:]...)
					c.buf = append(c.buf, '\n')
					if len(c.buf) > maxRecordBytes {
						return 0, nil, &csvError{code: "row_too_long", row: start}
					}
					var err error
					if line, err = c.readLine(); err != nil {
						if err == io.EOF {
							return 0, nil, &csvError{code: "unclosed_quote", row: start}
						}
						return 0, nil, err
					}
					pos = 0
					continue
				}
				c.buf = append(c.buf, line[pos:pos+i]...)
				pos += i + 1
				switch {
				case pos < len(line) && line[pos] == '"': // "" is one quote
					c.buf = append(c.buf, '"')
					pos++
				case pos == len(line) || line[pos] == c.comma:
					break quoted
				default:
					// "abc"def: Excel reads abc"def; keep the rest of the cell as it is.
					c.buf = append(c.buf, '"')
					j := bytes.IndexByte(line[pos:], c.comma)
					if j < 0 {
						j = len(line) - pos
					}
					c.buf = append(c.buf, line[pos:pos+j]...)
					pos += j
					break quoted
				}
			}
		} else {
			j := bytes.IndexByte(line[pos:], c.comma)
			if j < 0 {
				j = len(line) - pos
			}
			c.buf = append(c.buf, line[pos:pos+j]...)
			pos += j
		}
		c.ends = append(c.ends, len(c.buf))
		if len(c.ends) >= maxFields {
			return 0, nil, &csvError{code: "too_many_columns", row: start, n: len(c.ends)}
		}
		if pos >= len(line) {
			break
		}
		pos++ // the separator
		if pos == len(line) {
			c.ends = append(c.ends, len(c.buf)) // a trailing separator: one more empty cell
			break
		}
	}
	c.bad = c.check && !utf8.Valid(c.buf)
	s := string(c.buf)
	prev := 0
	for _, e := range c.ends {
		c.fields = append(c.fields, s[prev:e])
		prev = e
	}
	return start, c.fields, nil
}

// detectDelimiter picks ',', ';' or TAB: the one that occurs most often,
// outside quotes, on any single one of the first lines. A title row above the
// header (a single cell) does not mislead it.
func detectDelimiter(sample []byte) byte {
	best, bestN := byte(','), 0
	lines := 0
	inQuote := false
	var count [3]int
	delims := [3]byte{',', ';', '\t'}
	for i := 0; i < len(sample) && lines < 30; i++ {
		switch b := sample[i]; b {
		case '"':
			inQuote = !inQuote
		case '\n':
			if inQuote {
				continue
			}
			lines++
			for k, n := range count {
				if n > bestN {
					best, bestN = delims[k], n
				}
			}
			count = [3]int{}
		default:
			if inQuote {
				continue
			}
			for k, d := range delims {
				if b == d {
					count[k]++
				}
			}
		}
	}
	for k, n := range count {
		if n > bestN {
			best, bestN = delims[k], n
		}
	}
	return best
}
