package tile

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
	"google.golang.org/protobuf/encoding/protowire"
)

// Extent is the size of a tile in MVT coordinates (the spec's default).
const Extent = 4096

// pointLayer writes one MVT layer of Point features straight to protobuf
// (vector_tile.proto v2), with no allocation per feature. orb's encoder
// goes through a geojson.Feature and a properties map per point, which
// cost more than the query on a tile of thousands of points (bench/README.md);
// polygons still go through orb (polygonLayer). Tests decode its output
// with orb's decoder and compare it with ST_AsMVT's.
type pointLayer struct {
	name     string
	keys     []string
	values   []byte // the layer's values field (4), each an encoded Value
	nValues  uint32
	strIdx   map[string]uint32 // shared values of low-cardinality text
	intIdx   map[int64]uint32  // shared values of low-cardinality integers
	features []byte
	tags     []byte // packed tags of the feature being built
	n        int
}

func newPointLayer(name string, keys ...string) *pointLayer {
	return &pointLayer{name: name, keys: keys, strIdx: map[string]uint32{}, intIdx: map[int64]uint32{}}
}

// str adds the text property of key index k to the feature being built;
// shared values are stored once (category, status, province), others as
// they come (a village name rarely repeats within a tile).
func (l *pointLayer) str(k uint32, v string, shared bool) {
	if shared {
		if i, ok := l.strIdx[v]; ok {
			l.tag(k, i)
			return
		}
		l.strIdx[v] = l.nValues
	}
	l.values = protowire.AppendTag(l.values, 4, protowire.BytesType)
	l.values = protowire.AppendVarint(l.values, uint64(1+protowire.SizeVarint(uint64(len(v)))+len(v)))
	l.values = protowire.AppendTag(l.values, 1, protowire.BytesType)
	l.values = protowire.AppendString(l.values, v)
	l.tag(k, l.nValues)
	l.nValues++
}

// integer adds an integer property, like str.
func (l *pointLayer) integer(k uint32, v int64, shared bool) {
	if shared {
		if i, ok := l.intIdx[v]; ok {
			l.tag(k, i)
			return
		}
		l.intIdx[v] = l.nValues
	}
	field, u := protowire.Number(4), uint64(v) // int_value
	if v < 0 {
		field, u = 6, protowire.EncodeZigZag(v) // sint_value
	}
	l.values = protowire.AppendTag(l.values, 4, protowire.BytesType)
	l.values = protowire.AppendVarint(l.values, uint64(1+protowire.SizeVarint(u)))
	l.values = protowire.AppendTag(l.values, field, protowire.VarintType)
	l.values = protowire.AppendVarint(l.values, u)
	l.tag(k, l.nValues)
	l.nValues++
}

func (l *pointLayer) tag(k, v uint32) {
	l.tags = protowire.AppendVarint(l.tags, uint64(k))
	l.tags = protowire.AppendVarint(l.tags, uint64(v))
}

// point ends the feature being built: its id (0: none) and position in
// tile coordinates; the properties are those given since the last point.
func (l *pointLayer) point(id uint64, x, y int32) {
	zx, zy := uint64(protowire.EncodeZigZag(int64(x))), uint64(protowire.EncodeZigZag(int64(y)))
	geomLen := 1 + protowire.SizeVarint(zx) + protowire.SizeVarint(zy) // MoveTo(1) is one byte: 9
	size := 2 + 1 + protowire.SizeVarint(uint64(geomLen)) + geomLen    // type; geometry
	if id != 0 {
		size += 1 + protowire.SizeVarint(id)
	}
	if len(l.tags) > 0 {
		size += 1 + protowire.SizeVarint(uint64(len(l.tags))) + len(l.tags)
	}
	b := protowire.AppendTag(l.features, 2, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(size))
	if id != 0 {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, id)
	}
	if len(l.tags) > 0 {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, l.tags)
	}
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, 1) // POINT
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(geomLen))
	b = append(b, 1|1<<3) // MoveTo, one point
	b = protowire.AppendVarint(b, zx)
	b = protowire.AppendVarint(b, zy)
	l.features = b
	l.tags = l.tags[:0]
	l.n++
}

// tile returns the encoded tile holding this one layer.
func (l *pointLayer) tile() []byte {
	size := 2 + 1 + protowire.SizeBytes(len(l.name)) + len(l.features) + len(l.values) + 1 + protowire.SizeVarint(Extent)
	for _, k := range l.keys {
		size += 1 + protowire.SizeBytes(len(k))
	}
	t := make([]byte, 0, size+8)
	t = protowire.AppendTag(t, 3, protowire.BytesType)
	t = protowire.AppendVarint(t, uint64(size))
	t = protowire.AppendTag(t, 15, protowire.VarintType)
	t = protowire.AppendVarint(t, 2)
	t = protowire.AppendTag(t, 1, protowire.BytesType)
	t = protowire.AppendString(t, l.name)
	t = append(t, l.features...)
	for _, k := range l.keys {
		t = protowire.AppendTag(t, 3, protowire.BytesType)
		t = protowire.AppendString(t, k)
	}
	t = append(t, l.values...)
	t = protowire.AppendTag(t, 5, protowire.VarintType)
	return protowire.AppendVarint(t, Extent)
}

// projection maps lon/lat to the tile coordinates of one tile (Web
// Mercator, Extent units, y down).
type projection struct {
	n, x0, y0 float64
}

func newProjection(t maptile.Tile) projection {
	return projection{n: float64(uint64(1) << t.Z), x0: float64(t.X), y0: float64(t.Y)}
}

// frac returns the tile coordinates of a lon/lat point as floats.
func (p projection) frac(lon, lat float64) (float64, float64) {
	fx := (lon/360+0.5)*p.n - p.x0
	siny := math.Sin(lat * math.Pi / 180)
	fy := (0.5-math.Log((1+siny)/(1-siny))/(4*math.Pi))*p.n - p.y0
	return fx * Extent, fy * Extent
}

func (p projection) point(lon, lat float64) (int32, int32) {
	x, y := p.frac(lon, lat)
	return int32(math.Round(x)), int32(math.Round(y))
}

// polygonLayer encodes lon/lat features as one MVT layer with orb:
// projected, clipped to the tile plus the buffer MapLibre reads,
// simplified to a pixel, and empty rings dropped.
func polygonLayer(name string, t maptile.Tile, features []*geojson.Feature) ([]byte, error) {
	l := &mvt.Layer{Name: name, Version: 2, Extent: Extent, Features: features}
	l.ProjectToTile(t)
	l.Clip(mvt.MapboxGLDefaultExtentBound)
	l.Simplify(simplify.DouglasPeucker(Extent / 512)) // a pixel of a 512-px tile
	l.RemoveEmpty(1, 1)
	b, err := mvt.Marshal(mvt.Layers{l})
	if err != nil {
		return nil, fmt.Errorf("tile: encode %s: %w", name, err)
	}
	return b, nil
}

// clipLonLat cuts a shared (read-only) lon/lat geometry to a bound before
// it is projected, so a province of 100,000 vertices costs only the part
// in the tile; the result is a new geometry, safe to project in place.
func clipLonLat(b orb.Bound, mp orb.MultiPolygon) orb.MultiPolygon {
	var in orb.MultiPolygon
	for _, p := range mp {
		if len(p) > 0 && p[0].Bound().Intersects(b) {
			in = append(in, p.Clone()) // clip uses its input as scratch space
		}
	}
	return clip.MultiPolygon(b, in)
}
