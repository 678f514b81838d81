package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// maxJSONDepth bounds the nesting of a GeoJSON file. A FeatureCollection of
// Points needs 5 levels (collection, features, feature, geometry,
// coordinates) and a property holding a list one or two more.
const maxJSONDepth = 32

// errTooDeep is what depthReader returns past maxJSONDepth.
var errTooDeep = errors.New("intake: JSON nested too deeply")

// depthReader passes JSON through and fails as soon as its nesting passes
// maxJSONDepth, before the decoder builds anything that deep.
type depthReader struct {
	r       io.Reader
	depth   int
	inStr   bool
	escaped bool
}

func (d *depthReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case d.escaped:
			d.escaped = false
		case d.inStr:
			switch c {
			case '\\':
				d.escaped = true
			case '"':
				d.inStr = false
			}
		case c == '"':
			d.inStr = true
		case c == '{' || c == '[':
			d.depth++
			if d.depth > maxJSONDepth {
				return 0, errTooDeep
			}
		case c == '}' || c == ']':
			d.depth--
		}
	}
	return n, err
}

// geojsonSource streams the features of a FeatureCollection one by one:
// properties are the columns (matched like headers), a Point geometry gives
// lat and lon, and the row is the 1-based feature index.
type geojsonSource struct {
	dec      *json.Decoder
	state    int // 0 before the features, 1 in them, 2 after
	opened   bool
	typ      string
	row      int
	present  [numColumns]bool
	known    bool
	unknown  map[string]bool
	reported bool
	warns    []string // unknown property names, reported with the header
}

func openGeoJSON(r io.Reader) *geojsonSource {
	dec := json.NewDecoder(&depthReader{r: r})
	dec.UseNumber()
	return &geojsonSource{dec: dec, unknown: map[string]bool{}}
}

func (g *geojsonSource) decimalComma() bool { return false }
func (g *geojsonSource) excelDates() bool   { return false }
func (g *geojsonSource) close()             {}

// header reports the columns of the first feature; unknown property names
// are warned once, when first seen.
func (g *geojsonSource) header(rep *Report) ([numColumns]bool, bool) {
	for _, w := range g.warns {
		rep.add(Warning, problem("column_unknown", 0, "", clip(w)))
	}
	g.warns = g.warns[:0]
	if !g.known || g.reported {
		return g.present, false
	}
	g.reported = true
	for c, ok := range g.present {
		if ok {
			rep.Columns = append(rep.Columns, Columns[c].Name)
		}
	}
	return g.present, true
}

// jsonError turns a decoder error into the file's problem.
func jsonError(err error) error {
	switch {
	case errors.Is(err, errTooDeep):
		return fatal("json_too_deep", 0, "", "limit", itoa(maxJSONDepth))
	case errors.Is(err, errTooLarge):
		return err
	case err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF):
		return fatal("json_invalid", 0, "tệp kết thúc đột ngột\x00unexpected end of file")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fatal("json_invalid", 0, se.Error()+" at byte "+strconv.FormatInt(se.Offset, 10))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fatal("not_feature_collection", 0, te.Value+" ở chỗ cần "+te.Field+"\x00"+te.Value+" where "+te.Field+" was expected")
	}
	return err
}

func (g *geojsonSource) next(rec *record) error {
	for {
		switch g.state {
		case 0:
			if err := g.start(); err != nil {
				return err
			}
		case 1:
			if g.dec.More() {
				return g.feature(rec)
			}
			if _, err := g.dec.Token(); err != nil { // ]
				return jsonError(err)
			}
			g.state = 0
		default:
			return io.EOF
		}
	}
}

