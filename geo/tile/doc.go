// Package tile makes the Mapbox Vector Tiles of the review map: one MVT
// layer per tile, named like the layer asked for.
//
// Layers and their properties (the contract the web map is built on):
//
//	points    z ≥ 10: id, category (trang_song | lom_song), status (submitted |
//	          accepted | returned), submission_id, households, province, village.
//	          z < 10: one Point per grid cell of 64 px on a 512-px tile (8×8
//	          cells a tile), at the mean position of its points, with count,
//	          households, accepted, pending (status submitted), trang_song and
//	          cluster = 1 — never one feature per point.
//	areas     id, province, score, households, sites, points, status, cost_vnd
//	          (active areas, MultiPolygons clipped to the tile)
//	sites     area_id, n, households, terrain
//	packages  package_id, status (draft | published | withdrawn), name, version
//	          (0: a draft's working copy), area_id, province, households, sites —
//	          one MultiPolygon per area of a package
//	provinces code, name (public reference data)
//	communes  code, name, province; empty below z 8 (public reference data)
//
// # Access
//
// The scope comes from the actor in the context: reviewers and admins see
// every province, a province officer only their own (survey points and
// areas are unpublished), operators none of points, areas and sites but
// every published package (their latest version; drafts are for reviewers
// and the province), anonymous callers only provinces and
// communes (ErrAnonymous otherwise). The query itself carries the province,
// so a handler that forgot a check cannot leak another province's rows.
//
// # Versions, ETags and the cache
//
// Table tile_versions (migrations/00011_tile_versions.sql, owned here) holds
// a version per province and layer (points; areas, which covers sites),
// moved by a trigger on audit_log in the transaction of every accept,
// return, submission and regrouping, and announced with pg_notify. Versions
// keeps them in memory (LISTEN, plus Sync after a write through the API, so
// a client that accepted a point sees new tiles on its next request). A
// tile's version is the largest version of the provinces in scope whose
// bounding box meets the tile; its ETag and its key in the LRU of encoded
// tiles are (layer, z, x, y, scope, version), so a change never needs to
// find the tiles it touches: their key moves.
//
// # How tiles are made, and why
//
// In Go (encode.go), not with ST_AsMVT, from a snapshot in memory of each
// province's points (cells.go): PostgreSQL spends about as long sending a
// tile's rows as ST_AsMVT spends encoding them, so a query per tile cannot
// be much faster than pg_tileserv; bench/README.md compares the three ways
// on the same tiles. A snapshot holds what the points layer shows, sorted
// along a Z-order curve (a tile is a contiguous run of it), with counts per
// cell of the z 9 grid for the low zooms; it is rebuilt in one query when
// the province's points version moves, so it is never stale. A z 8 tile
// then merges a few hundred cells instead of reading 100,000 points.
// The snapshot also keeps the points in id order (PointsByID), from which
// geo/feature chooses OGC pages of points.
// Areas and sites are read per tile from the database (thousands of rows
// in all); provinces and communes come from the reference data built into
// the binary (geo/admin), never from the database.
//
// Request-path queries run with parallel query off: cmd/phusong serve sets
// max_parallel_workers_per_gather = 0 for its pool's sessions (a parallel
// plan costs 40–50 ms here before any work).
//
// Tables read, owned elsewhere: survey_points (geo/survey), areas and
// area_sites (geo/area).
//
// What it does not do: styling, raster tiles.
package tile
