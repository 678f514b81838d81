package tile

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/paulmach/orb/maptile"
)

// Points are served from a per-province snapshot in memory: the columns
// the points layer shows (about 90 bytes a point, ~90 MB for a million,
// and 64 more for the copy in id order that geo/feature pages from: the
// server's live heap is ~225 MB with a million points),
// read from survey_points in one query when the province's points version
// moves, sorted along a Z-order curve. A tile is then a contiguous run of
// that order (two binary searches) instead of a query: PostgreSQL spends
// about as long sending a tile's rows as ST_AsMVT spends encoding them
// (bench/README.md), so no per-request query can be much faster than the
// pg_tileserv baseline. The snapshot is data, not a response cache: it is
// always at the province's current version, and the first tile after a
// change rebuilds it (~0.1 s for the largest province).
//
// Low zooms are counted per cell of a grid of 8×8 cells a tile (64 px on a
// 512-px tile). The snapshot keeps cells of the finest aggregated zoom,
// ClusterBelow-1 (level cellLevel = 9+3: 4096 cells around the world,
// about 9.8 km at the equator); a tile at zoom z merges 2^(9−z)×2^(9−z) of
// them per output cell.
const (
	// ClusterBelow is the first zoom at which points are sent one by one.
	ClusterBelow     = 10
	cellsPerTileLog2 = 3
	cellLevel        = ClusterBelow - 1 + cellsPerTileLog2
	// mortonLevel is the zoom whose tile grid orders the points: a tile at
	// zoom ≤ mortonLevel is a contiguous range of the order.
	mortonLevel = 16
)

// memPoint is one survey point as the points layer shows it.
type memPoint struct {
	code          uint32 // Z-order of its tile at mortonLevel
	households    int32
	id, submitted int64
	lon, lat      float64
	category      string
	status        string
	village       string
}

// cell is the points of one province in one cell of the cellLevel grid.
type cell struct {
	cx, cy                       uint32
	n, households                int64
	accepted, pending, trangSong int64
	sumLon, sumLat               float64
}

// snapshot is one province's points at one points version.
type snapshot struct {
	version int64
	points  []memPoint // by code
	cells   []cell
	byID    IDPoints // the same points by id, for geo/feature's OGC pages
}

// holder keeps the snapshot of a province and builds one at a time.
type holder struct {
	mu   sync.Mutex
	snap *snapshot // replaced, never modified
}

// interleave returns the Z-order code of (x, y), 16 bits each.
func interleave(x, y uint32) uint32 {
	spread := func(v uint32) uint32 {
		v &= 0xffff
		v = (v | v<<8) & 0x00ff00ff
		v = (v | v<<4) & 0x0f0f0f0f
		v = (v | v<<2) & 0x33333333
		v = (v | v<<1) & 0x55555555
		return v
	}
	return spread(x) | spread(y)<<1
}

// gridXY returns the tile column and row of a lon/lat at a zoom ≤ 31.
func gridXY(lon, lat float64, z uint32) (uint32, uint32) {
	n := float64(uint64(1) << z)
	fx := (lon/360 + 0.5) * n
	siny := math.Sin(lat * math.Pi / 180)
	fy := (0.5 - math.Log((1+siny)/(1-siny))/(4*math.Pi)) * n
	clamp := func(f float64) uint32 { return uint32(min(max(f, 0), n-1)) }
	return clamp(fx), clamp(fy)
}

var interned = map[string]string{
	"trang_song": "trang_song", "lom_song": "lom_song",
	"submitted": "submitted", "accepted": "accepted", "returned": "returned",
}

func intern(b []byte) string {
	if s, ok := interned[string(b)]; ok {
		return s
	}
	return string(b)
}