// start reads the collection's members up to its features (state 1) or its
// end (state 2). The first call also reads the opening brace.
func (g *geojsonSource) start() error {
	if !g.opened {
		g.opened = true
		tok, err := g.dec.Token()
		if err != nil {
			return jsonError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			what := "một mảng JSON\x00a JSON array"
			if !ok {
				what = "một giá trị JSON đơn\x00a single JSON value"
			}
			return fatal("not_feature_collection", 0, what)
		}
	}
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return jsonError(err)
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := g.dec.Decode(&g.typ); err != nil {
				return jsonError(err)
			}
			if g.typ != "FeatureCollection" {
				return fatal("not_feature_collection", 0, "kiểu "+clip(g.typ)+"\x00type "+clip(g.typ))
			}
		case "features":
			tok, err := g.dec.Token()
			if err != nil {
				return jsonError(err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return fatal("not_feature_collection", 0, "features không phải danh sách\x00features is not a list")
			}
			g.state = 1
			return nil
		default:
			var skip json.RawMessage
			if err := g.dec.Decode(&skip); err != nil {
				return jsonError(err)
			}
		}
	}
	if _, err := g.dec.Token(); err != nil { // }
		return jsonError(err)
	}
	if g.typ != "FeatureCollection" {
		return fatal("not_feature_collection", 0, "thiếu \"type\": \"FeatureCollection\"\x00no \"type\": \"FeatureCollection\"")
	}
	if _, err := g.dec.Token(); err != io.EOF {
		return fatal("json_invalid", 0, "có dữ liệu sau FeatureCollection\x00data after the FeatureCollection")
	}
	g.state = 2
	return nil
}

type rawFeature struct {
	Type       string                     `json:"type"`
	Geometry   json.RawMessage            `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

func (g *geojsonSource) feature(rec *record) error {
	var f rawFeature
	if err := g.dec.Decode(&f); err != nil {
		return jsonError(err)
	}
	g.row++
	*rec = record{row: g.row}
	first := !g.known
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := columnOf(k)
		if c < 0 {
			if !g.unknown[k] && len(g.unknown) < maxHeaderCells {
				g.unknown[k] = true
				g.warns = append(g.warns, k)
			}
			continue
		}
		rec.cells[c] = jsonText(f.Properties[k])
		if first {
			g.present[c] = true
		}
	}
	if f.Type != "Feature" {
		rec.geometry = "type " + clip(f.Type)
	}
	raw := bytes.TrimSpace(f.Geometry)
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		p, typ := pointOf(raw)
		switch {
		case typ == geomBadPoint:
			rec.geometry = typ
			// The file does carry its coordinates as Points: not a
			// missing lat/lon column, only this row's fault.
			if first {
				g.present[colLat], g.present[colLon] = true, true
			}
		case typ != "Point":
			rec.geometry = typ
		default:
			rec.cells[colLat] = strconv.FormatFloat(p[1], 'f', -1, 64)
			rec.cells[colLon] = strconv.FormatFloat(p[0], 'f', -1, 64)
			rec.cells[colX], rec.cells[colY], rec.cells[colCRS] = "", "", ""
			if first {
				g.present[colLat], g.present[colLon] = true, true
			}
		}
	}
	g.known = true
	return nil
}

// What pointOf gives for geometries it cannot read. They start with NUL,
// which clip removes from any type the file names, so a file cannot
// spell them.
const (
	geomUnreadable = "\x00geometry"    // not an object with a "type"
	geomBadPoint   = "\x00coordinates" // a Point whose coordinates are not [lon, lat(, alt)]
)

// pointOf reads an RFC 7946 geometry: a Point gives its position (lon, lat;
// an altitude is ignored) and type "Point"; anything else gives its type, or
// geomUnreadable, or geomBadPoint. orb/geojson would do the same but pulls
// in a BSON module for this one struct.
func pointOf(raw json.RawMessage) (orb.Point, string) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal(raw, &g) != nil {
		return orb.Point{}, geomUnreadable
	}
	if g.Type != "Point" {
		if g.Type == "" {
			return orb.Point{}, geomUnreadable
		}
		return orb.Point{}, clip(g.Type)
	}
	var c []float64
	if json.Unmarshal(g.Coordinates, &c) != nil || len(c) < 2 || len(c) > 3 {
		return orb.Point{}, geomBadPoint
	}
	return orb.Point{c[0], c[1]}, "Point"
}

// jsonText is a property value as a cell: strings unquoted, numbers as
// written, null empty, a list of strings joined with ";" (facilities).
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case 'n':
		return ""
	case '[':
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return strings.Join(list, ";")
		}
	}
	return string(raw)
}
