package tile

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"
)

// Low-zoom points are counted per cell of a grid of 8×8 cells a tile (64 px
// on a 512-px tile). The rollup keeps cells of the finest aggregated zoom,
// ClusterBelow-1 (level cellLevel = 9+3: 4096 cells around the world,
// about 9.8 km at the equator); a tile at zoom z merges 2^(9−z)×2^(9−z) of
// them per output cell.
const (
	// ClusterBelow is the first zoom at which points are sent one by one.
	ClusterBelow     = 10
	cellsPerTileLog2 = 3
	cellLevel        = ClusterBelow - 1 + cellsPerTileLog2
)

// cell is the points of one province in one cell of the cellLevel grid.
type cell struct {
	cx, cy                       uint32
	n, households                int64
	accepted, pending, trangSong int64
	sumLon, sumLat               float64
}

// rollup is one province's cells at one points version.
type rollup struct {
	mu      sync.Mutex // held while (re)building, so one build per province at a time
	version int64
	built   bool
	cells   []cell // replaced, never modified
}

// cellsSQL counts a province's points per cell; the cell of a point is
// maptile.Fraction at cellLevel, written out so PostgreSQL computes it.
const cellsSQL = `
SELECT floor((ST_X(geom) / 360 + 0.5) * 4096)::int AS cx,
       floor((0.5 - ln((1 + sin(radians(ST_Y(geom)))) / (1 - sin(radians(ST_Y(geom))))) / (4 * pi())) * 4096)::int AS cy,
       count(*), sum(households),
       count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'submitted'),
       count(*) FILTER (WHERE category = 'trang_song'),
       sum(ST_X(geom)), sum(ST_Y(geom))
FROM survey_points WHERE province_code = $1
GROUP BY 1, 2`

// provinceCells returns the cells of a province at version (or newer),
// rebuilding them from survey_points when they are older.
func (s *Store) provinceCells(ctx context.Context, province string, version int64) ([]cell, error) {
	r := s.rollups[province]
	if r == nil {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.built && r.version >= version {
		return r.cells, nil
	}
	rows, err := s.pool.Query(ctx, cellsSQL, province)
	if err != nil {
		return nil, fmt.Errorf("tile: cells of %s: %w", province, err)
	}
	var cells []cell
	var c cell
	_, err = pgx.ForEachRow(rows, []any{&c.cx, &c.cy, &c.n, &c.households, &c.accepted, &c.pending, &c.trangSong, &c.sumLon, &c.sumLat},
		func() error { cells = append(cells, c); return nil })
	if err != nil {
		return nil, fmt.Errorf("tile: cells of %s: %w", province, err)
	}
	r.cells, r.version, r.built = cells, version, true
	return cells, nil
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
		cells, err := s.provinceCells(ctx, p, s.versions.Of(versionPoints, p))
		if err != nil {
			return nil, err
		}
		for _, c := range cells {
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
	l := newPointLayer(LayerPoints)
	proj := newProjection(t)
	for i, o := range out {
		if o.n == 0 {
			continue
		}
		l.prop("count", integer(o.n))
		l.prop("households", integer(o.households))
		l.prop("accepted", integer(o.accepted))
		l.prop("pending", integer(o.pending))
		l.prop("trang_song", integer(o.trangSong))
		l.prop("cluster", integer(1))
		x, y := proj.point(o.sumLon/float64(o.n), o.sumLat/float64(o.n))
		// The id names the cell at this zoom, stable across versions
		// (MapLibre feature state); +1 keeps it non-zero.
		cx, cy := uint64(x0)+uint64(i%side), uint64(y0)+uint64(i/side)
		l.point(cy<<(uint64(t.Z)+cellsPerTileLog2)+cx+1, x, y)
	}
	return l.tile(), nil
}
