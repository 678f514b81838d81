package tile

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
)

// Layer names, as in the URL and as the name of the tile's one MVT layer.
const (
	LayerPoints    = "points"
	LayerAreas     = "areas"
	LayerSites     = "sites"
	LayerProvinces = "provinces"
	LayerCommunes  = "communes"
	LayerPackages  = "packages"
)

// Layers lists every layer, in the order documents list them.
var Layers = []string{LayerPoints, LayerAreas, LayerSites, LayerPackages, LayerProvinces, LayerCommunes}

// Public reports whether a layer is public reference data (no login).
func Public(layer string) bool { return layer == LayerProvinces || layer == LayerCommunes }

// MaxZoom is the deepest zoom served; CommunesFrom the first zoom with communes.
const (
	MaxZoom      = 22
	CommunesFrom = 8
	// MaxPointsPerTile bounds a points tile (pg_tileserv's default limit);
	// at zoom ≥ ClusterBelow the densest tile of a million points holds a few thousand.
	MaxPointsPerTile = 50_000
)

// formatVersion changes when the encoding of tiles changes, so browsers
// and the cache do not keep tiles of the old format.
const formatVersion = "1"

// Options tune a Store.
type Options struct {
	CacheBytes int // budget of the LRU of encoded tiles; 0: no cache
	// PointsFromDB reads the points of each tile (zoom ≥ ClusterBelow)
	// with a query instead of from the per-province snapshots: only for
	// the benchmark that compares the ways of making tiles.
	PointsFromDB bool
}

// Store makes tiles. It is safe for concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	ref      *admin.Data
	versions *Versions
	cache    *lru
	holders  map[string]*holder
	fromDB   bool
	bounds   []provinceBound
	warmed   atomic.Bool
}

type provinceBound struct {
	code  string
	bound orb.Bound
}

// boundMargin widens a province's bounding box (degrees) when deciding
// which provinces a tile shows: points lie in their province (intake
// checks it), areas are hulls around them with a margin of a few hundred
// metres.
const boundMargin = 0.05

// NewStore returns a Store over the pool; versions must be synced (and
// should be listening) before tiles are served.
func NewStore(pool *pgxpool.Pool, ref *admin.Data, versions *Versions, o Options) *Store {
	s := &Store{pool: pool, ref: ref, versions: versions, holders: map[string]*holder{}, fromDB: o.PointsFromDB}
	if o.CacheBytes > 0 {
		s.cache = newLRU(o.CacheBytes)
	}
	for _, p := range ref.Provinces() {
		s.holders[p.Code] = &holder{}
		b := p.Boundary.Bound()
		b = b.Pad(boundMargin)
		s.bounds = append(s.bounds, provinceBound{p.Code, b})
	}
	return s
}

// Warm builds every province's point snapshot ahead of the first request
// that needs it (at 1M points the first tile or feature page after a
// start otherwise waits seconds for its province). Provinces are read one
// after another, so the pool keeps room for requests served meanwhile.
func (s *Store) Warm(ctx context.Context) error {
	if !s.fromDB {
		for _, p := range s.ref.Provinces() {
			if _, err := s.snapshotOf(ctx, p.Code, s.versions.Of(versionPoints, p.Code)); err != nil {
				return fmt.Errorf("tile: warm %s: %w", p.Code, err)
			}
		}
	}
	s.warmed.Store(true)
	return nil
}

// Warmed says whether Warm has finished (readyz reports it, so a
// benchmark can start once the start-up reads are over).
func (s *Store) Warmed() bool { return s.warmed.Load() }

// Sync reads the data versions now; the API calls it after every write it
// serves (see Versions.Sync).
func (s *Store) Sync(ctx context.Context) error { return s.versions.Sync(ctx) }

// Listen keeps the data versions current until ctx ends (Versions.Listen).
func (s *Store) Listen(ctx context.Context) error { return s.versions.Listen(ctx) }

// Request names one tile.
type Request struct {
	Layer       string
	Z, X, Y     uint32
	IfNoneMatch string // the client's If-None-Match, to answer NotModified without making the tile
}

// Tile is an encoded tile with its validator.
type Tile struct {
	ETag        string // weak: the bytes of two makings of one version may differ in feature order
	NotModified bool   // the request's If-None-Match matched: no bytes
	Public      bool   // reference data: the same for every caller
	*Encoded
}

// ErrBadTile is a tile address out of range or an unknown layer.
var ErrBadTile = phusong.Errorf(phusong.ErrNotFound, "tile_not_found",
	"Không có lớp bản đồ hoặc ô bản đồ này.", "No such map layer or tile.")

// scope is who a tile is made for: "all", "p<code>", "none" or "public".
type scope struct {
	key      string
	province string // "p" scope
}

