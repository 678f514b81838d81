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
// (vector_tile.proto v2). orb's encoder goes through a geojson.Feature and
// a properties map per point, which cost more than the query on a tile of
// thousands of points; polygons still go through orb (polygonLayer).
// Tests decode its output with orb's decoder.
type pointLayer struct {
	name     string
	keys     []string
	keyIdx   map[string]uint32
	values   []value
	valueIdx map[value]uint32
	features []byte
	n        int
	tags     []uint32
}

// value is an MVT property value: a string, an integer or a double.
type value struct {
	kind byte // 's', 'i', 'f'
	s    string
	i    int64
	f    float64
}

func str(s string) value     { return value{kind: 's', s: s} }
func integer(i int64) value  { return value{kind: 'i', i: i} }
func double(f float64) value { return value{kind: 'f', f: f} }
func newPointLayer(name string) *pointLayer {
	return &pointLayer{name: name, keyIdx: map[string]uint32{}, valueIdx: map[value]uint32{}}
}

// prop adds one property to the feature being built.
func (l *pointLayer) prop(key string, v value) {
	k, ok := l.keyIdx[key]
	if !ok {
		k = uint32(len(l.keys))
		l.keys = append(l.keys, key)
		l.keyIdx[key] = k
	}
	vi, ok := l.valueIdx[v]
	if !ok {
		vi = uint32(len(l.values))
		l.values = append(l.values, v)
		l.valueIdx[v] = vi
	}
	l.tags = append(l.tags, k, vi)
}

// point ends the feature being built: its id (0: none) and position in
// tile coordinates; the properties are those given since the last point.
func (l *pointLayer) point(id uint64, x, y int32) {
	var f []byte
	if id != 0 {
		f = protowire.AppendTag(f, 1, protowire.VarintType)
		f = protowire.AppendVarint(f, id)
	}
	if len(l.tags) > 0 {
		var packed []byte
		for _, t := range l.tags {
			packed = protowire.AppendVarint(packed, uint64(t))
		}
		f = protowire.AppendTag(f, 2, protowire.BytesType)
		f = protowire.AppendBytes(f, packed)
	}
	f = protowire.AppendTag(f, 3, protowire.VarintType)
	f = protowire.AppendVarint(f, 1) // POINT
	var g []byte
	g = protowire.AppendVarint(g, 1|1<<3) // MoveTo, one point
	g = protowire.AppendVarint(g, uint64(protowire.EncodeZigZag(int64(x))))
	g = protowire.AppendVarint(g, uint64(protowire.EncodeZigZag(int64(y))))
	f = protowire.AppendTag(f, 4, protowire.BytesType)
	f = protowire.AppendBytes(f, g)

	l.features = protowire.AppendTag(l.features, 2, protowire.BytesType)
	l.features = protowire.AppendBytes(l.features, f)
	l.tags = l.tags[:0]
	l.n++
}

// tile returns the encoded tile holding this one layer.
func (l *pointLayer) tile() []byte {
	var b []byte
	b = protowire.AppendTag(b, 15, protowire.VarintType)
	b = protowire.AppendVarint(b, 2)
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, l.name)
	b = append(b, l.features...)
	for _, k := range l.keys {
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendString(b, k)
	}
	for _, v := range l.values {
		var vb []byte
		switch v.kind {
		case 's':
			vb = protowire.AppendTag(vb, 1, protowire.BytesType)
			vb = protowire.AppendString(vb, v.s)
		case 'f':
			vb = protowire.AppendTag(vb, 3, protowire.Fixed64Type)
			vb = protowire.AppendFixed64(vb, math.Float64bits(v.f))
		default:
			if v.i < 0 {
				vb = protowire.AppendTag(vb, 6, protowire.VarintType)
				vb = protowire.AppendVarint(vb, protowire.EncodeZigZag(v.i))
			} else {
				vb = protowire.AppendTag(vb, 4, protowire.VarintType)
				vb = protowire.AppendVarint(vb, uint64(v.i))
			}
		}
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendBytes(b, vb)
	}
	b = protowire.AppendTag(b, 5, protowire.VarintType)
	b = protowire.AppendVarint(b, Extent)

	var t []byte
	t = protowire.AppendTag(t, 3, protowire.BytesType)
	return protowire.AppendBytes(t, b)
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
