package feature

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Features are written from the bytes pgx received, not scanned: scanning
// allocated every text value of every row (a page of 100 points is ~1,000
// strings) and was, with the garbage collector it kept busy, a third of the
// server's time per page. Values in binary format of the common types
// (integers, floats, booleans, dates, timestamps, text) are decoded here;
// anything else, NULLs where the property has none, and special values
// (infinite dates) go through pgx's type map exactly as scanning would, so
// the output is the same (encode_test.go compares the two).

// epoch2000 is PostgreSQL's epoch of dates and timestamps.
var epoch2000 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const epoch2000Micros = 946_684_800_000_000

// valueWriter appends one value, given as received (nil: NULL).
type valueWriter func(b, raw []byte) ([]byte, error)

// eachFeature writes the rows of c.selectList as GeoJSON Features and hands
// each to fn; the slice is reused between calls.
func eachFeature(rows pgx.Rows, c *Collection, fn func([]byte)) error {
	defer rows.Close()
	fds := rows.FieldDescriptions()
	geomCols := 1
	if c.point {
		geomCols = 2
	}
	if len(fds) != 1+geomCols+len(c.columns) {
		return fmt.Errorf("%d columns, want %d", len(fds), 1+geomCols+len(c.columns))
	}
	m := rows.Conn().TypeMap()
	idKind := byte('s')
	if c.idInt {
		idKind = 'i'
	}
	id := writerOf(m, fds[0], idKind)
	var x, y, geom valueWriter
	if c.point {
		x, y = writerOf(m, fds[1], 'f'), writerOf(m, fds[2], 'f')
	} else {
		geom = writerOf(m, fds[1], 'j')
	}
	props := make([]valueWriter, len(c.columns))
	names := make([][]byte, len(c.columns)) // `"name":`, with the comma before all but the first
	for i, col := range c.columns {
		props[i] = writerOf(m, fds[1+geomCols+i], col.kind)
		if i > 0 {
			names[i] = append(names[i], ',')
		}
		names[i] = append(appendString(names[i], []byte(col.name)), ':')
	}
	var b []byte
	var err error
	for rows.Next() {
		v := rows.RawValues()
		b = append(b[:0], `{"type":"Feature","id":`...)
		if b, err = id(b, v[0]); err != nil {
			return err
		}
		b = append(b, `,"geometry":`...)
		if c.point {
			b = append(b, `{"type":"Point","coordinates":[`...)
			if b, err = x(b, v[1]); err != nil {
				return err
			}
			b = append(b, ',')
			if b, err = y(b, v[2]); err != nil {
				return err
			}
			b = append(b, "]}"...)
		} else if b, err = geom(b, v[1]); err != nil {
			return err
		}
		b = append(b, `,"properties":{`...)
		for i, w := range props {
			b = append(b, names[i]...)
			if b, err = w(b, v[1+geomCols+i]); err != nil {
				return fmt.Errorf("%s: %w", c.columns[i].name, err)
			}
		}
		b = append(b, "}}"...)
		fn(b)
	}
	return rows.Err()
}