func scopeOf(ctx context.Context, layer string) (scope, error) {
	if Public(layer) {
		return scope{key: "public"}, nil
	}
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return scope{}, err
	}
	switch {
	case a.National():
		return scope{key: "all"}, nil
	case a.Role == phusong.RoleProvince && a.ProvinceCode != "":
		return scope{key: "p" + a.ProvinceCode, province: a.ProvinceCode}, nil
	}
	// Operators see published packages only: every province's, nothing else.
	if a.Role == phusong.RoleOperator && layer == LayerPackages {
		return scope{key: "published"}, nil
	}
	return scope{key: "none"}, nil
}

// provincesIn returns the provinces of the scope whose bounding box meets
// the tile's bound.
func (s *Store) provincesIn(sc scope, b orb.Bound) []string {
	var out []string
	for _, pb := range s.bounds {
		if (sc.key == "all" || sc.key == "published" || pb.code == sc.province) && pb.bound.Intersects(b) {
			out = append(out, pb.code)
		}
	}
	return out
}

// Tile returns the tile of the request, made for the actor of ctx, from
// the cache when it holds this version. Errors: ErrBadTile, ErrAnonymous
// for a non-public layer without an actor, or a database error.
func (s *Store) Tile(ctx context.Context, r Request) (Tile, error) {
	t := maptile.New(r.X, r.Y, maptile.Zoom(r.Z))
	if r.Z > MaxZoom || !t.Valid() || !known(r.Layer) {
		return Tile{}, ErrBadTile
	}
	sc, err := scopeOf(ctx, r.Layer)
	if err != nil {
		return Tile{}, err
	}
	if err := s.versions.ensure(ctx); err != nil {
		return Tile{}, err
	}
	var provinces []string
	var version int64
	switch {
	case sc.key == "public":
		version = 0 // reference data changes only with the binary: its version is in the ETag
	case sc.key != "none":
		provinces = s.provincesIn(sc, t.Bound())
		vl := versionAreas
		switch r.Layer {
		case LayerPoints:
			vl = versionPoints
		case LayerPackages:
			vl = versionPackages
		}
		version = s.versions.Max(vl, provinces)
	}
	key := r.Layer + "/" + strconv.FormatUint(uint64(r.Z), 10) + "/" + strconv.FormatUint(uint64(r.X), 10) + "/" +
		strconv.FormatUint(uint64(r.Y), 10) + "/" + sc.key + "/" + strconv.FormatInt(version, 10)
	out := Tile{ETag: etag(key, s.ref.Version()), Public: sc.key == "public"}
	if r.IfNoneMatch != "" && matches(r.IfNoneMatch, out.ETag) {
		out.NotModified = true
		return out, nil
	}
	if e, ok := s.cache.get(key); ok {
		out.Encoded = e
		return out, nil
	}
	var b []byte
	switch {
	case sc.key == "none" || (len(provinces) == 0 && !out.Public):
		b = newPointLayer(r.Layer).tile()
	case r.Layer == LayerPoints && r.Z < ClusterBelow:
		b, err = s.clusters(ctx, t, provinces)
	case r.Layer == LayerPoints && s.fromDB:
		b, err = s.points(ctx, t, sc)
	case r.Layer == LayerPoints:
		b, err = s.memPoints(ctx, t, provinces)
	case r.Layer == LayerSites:
		b, err = s.sites(ctx, t, sc)
	case r.Layer == LayerAreas:
		b, err = s.areas(ctx, t, sc)
	case r.Layer == LayerPackages:
		b, err = s.packages(ctx, t, sc)
	case r.Layer == LayerProvinces:
		b, err = s.provinces(t)
	case r.Layer == LayerCommunes:
		b, err = s.communes(t)
	}
	if err != nil {
		return Tile{}, err
	}
	out.Encoded = &Encoded{Raw: b}
	s.cache.add(key, out.Encoded)
	return out, nil
}

func known(layer string) bool {
	for _, l := range Layers {
		if l == layer {
			return true
		}
	}
	return false
}

