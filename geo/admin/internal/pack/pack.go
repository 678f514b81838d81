// Package pack encodes keyed multipolygons compactly: coordinates quantised
// to integers at a fixed scale (1e5 for 5-decimal data, 1e6 for 6-decimal
// data), stored as zig-zag varint deltas from the previous vertex, with the
// closing vertex of each ring left out, the whole gzipped.
//
// The generator (geo/admin/internal/gen) writes the files with Encode and
// package admin reads them with Decode. Quantising is lossless only when every
// coordinate has at most log10(scale) decimals; Encode refuses anything else,
// so a source with more precision fails the generator instead of being
// rounded silently.
//
// Layout before gzip, every integer a varint:
//
//	"PACK1"  scale  nFeatures  nPoints (all rings, closing points included)
//	per feature:  len(key) key  nPolygons
//	  per polygon:  nRings
//	    per ring:  nPoints  (dx dy) × nPoints   (signed, zig-zag; closing point omitted)
package pack

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
)

const magic = "PACK1"

// Feature is one keyed multipolygon: a province or commune code and its boundary.
type Feature struct {
	Key      string
	Boundary orb.MultiPolygon
}

// Encode writes features to w at the given scale (coordinates × scale must be
// integers). Rings must be closed (first point equal to last) and have at
// least 4 points.
func Encode(w io.Writer, scale int, features []Feature) error {
	if scale <= 0 {
		return fmt.Errorf("pack: scale %d", scale)
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	var buf [binary.MaxVarintLen64]byte
	putU := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	putS := func(v int64) { bw.Write(buf[:binary.PutVarint(buf[:], v)]) }

	bw.WriteString(magic)
	putU(uint64(scale))
	putU(uint64(len(features)))
	total := 0
	for _, f := range features {
		for _, poly := range f.Boundary {
			for _, ring := range poly {
				total += len(ring)
			}
		}
	}
	putU(uint64(total))
	var px, py int64
	for _, f := range features {
		putU(uint64(len(f.Key)))
		bw.WriteString(f.Key)
		putU(uint64(len(f.Boundary)))
		for pi, poly := range f.Boundary {
			putU(uint64(len(poly)))
			for ri, ring := range poly {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					return fmt.Errorf("pack: %s polygon %d ring %d: not a closed ring of ≥ 4 points", f.Key, pi, ri)
				}
				open := ring[:len(ring)-1]
				putU(uint64(len(open)))
				for _, p := range open {
					x, okx := quantise(p[0], scale)
					y, oky := quantise(p[1], scale)
					if !okx || !oky {
						return fmt.Errorf("pack: %s: coordinate %v has more precision than scale %d", f.Key, p, scale)
					}
					putS(x - px)
					putS(y - py)
					px, py = x, y
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// quantise returns v×scale as an integer, and whether dividing it by scale
// again gives back exactly v (the float64 the source text parsed to).
func quantise(v float64, scale int) (int64, bool) {
	q := math.Round(v * float64(scale))
	return int64(q), q/float64(scale) == v && math.Abs(q) < 1<<53
}

// Decode reads what Encode wrote. Every ring comes back closed; all
// coordinates share one backing array per call, so callers must treat the
// geometries as read-only.
func Decode(b []byte) ([]Feature, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("pack: %w", err)
	}
	d := decoder{b: raw}
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, errors.New("pack: not a PACK1 file")
	}
	d.off = len(magic)
	scale := d.uvarint()
	n := d.count()
	total := d.count() // an open point takes ≥ 2 bytes, so this bounds the allocation
	if d.err != nil || scale == 0 {
		return nil, errors.New("pack: bad header")
	}
	fs := float64(scale) // divide, not multiply by 1/scale: only division gives back the parsed decimal exactly
	features := make([]Feature, 0, n)
	points := make([]orb.Point, 0, total) // one backing array for all rings
	var px, py int64
	for range n {
		key := d.str()
		mp := make(orb.MultiPolygon, d.count())
		for i := range mp {
			poly := make(orb.Polygon, d.count())
			for j := range poly {
				m := d.count()
				if m < 3 || len(points)+m+1 > total {
					d.fail()
					break
				}
				start := len(points)
				for range m {
					px += d.varint()
					py += d.varint()
					points = append(points, orb.Point{float64(px) / fs, float64(py) / fs})
				}
				if d.err != nil {
					break
				}
				points = append(points, points[start])
				poly[j] = orb.Ring(points[start:len(points):len(points)])
			}
			mp[i] = poly
		}
		if d.err != nil {
			return nil, fmt.Errorf("pack: feature %d: %w", len(features), d.err)
		}
		features = append(features, Feature{Key: key, Boundary: mp})
	}
	if len(points) != total || d.off != len(raw) {
		return nil, errors.New("pack: point count or length does not match the header")
	}
	return features, nil
}

var errCorrupt = errors.New("corrupt data")

type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.off += n
	return v
}

// count reads a length and rejects one larger than the remaining input
// could hold, so corrupt data cannot trigger a huge allocation.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)-d.off) {
		d.err = errCorrupt
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[d.off : d.off+n])
	d.off += n
	return s
}
