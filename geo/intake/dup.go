package intake

import (
	"math"
	"math/bits"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// Duplicate detection within a file keeps 64-bit hashes, not the strings:
// the indexes cost about 40 bytes a row (40 MB for a million rows) instead
// of keeping every name alive. Two different names or ids share a hash with
// probability about n²/2⁶⁵ (3·10⁻⁸ at a million rows).
//
// Measured on a million rows, Go maps made these lookups a third of the
// whole read (a lookup and an insert each, four grid cells per name); the
// open-addressing table below finds or inserts in one probe sequence, and
// names are put on the grid only when they repeat.

// dupRadius is how close two rows with the same village name must be to be
// the same point, in metres.
const dupRadius = 100.0

// cellDeg is the side of a grid cell in degrees: 0.002° is at least 203 m
// east–west anywhere up to 24°N, so a point's neighbours within 100 m lie in
// its own cell or in the three cells across its nearest edges.
const cellDeg = 0.002

// hashTable maps non-zero 64-bit hashes to values: open addressing with
// linear probing, at most 7/8 full. Key 0 marks an empty slot.
type hashTable[V any] struct {
	keys []uint64
	vals []V
	n    int
}

// slot returns the slot of k, or of the empty slot where k would go.
func (t *hashTable[V]) slot(k uint64) int {
	hi, _ := bits.Mul64(k, uint64(len(t.keys)))
	i := int(hi)
	for t.keys[i] != 0 && t.keys[i] != k {
		if i++; i == len(t.keys) {
			i = 0
		}
	}
	return i
}

// get returns k's value; ok is false when k is absent.
func (t *hashTable[V]) get(k uint64) (v *V, ok bool) {
	if len(t.keys) == 0 {
		return nil, false
	}
	i := t.slot(k | 1)
	if t.keys[i] == 0 {
		return nil, false
	}
	return &t.vals[i], true
}

// upsert returns k's value, inserting v first when k is absent (found false).
func (t *hashTable[V]) upsert(k uint64, v V) (val *V, found bool) {
	k |= 1 // never 0; the lost bit costs nothing against a 2⁻⁶³ collision rate
	if 8*(t.n+1) > 7*len(t.keys) {
		t.grow()
	}
	i := t.slot(k)
	if t.keys[i] != 0 {
		return &t.vals[i], true
	}
	t.keys[i], t.vals[i] = k, v
	t.n++
	return &t.vals[i], false
}

func (t *hashTable[V]) grow() {
	keys, vals := t.keys, t.vals
	size := max(1024, len(keys)+len(keys)/2) // ×1.5 wastes less than doubling at a million keys
	t.keys, t.vals = make([]uint64, size), make([]V, size)
	for i, k := range keys {
		if k != 0 {
			j := t.slot(k)
			t.keys[j], t.vals[j] = k, vals[i]
		}
	}
}

// nameIndex finds an earlier row with the same village name within
// dupRadius. The first point of each name is kept in first; the points of a
// name seen again go on a uniform grid keyed by (name, cell), so that a name
// repeated across a province ("Thôn 1") costs a few cells, not a scan.
type nameIndex struct {
	first    hashTable[firstPoint]
	cells    hashTable[namePoint]
	overflow []namePoint // further points of one (name, cell) key, chained by next
}

type namePoint struct {
	lon, lat float32 // ~1 m precision: plenty for a 100 m test
	row      int32
	next     int32 // index+1 into overflow, 0 = none
}

// firstPoint is a name's first point: 12 bytes, as most names never repeat.
type firstPoint struct {
	lon, lat float32
	row      int32 // negative once the name's points are on the grid
}

func cellKey(name uint64, cx, cy int64) uint64 {
	h := name ^ uint64(cx)*0x9E3779B97F4A7C15 ^ uint64(cy)*0xC2B2AE3D27D4EB4F
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>29
}

// add records the point and returns the row of an earlier point with the
// same name within dupRadius, with its distance in metres.
func (ix *nameIndex) add(name uint64, p orb.Point, row int) (other int, metres float64, found bool) {
	np := namePoint{lon: float32(p[0]), lat: float32(p[1]), row: int32(row)}
	f, seen := ix.first.upsert(name, firstPoint{np.lon, np.lat, np.row})
	if !seen {
		return 0, 0, false
	}
	if f.row > 0 {
		// The name's second point: put the first on the grid too.
		ix.put(name, namePoint{lon: f.lon, lat: f.lat, row: f.row})
		f.row = -f.row
	}
	fx, fy := p[0]/cellDeg, p[1]/cellDeg
	cx, cy := int64(math.Floor(fx)), int64(math.Floor(fy))
	nx, ny := cx+1, cy+1
	if fx-float64(cx) < 0.5 {
		nx = cx - 1
	}
	if fy-float64(cy) < 0.5 {
		ny = cy - 1
	}
	for _, c := range [4][2]int64{{cx, cy}, {nx, cy}, {cx, ny}, {nx, ny}} {
		e, ok := ix.cells.get(cellKey(name, c[0], c[1]))
		for ok {
			if d := orbgeo.Distance(p, orb.Point{float64(e.lon), float64(e.lat)}); d <= dupRadius {
				return int(e.row), d, true
			}
			if e.next == 0 {
				break
			}
			e = &ix.overflow[e.next-1]
		}
	}
	ix.put(name, np)
	return 0, 0, false
}

func (ix *nameIndex) put(name uint64, np namePoint) {
	cx, cy := int64(math.Floor(float64(np.lon)/cellDeg)), int64(math.Floor(float64(np.lat)/cellDeg))
	np.next = 0
	if old, found := ix.cells.upsert(cellKey(name, cx, cy), np); found {
		ix.overflow = append(ix.overflow, *old)
		np.next = int32(len(ix.overflow))
		*old = np
	}
}