// writerOf returns the writer of a column of a kind (see column; 'j' is
// GeoJSON text, written as is).
func writerOf(m *pgtype.Map, fd pgconn.FieldDescription, kind byte) valueWriter {
	slow := func(b, raw []byte) ([]byte, error) { return appendScanned(b, m, fd, kind, raw) }
	isBinary := fd.Format == pgx.BinaryFormatCode
	switch {
	case kind == 's' || kind == 'j':
		if fd.DataTypeOID != pgtype.TextOID && fd.DataTypeOID != pgtype.VarcharOID {
			return slow
		}
		// Text is the same bytes in either format.
		return func(b, raw []byte) ([]byte, error) {
			if raw == nil {
				return slow(b, raw)
			}
			if kind == 'j' {
				return append(b, raw...), nil
			}
			return appendString(b, raw), nil
		}
	case !isBinary:
		return slow
	case kind == 'i' || kind == 'I':
		size := map[uint32]int{pgtype.Int2OID: 2, pgtype.Int4OID: 4, pgtype.Int8OID: 8}[fd.DataTypeOID]
		if size == 0 {
			return slow
		}
		return func(b, raw []byte) ([]byte, error) {
			switch {
			case raw == nil && kind == 'I':
				return append(b, "null"...), nil
			case len(raw) != size:
				return slow(b, raw)
			}
			return strconv.AppendInt(b, beInt(raw), 10), nil
		}
	case kind == 'f' && fd.DataTypeOID == pgtype.Float8OID:
		return func(b, raw []byte) ([]byte, error) {
			if len(raw) != 8 {
				return slow(b, raw)
			}
			return strconv.AppendFloat(b, math.Float64frombits(binary.BigEndian.Uint64(raw)), 'f', -1, 64), nil
		}
	case kind == 'b' && fd.DataTypeOID == pgtype.BoolOID:
		return func(b, raw []byte) ([]byte, error) {
			switch {
			case raw == nil:
				return append(b, "null"...), nil
			case len(raw) != 1:
				return slow(b, raw)
			case raw[0] != 0:
				return append(b, "true"...), nil
			}
			return append(b, "false"...), nil
		}
	case kind == 'd' && fd.DataTypeOID == pgtype.DateOID:
		return func(b, raw []byte) ([]byte, error) {
			if len(raw) != 4 {
				return slow(b, raw)
			}
			days := int32(binary.BigEndian.Uint32(raw))
			if days == math.MaxInt32 || days == math.MinInt32 { // infinity, -infinity
				return slow(b, raw)
			}
			return appendDate(b, epoch2000.AddDate(0, 0, int(days))), nil
		}
	case kind == 't' && fd.DataTypeOID == pgtype.TimestamptzOID:
		return func(b, raw []byte) ([]byte, error) {
			if len(raw) != 8 {
				return slow(b, raw)
			}
			us := int64(binary.BigEndian.Uint64(raw))
			if us == math.MaxInt64 || us == math.MinInt64 { // infinity, -infinity
				return slow(b, raw)
			}
			return appendTimestamp(b, time.UnixMicro(us+epoch2000Micros)), nil
		}
	}
	return slow
}

// beInt decodes a big-endian signed integer of 2, 4 or 8 bytes.
func beInt(raw []byte) int64 {
	switch len(raw) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(raw)))
	case 4:
		return int64(int32(binary.BigEndian.Uint32(raw)))
	}
	return int64(binary.BigEndian.Uint64(raw))
}

// appendScanned decodes a value with pgx's type map into the Go type of
// its kind, as scanning would, and appends it.
func appendScanned(b []byte, m *pgtype.Map, fd pgconn.FieldDescription, kind byte, raw []byte) ([]byte, error) {
	var err error
	switch kind {
	case 'i':
		var v int64
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			return strconv.AppendInt(b, v, 10), nil
		}
	case 'I':
		var v *int64
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			if v == nil {
				return append(b, "null"...), nil
			}
			return strconv.AppendInt(b, *v, 10), nil
		}
	case 's', 'j':
		var v string
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			if kind == 'j' {
				return append(b, v...), nil
			}
			return appendString(b, []byte(v)), nil
		}
	case 'f':
		var v float64
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			return strconv.AppendFloat(b, v, 'f', -1, 64), nil
		}
	case 'd':
		var v time.Time
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			return appendDate(b, v), nil
		}
	case 't':
		var v time.Time
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			return appendTimestamp(b, v), nil
		}
	case 'b':
		var v *bool
		if err = m.Scan(fd.DataTypeOID, fd.Format, raw, &v); err == nil {
			switch {
			case v == nil:
				return append(b, "null"...), nil
			case *v:
				return append(b, "true"...), nil
			}
			return append(b, "false"...), nil
		}
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	return b, fmt.Errorf("column %s: %w", fd.Name, err)
}

func appendDate(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.DateOnly)
	return append(b, '"')
}

// appendTimestamp writes an instant in UTC, to the second (RFC 3339).
func appendTimestamp(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// appendString appends s as a JSON string. Text is stored as valid UTF-8
// (NFC); each invalid byte becomes U+FFFD rather than breaking the
// document. Runs that need no escaping are copied whole.
func appendString(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRune(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, `\ufffd`...)
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