// snapshotOf returns the snapshot of a province at version or newer,
// building it when older. Reads survey_points (owner: geo/survey).
func (s *Store) snapshotOf(ctx context.Context, province string, version int64) (*snapshot, error) {
	h := s.holders[province]
	if h == nil {
		return &snapshot{}, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.snap != nil && h.snap.version >= version {
		return h.snap, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, category, status, submission_id, households::int8, village_name, ST_X(geom), ST_Y(geom)
		FROM survey_points WHERE province_code = $1`, province)
	if err != nil {
		return nil, fmt.Errorf("tile: points of %s: %w", province, err)
	}
	defer rows.Close()
	if err := binaryColumns(rows, 8, 0, 3, 4, 6, 7); err != nil {
		return nil, fmt.Errorf("tile: points of %s: %w", province, err)
	}
	snap := &snapshot{version: version}
	if h.snap != nil {
		snap.points = make([]memPoint, 0, len(h.snap.points))
	}
	for rows.Next() {
		v := rows.RawValues()
		if len(v) != 8 || len(v[0]) != 8 || len(v[3]) != 8 || len(v[4]) != 8 || len(v[6]) != 8 || len(v[7]) != 8 {
			return nil, fmt.Errorf("tile: points of %s: unexpected row", province)
		}
		p := memPoint{
			id: int64(binary.BigEndian.Uint64(v[0])), category: intern(v[1]), status: intern(v[2]),
			submitted: int64(binary.BigEndian.Uint64(v[3])), households: int32(binary.BigEndian.Uint64(v[4])),
			village: string(v[5]),
			lon:     math.Float64frombits(binary.BigEndian.Uint64(v[6])), lat: math.Float64frombits(binary.BigEndian.Uint64(v[7])),
		}
		p.code = interleave(gridXY(p.lon, p.lat, mortonLevel))
		snap.points = append(snap.points, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tile: points of %s: %w", province, err)
	}
	snap.byID = idPointsOf(province, version, snap.points)
	slices.SortFunc(snap.points, func(a, b memPoint) int {
		if a.code != b.code {
			return int(int64(a.code) - int64(b.code))
		}
		return int(a.id - b.id)
	})
	snap.cells = cellsOf(snap.points)
	h.snap = snap
	return snap, nil
}

// cellsOf counts sorted points per cellLevel cell; a cell's points are
// contiguous in Z-order.
func cellsOf(pts []memPoint) []cell {
	var out []cell
	const shift = 2 * (mortonLevel - cellLevel)
	for i, p := range pts {
		if i == 0 || p.code>>shift != pts[i-1].code>>shift {
			cx, cy := gridXY(p.lon, p.lat, cellLevel)
			out = append(out, cell{cx: cx, cy: cy})
		}
		c := &out[len(out)-1]
		c.n++
		c.households += int64(p.households)
		switch p.status {
		case "accepted":
			c.accepted++
		case "submitted":
			c.pending++
		}
		if p.category == "trang_song" {
			c.trangSong++
		}
		c.sumLon += p.lon
		c.sumLat += p.lat
	}
	return out
}

// inTile returns the points of a snapshot inside tile t (z ≥ 0).
func (sn *snapshot) inTile(t maptile.Tile) []memPoint {
	z := uint32(t.Z)
	x, y := t.X, t.Y
	if z > mortonLevel {
		x, y = x>>(z-mortonLevel), y>>(z-mortonLevel)
	}
	lz := min(z, mortonLevel)
	shift := 2 * (mortonLevel - lz)
	lo := uint64(interleave(x, y)) << shift
	hi := lo + uint64(1)<<shift
	i := sort.Search(len(sn.points), func(i int) bool { return uint64(sn.points[i].code) >= lo })
	j := sort.Search(len(sn.points), func(i int) bool { return uint64(sn.points[i].code) >= hi })
	return sn.points[i:j]
}

// clusters merges the cells of the provinces into the 8×8 cells of tile t
// (zoom < ClusterBelow) and writes one Point per non-empty cell, at the
// mean position of its points.
func (s *Store) clusters(ctx context.Context, t maptile.Tile, provinces []string) ([]byte, error) {
	shift := uint32(cellLevel) - (uint32(t.Z) + cellsPerTileLog2)
	x0, y0 := t.X<<cellsPerTileLog2, t.Y<<cellsPerTileLog2
	const side = 1 << cellsPerTileLog2
	var out [side * side]cell
	for _, p := range provinces {
		snap, err := s.snapshotOf(ctx, p, s.versions.Of(versionPoints, p))
		if err != nil {
			return nil, err
		}
		for _, c := range snap.cells {
			x, y := c.cx>>shift, c.cy>>shift
			if x < x0 || y < y0 || x >= x0+side || y >= y0+side {
				continue
			}
			o := &out[(y-y0)*side+(x-x0)]
			o.n += c.n
			o.households += c.households
			o.accepted += c.accepted
			o.pending += c.pending
			o.trangSong += c.trangSong
			o.sumLon += c.sumLon
			o.sumLat += c.sumLat
		}
	}
	l := newPointLayer(LayerPoints, "count", "households", "accepted", "pending", "trang_song", "cluster")
	proj := newProjection(t)
	for i, o := range out {
		if o.n == 0 {
			continue
		}
		l.integer(0, o.n, true)
		l.integer(1, o.households, true)
		l.integer(2, o.accepted, true)
		l.integer(3, o.pending, true)
		l.integer(4, o.trangSong, true)
		l.integer(5, 1, true)
		x, y := proj.point(o.sumLon/float64(o.n), o.sumLat/float64(o.n))
		// The id names the cell at this zoom, stable across versions
		// (MapLibre feature state); +1 keeps it non-zero.
		cx, cy := uint64(x0)+uint64(i%side), uint64(y0)+uint64(i/side)
		l.point(cy<<(uint64(t.Z)+cellsPerTileLog2)+cx+1, x, y)
	}
	return l.tile(), nil
}

// memPoints writes the points of tile t (zoom ≥ ClusterBelow) from the
// snapshots of the provinces, one feature each.
func (s *Store) memPoints(ctx context.Context, t maptile.Tile, provinces []string) ([]byte, error) {
	l := newPointLayer(LayerPoints, "id", "category", "status", "submission_id", "households", "province", "village")
	proj := newProjection(t)
	for _, prov := range provinces {
		snap, err := s.snapshotOf(ctx, prov, s.versions.Of(versionPoints, prov))
		if err != nil {
			return nil, err
		}
		pts := snap.inTile(t)
		for i := range pts {
			if l.n >= MaxPointsPerTile {
				break
			}
			p := &pts[i]
			if t.Z > mortonLevel {
				if x, y := gridXY(p.lon, p.lat, uint32(t.Z)); x != t.X || y != t.Y {
					continue
				}
			}
			l.integer(0, p.id, false)
			l.str(1, p.category, true)
			l.str(2, p.status, true)
			l.integer(3, p.submitted, true)
			l.integer(4, int64(p.households), true)
			l.str(5, prov, true)
			l.str(6, p.village, false)
			x, y := proj.point(p.lon, p.lat)
			l.point(uint64(p.id), x, y)
		}
	}
	return l.tile(), nil
}