func etag(key, refVersion string) string {
	h := fnv.New64a()
	h.Write([]byte(formatVersion + "/" + refVersion + "/" + key))
	return `W/"` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// matches reports whether an If-None-Match header names the ETag (weak
// comparison, RFC 9110 §13.1.2).
func matches(header, tag string) bool {
	weak := func(s string) string {
		if len(s) > 2 && s[:2] == "W/" {
			return s[2:]
		}
		return s
	}
	want := weak(tag)
	for len(header) > 0 {
		var item string
		item, header = cut(header)
		if item == "*" || weak(item) == want {
			return true
		}
	}
	return false
}

func cut(h string) (string, string) {
	i := 0
	for i < len(h) && (h[i] == ' ' || h[i] == ',') {
		i++
	}
	h = h[i:]
	j := 0
	for j < len(h) && h[j] != ',' {
		j++
	}
	item := h[:j]
	for len(item) > 0 && item[len(item)-1] == ' ' {
		item = item[:len(item)-1]
	}
	return item, h[j:]
}

// envelope is the tile's bound as query arguments (lon/lat, EPSG:4326).
func envelope(t maptile.Tile) []any {
	b := t.Bound()
	return []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// scoped adds the province condition of a scope to a query's arguments.
func scoped(sc scope, args []any) (string, []any) {
	if sc.province == "" {
		return "", args
	}
	args = append(args, sc.province)
	return " AND province_code = $" + strconv.Itoa(len(args)), args
}

// points reads the points of a tile (zoom ≥ ClusterBelow), one feature
// each. Reads survey_points (owner: geo/survey). The rows are read as the
// raw binary values pgx receives (no string or interface allocated per
// row): a tile holds up to thousands of points.
func (s *Store) points(ctx context.Context, t maptile.Tile, sc scope) ([]byte, error) {
	cond, args := scoped(sc, envelope(t))
	args = append(args, MaxPointsPerTile)
	rows, err := s.pool.Query(ctx, `
		SELECT id, category, status, submission_id, households::int8, province_code, village_name, ST_X(geom), ST_Y(geom)
		FROM survey_points
		WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`+cond+`
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("tile: points %v: %w", t, err)
	}
	defer rows.Close()
	if err := binaryColumns(rows, 9, 0, 3, 4, 7, 8); err != nil {
		return nil, fmt.Errorf("tile: points %v: %w", t, err)
	}
	l := newPointLayer(LayerPoints, "id", "category", "status", "submission_id", "households", "province", "village")
	proj := newProjection(t)
	for rows.Next() {
		v := rows.RawValues()
		if len(v) != 9 || len(v[0]) != 8 || len(v[3]) != 8 || len(v[4]) != 8 || len(v[7]) != 8 || len(v[8]) != 8 {
			return nil, fmt.Errorf("tile: points %v: unexpected row", t)
		}
		id := int64(binary.BigEndian.Uint64(v[0]))
		l.integer(0, id, false)
		l.str(1, string(v[1]), true)
		l.str(2, string(v[2]), true)
		l.integer(3, int64(binary.BigEndian.Uint64(v[3])), true)
		l.integer(4, int64(binary.BigEndian.Uint64(v[4])), true)
		l.str(5, string(v[5]), true)
		l.str(6, string(v[6]), false)
		x, y := proj.point(math.Float64frombits(binary.BigEndian.Uint64(v[7])), math.Float64frombits(binary.BigEndian.Uint64(v[8])))
		l.point(uint64(id), x, y)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tile: points %v: %w", t, err)
	}
	return l.tile(), nil
}

// binaryColumns checks that rows has n columns and that the numeric ones
// come in binary format, which RawValues decoding relies on (pgx asks for
// it for int8 and float8 when it prepares a statement, its default mode;
// text is the same bytes either way).
func binaryColumns(rows pgx.Rows, n int, numeric ...int) error {
	fds := rows.FieldDescriptions()
	if len(fds) != n {
		return fmt.Errorf("%d columns, want %d", len(fds), n)
	}
	for _, i := range numeric {
		if fds[i].Format != pgx.BinaryFormatCode {
			return fmt.Errorf("column %s is not in binary format", fds[i].Name)
		}
	}
	return nil
}

// sites reads the proposed sites in a tile. Reads area_sites (owner: geo/area).
func (s *Store) sites(ctx context.Context, t maptile.Tile, sc scope) ([]byte, error) {
	cond, args := scoped(sc, envelope(t))
	rows, err := s.pool.Query(ctx, `
		SELECT area_id, n, households, terrain, ST_X(geom), ST_Y(geom)
		FROM area_sites WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("tile: sites %v: %w", t, err)
	}
	l := newPointLayer(LayerSites, "area_id", "n", "households", "terrain")
	proj := newProjection(t)
	var (
		area, n, households int64
		terrain             string
		lon, lat            float64
	)
	_, err = pgx.ForEachRow(rows, []any{&area, &n, &households, &terrain, &lon, &lat}, func() error {
		l.integer(0, area, true)
		l.integer(1, n, true)
		l.integer(2, households, true)
		l.str(3, terrain, true)
		x, y := proj.point(lon, lat)
		l.point(0, x, y)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tile: sites %v: %w", t, err)
	}
	return l.tile(), nil
}

// areas reads the active areas meeting a tile. Reads areas (owner: geo/area).
func (s *Store) areas(ctx context.Context, t maptile.Tile, sc scope) ([]byte, error) {
	cond, args := scoped(sc, envelope(t))
	rows, err := s.pool.Query(ctx, `
		SELECT id, province_code, score, households, sites, points, status, cost_vnd, ST_AsBinary(geom)
		FROM areas WHERE status = 'active' AND geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("tile: areas %v: %w", t, err)
	}
	var fs []*geojson.Feature
	var (
		id, households, sites, points, cost int64
		province, status                    string
		score                               float64
	)
	// A scanner over nil decodes any geometry into its Geometry field; one
	// over a *orb.Geometry refuses every row (orb's scanner has no case
	// for the interface), which made every tile with an area a 500.
	g := wkb.Scanner(nil)
	_, err = pgx.ForEachRow(rows, []any{&id, &province, &score, &households, &sites, &points, &status, &cost, g}, func() error {
		f := geojson.NewFeature(g.Geometry)
		f.ID = id
		f.Properties = geojson.Properties{"id": id, "province": province, "score": score, "households": households,
			"sites": sites, "points": points, "status": status, "cost_vnd": cost}
		fs = append(fs, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tile: areas %v: %w", t, err)
	}
	return polygonLayer(LayerAreas, t, fs)
}

// packages reads the areas of bid packages meeting a tile: every package's
// latest published version for everyone in scope, and for reviewers and
// province officers also the working copies of drafts (status draft,
// version 0). Reads the tables of bids (migrations/00009_packages.sql).
func (s *Store) packages(ctx context.Context, t maptile.Tile, sc scope) ([]byte, error) {
	args := envelope(t)
	cond := ""
	if sc.province != "" {
		args = append(args, sc.province)
		cond = " AND p.province_code = $" + strconv.Itoa(len(args))
	}
	drafts := ""
	if sc.key != "published" {
		drafts = `
		UNION ALL
		SELECT p.id, p.status, p.name, 0, pa.area_id, p.province_code, v.households, jsonb_array_length(v.sites), ST_AsBinary(v.geom)
		FROM packages p
		JOIN package_areas pa ON pa.package_id = p.id
		JOIN area_versions v ON v.area_id = pa.area_id AND v.version = pa.area_version
		WHERE p.published_version IS NULL AND v.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)` + cond
	}
	rows, err := s.pool.Query(ctx, `
		SELECT p.id, p.status, pv.name, pv.version, pva.area_id, p.province_code, v.households, jsonb_array_length(v.sites), ST_AsBinary(v.geom)
		FROM packages p
		JOIN package_versions pv ON pv.package_id = p.id AND pv.version = p.published_version
		JOIN package_version_areas pva ON pva.package_id = pv.package_id AND pva.version = pv.version
		JOIN area_versions v ON v.area_id = pva.area_id AND v.version = pva.area_version
		WHERE v.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)`+cond+drafts, args...)
	if err != nil {
		return nil, fmt.Errorf("tile: packages %v: %w", t, err)
	}
	var fs []*geojson.Feature
	var (
		id, version, areaID, households, sites int64
		status, name, province                 string
		raw                                    []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &status, &name, &version, &areaID, &province, &households, &sites, &raw}, func() error {
		g, err := wkb.Unmarshal(raw)
		if err != nil {
			return fmt.Errorf("package %d area %d: %w (%d bytes: %x)", id, areaID, err, len(raw), raw[:min(len(raw), 16)])
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"package_id": id, "status": status, "name": name, "version": version,
			"area_id": areaID, "province": province, "households": households, "sites": sites}
		fs = append(fs, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tile: packages %v: %w", t, err)
	}
	return polygonLayer(LayerPackages, t, fs)
}

// provinces draws the province boundaries from the built-in reference data.
func (s *Store) provinces(t maptile.Tile) ([]byte, error) {
	b := t.Bound(1.0 / 8)
	var fs []*geojson.Feature
	for _, p := range s.ref.Provinces() {
		if !p.Boundary.Bound().Intersects(b) {
			continue
		}
		mp := clipLonLat(b, p.Boundary)
		if len(mp) == 0 {
			continue
		}
		f := geojson.NewFeature(mp)
		f.Properties = geojson.Properties{"code": p.Code, "name": p.Name}
		fs = append(fs, f)
	}
	return polygonLayer(LayerProvinces, t, fs)
}

// communes draws the commune boundaries (zoom ≥ CommunesFrom).
func (s *Store) communes(t maptile.Tile) ([]byte, error) {
	if t.Z < CommunesFrom {
		return polygonLayer(LayerCommunes, t, nil)
	}
	b := t.Bound(1.0 / 8)
	var fs []*geojson.Feature
	for _, c := range s.ref.Communes() {
		if c.Boundary == nil || !c.Boundary.Bound().Intersects(b) {
			continue
		}
		mp := clipLonLat(b, c.Boundary)
		if len(mp) == 0 {
			continue
		}
		f := geojson.NewFeature(mp)
		f.Properties = geojson.Properties{"code": c.Code, "name": c.Name, "province": c.ProvinceCode}
		fs = append(fs, f)
	}
	return polygonLayer(LayerCommunes, t, fs)
}
