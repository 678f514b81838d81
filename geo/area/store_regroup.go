package area

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// pointColumns are the columns of survey_points (owner: geo/survey) that
// Build reads, in the order scanPoint scans them.
const pointColumns = `p.commune_code, p.village_name, ST_X(p.geom), ST_Y(p.geom), p.households, coalesce(p.population, 0),
	p.grid_power, coalesce(p.terrain, ''), CASE p.dbkk WHEN true THEN 'yes' WHEN false THEN 'no' ELSE '' END,
	p.facilities, p.category`

func pointDest(p *survey.Point) []any {
	return []any{&p.CommuneCode, &p.VillageName, &p.Location[0], &p.Location[1], &p.Households, &p.Population,
		&p.GridPower, &p.Terrain, &p.DBKK, &p.Facilities, &p.Category}
}

// loadAccepted reads the accepted points of a province, in id order.
func loadAccepted(ctx context.Context, tx pgx.Tx, province string) ([]int64, []survey.Point, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, `+pointColumns+`
		FROM survey_points p WHERE p.province_code = $1 AND p.status = 'accepted' ORDER BY p.id`, province)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var pts []survey.Point
	for rows.Next() {
		var id int64
		p := survey.Point{ProvinceCode: province}
		if err := rows.Scan(append([]any{&id}, pointDest(&p)...)...); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		pts = append(pts, p)
	}
	return ids, pts, rows.Err()
}

// Modes of a province's recomputation (ProvinceResult.Mode).
const (
	ModeFull        = "full"        // every accepted point of the province regrouped
	ModeIncremental = "incremental" // only the groups changed points touch
)

// regroupInput is what one recomputation of a province regroups: all its
// accepted points (full), or the groups that changed points touch
// (incremental; planIncremental says which).
type regroupInput struct {
	mode    string
	ids     []int64 // the points to group, ascending
	pts     []survey.Point
	outside []xy       // lõm sóng places of the province not in pts that the new sites may reach, metres
	prev    []Previous // the stored areas of the groups replaced
	stored  map[int64]storedArea
	// replaced holds the digests of the stored groups the new ones replace
	// (all of the province's in a full recomputation), by key.
	replaced map[int64][]byte
	// Incremental only: the stored groups left as they are (whose areas
	// are all kept).
	kept []clusterHeader
}

// recomputeProvince regroups one province in one transaction: build the
// areas, give them stable ids against the stored ones, and write a new
// version for every area that changed. Unless full, only the groups that
// points changed since the last recomputation touch are rebuilt, when the
// last one used the same configuration (planIncremental); the result is
// the same as a full recomputation's.
func (s *Store) recomputeProvince(ctx context.Context, province string, cfg Config, jobID int64, full bool) (ProvinceResult, error) {
	start := time.Now()
	res := ProvinceResult{Province: province, Changes: map[ChangeKind]int{}}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One recomputation of a province at a time: the stored groups and
		// the journal are read and replaced as a whole.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('areas:' || $1))`, province); err != nil {
			return err
		}
		fp := fingerprint(cfg)
		var in *regroupInput
		if !full {
			var err error
			if in, err = planIncremental(ctx, tx, province, fp, cfg); err != nil {
				return fmt.Errorf("plan: %w", err)
			}
		}
		if in == nil {
			var err error
			if in, err = planFull(ctx, tx, province); err != nil {
				return err
			}
		}
		res.Mode, res.Regrouped = in.mode, len(in.pts)
		var g *Grouping
		var areas []Area
		if len(in.pts) > 0 {
			var err error
			if g, areas, err = build(ctx, in.pts, cfg, map[string][]xy{province: in.outside}); err != nil {
				return fmt.Errorf("build: %w", err)
			}
		}
		next := make([][]int64, len(areas))
		for i, a := range areas {
			next[i] = make([]int64, len(a.Points))
			for k, idx := range a.Points {
				next[i][k] = in.ids[idx]
			}
		}
		areaIDs, changes, err := Assign(in.prev, next, func() (int64, error) {
			var id int64
			err := tx.QueryRow(ctx, `SELECT nextval('areas_id_seq')`).Scan(&id)
			return id, err
		})
		if err != nil {
			return fmt.Errorf("assign ids: %w", err)
		}
		// Every write of the areas goes in one round trip.
		w := newWrites()
		if in.mode == ModeFull {
			w.queue("sites", `DELETE FROM area_sites WHERE province_code = $1`, province)
		} else {
			ids := slices.Clone(areaIDs)
			for _, p := range in.prev {
				ids = append(ids, p.ID)
			}
			w.queue("sites", `DELETE FROM area_sites WHERE area_id = ANY($1)`, ids)
		}
		var pointIDs, pointAreas []int64
		var sites siteRows
		for _, c := range changes {
			if c.Kind == Removed {
				queueRemoveArea(w, c, jobID)
				// A merge counts once, as the merged area that kept
				// the oldest id; the areas merged into it are not
				// removals.
				if c.MergedInto == 0 {
					res.Changes[Removed]++
				}
				continue
			}
			a := areas[c.Index]
			digest := digestOf(a, in.ids)
			old, had := in.stored[c.ID]
			kind := c.Kind
			same := false
			if kind == Kept && had {
				if same, err = old.same(a, in.ids, digest); err != nil {
					return fmt.Errorf("area %d: %w", c.ID, err)
				}
			}
			if same {
				// Same points, same figures: no new version.
			} else {
				if kind == Kept {
					kind = Changed
					c.Reason = phusong.Message{VI: "Tính lại với tham số hoặc dữ liệu mới; các điểm không đổi.",
						EN: "Recomputed with new parameters or data; same points."}
				}
				content, err := contentOf(a, in.ids)
				if err != nil {
					return fmt.Errorf("area %d: %w", c.ID, err)
				}
				queueWriteArea(w, province, c.ID, old.version+1, kind, c.Reason, a, content, digest, next[c.Index], jobID)
			}
			res.Changes[kind]++
			sites.add(c.ID, a)
			for _, pid := range next[c.Index] {
				pointIDs = append(pointIDs, pid)
				pointAreas = append(pointAreas, c.ID)
			}
			res.Sites += len(a.Sites)
		}
		sites.queue(w, province)
		queueMembership(w, province, in.prev, pointIDs, pointAreas)
		groups, gone := clusterRows(province, in, g, areas, areaIDs)
		if len(gone) > 0 {
			w.queue("stored groups", `DELETE FROM area_clusters WHERE province_code = $1 AND key = ANY($2)`, province, gone)
		}
		w.queue("province state", `INSERT INTO area_provinces (province_code, config) VALUES ($1, $2)
			ON CONFLICT (province_code) DO UPDATE SET config = EXCLUDED.config, computed_at = now()`, province, fp)
		res.Points, res.Areas = len(in.pts), len(areas)
		for _, h := range in.kept {
			res.Points += h.points
			res.Areas += len(h.areaIDs)
			res.Sites += len(h.sites) / 3
			res.Changes[Kept] += len(h.areaIDs)
		}
		e := phusong.AuditEntry{Action: "areas.recompute_province", ObjectType: "province", ObjectID: province,
			ProvinceCode: province, After: map[string]any{"job": jobID, "mode": res.Mode, "points": res.Points, "areas": res.Areas,
				"regrouped": res.Regrouped, "changes": res.Changes}}
		w.queue("audit "+e.Action, phusong.AuditSQL, e.Args(ctx)...)
		if err := w.send(ctx, tx); err != nil {
			return err
		}
		if len(groups) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"area_clusters"},
				[]string{"province_code", "key", "points", "min_x", "min_y", "max_x", "max_y", "area_ids", "sites", "data", "network", "digest"},
				pgx.CopyFromRows(groups)); err != nil {
				return fmt.Errorf("stored groups: %w", err)
			}
		}
		return nil
	})
	res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	return res, err
}

// planFull reads every accepted point of the province and its stored
// areas; the journal of changes is emptied, as everything is regrouped.
func planFull(ctx context.Context, tx pgx.Tx, province string) (*regroupInput, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM area_changes WHERE province_code = $1`, province); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	ids, pts, err := loadAccepted(ctx, tx, province)
	if err != nil {
		return nil, fmt.Errorf("load points: %w", err)
	}
	prev, stored, err := previous(ctx, tx, province)
	if err != nil {
		return nil, err
	}
	in := &regroupInput{mode: ModeFull, ids: ids, pts: pts, prev: prev, stored: stored, replaced: map[int64][]byte{}}
	rows, err := tx.Query(ctx, `SELECT key, digest FROM area_clusters WHERE province_code = $1`, province)
	if err != nil {
		return nil, fmt.Errorf("stored groups: %w", err)
	}
	var key int64
	var digest []byte
	if _, err := pgx.ForEachRow(rows, []any{&key, &digest}, func() error {
		in.replaced[key] = digest
		return nil
	}); err != nil {
		return nil, fmt.Errorf("stored groups: %w", err)
	}
	return in, nil
}

// clusterRows returns the area_clusters rows of the new groups of g that
// differ from the stored ones they replace (by digest), and the keys of the
// stored rows to delete first: replaced and not kept as they are.
func clusterRows(province string, in *regroupInput, g *Grouping, areas []Area, areaIDs []int64) ([][]any, []int64) {
	var rows [][]any
	unchanged := map[int64]bool{}
	if g != nil {
		pointArea := make([]int64, len(in.pts))
		clusterAreas := make([][]int, len(g.Clusters))
		for i, a := range areas {
			for _, idx := range a.Points {
				pointArea[idx] = areaIDs[i]
			}
			clusterAreas[a.Cluster] = append(clusterAreas[a.Cluster], i)
		}
		var sp []snapPoint
		var ps []xy
		for k, cl := range g.Clusters {
			sp, ps = sp[:0], ps[:0]
			minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, idx := range cl.Points {
				minX, maxX = math.Min(minX, g.X[idx]), math.Max(maxX, g.X[idx])
				minY, maxY = math.Min(minY, g.Y[idx]), math.Max(maxY, g.Y[idx])
				sp = append(sp, snapPoint{id: in.ids[idx], area: pointArea[idx], p: in.pts[idx]})
				if in.pts[idx].Category == survey.LomSong {
					ps = append(ps, xy{g.X[idx], g.Y[idx]})
				}
			}
			var ids []int64
			sites := []float64{}
			for _, i := range clusterAreas[k] {
				ids = append(ids, areaIDs[i])
				for _, st := range areas[i].Sites {
					mw := 0.0
					if st.Backhaul == site.Microwave {
						mw = 1
					}
					sites = append(sites, st.X, st.Y, mw)
				}
			}
			data, network := packPoints(sp), packNetwork(ps)
			key := in.ids[cl.Points[0]]
			h := sha256.New()
			var b []byte
			for _, f := range []float64{minX, minY, maxX, maxY} {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
			}
			for _, id := range ids {
				b = binary.LittleEndian.AppendUint64(b, uint64(id))
			}
			for _, f := range sites {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
			}
			h.Write(b)
			h.Write(data)
			h.Write(network)
			digest := h.Sum(nil)
			if old, ok := in.replaced[key]; ok && bytes.Equal(old, digest) {
				unchanged[key] = true
				continue
			}
			rows = append(rows, []any{province, key, len(cl.Points), minX, minY, maxX, maxY, ids, sites, data, network, digest})
		}
	}
	var gone []int64
	for key := range in.replaced {
		if !unchanged[key] {
			gone = append(gone, key)
		}
	}
	return rows, gone
}

// writes queues statements and sends them in one round trip (a pgx
// batch), each error named by what it wrote.
type writes struct {
	batch  pgx.Batch
	labels []string
}

func newWrites() *writes { return &writes{} }

func (w *writes) queue(label, sql string, args ...any) {
	w.batch.Queue(sql, args...)
	w.labels = append(w.labels, label)
}

func (w *writes) send(ctx context.Context, tx pgx.Tx) error {
	br := tx.SendBatch(ctx, &w.batch)
	for _, l := range w.labels {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%s: %w", l, err)
		}
	}
	return br.Close()
}

// queueMembership brings area_points to the new membership, touching only
// the points whose area changed: after an accept, a recomputation of a
// province of 90,000 points rewrites a handful of rows, not all of them.
func queueMembership(w *writes, province string, prev []Previous, pointIDs, pointAreas []int64) {
	old := make(map[int64]int64)
	for _, p := range prev {
		for _, id := range p.Points {
			old[id] = p.ID
		}
	}
	var upIDs, upAreas []int64
	for i, id := range pointIDs {
		if a, ok := old[id]; !ok || a != pointAreas[i] {
			upIDs = append(upIDs, id)
			upAreas = append(upAreas, pointAreas[i])
		}
		delete(old, id)
	}
	gone := make([]int64, 0, len(old))
	for id := range old {
		gone = append(gone, id)
	}
	if len(gone) > 0 {
		w.queue("area points", `DELETE FROM area_points WHERE point_id = ANY($1)`, gone)
	}
	if len(upIDs) > 0 {
		w.queue("area points", `INSERT INTO area_points (point_id, area_id, province_code)
			SELECT p, a, $3 FROM unnest($1::bigint[], $2::bigint[]) AS t(p, a)
			ON CONFLICT (point_id) DO UPDATE SET area_id = EXCLUDED.area_id`, upIDs, upAreas, province)
	}
}

// previous reads the stored active areas of a province with their points
// (for Assign) and their content (to tell a real change from a no-op).
func previous(ctx context.Context, tx pgx.Tx, province string) ([]Previous, map[int64]storedArea, error) {
	rows, err := tx.Query(ctx, `
		SELECT a.id, coalesce((SELECT array_agg(point_id ORDER BY point_id) FROM area_points ap WHERE ap.area_id = a.id), '{}')
		FROM areas a WHERE a.province_code = $1 AND a.status = 'active' ORDER BY a.id`, province)
	if err != nil {
		return nil, nil, fmt.Errorf("previous areas: %w", err)
	}
	prev, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Previous, error) {
		var p Previous
		err := r.Scan(&p.ID, &p.Points)
		return p, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("previous areas: %w", err)
	}
	ids := make([]int64, len(prev))
	for i, p := range prev {
		ids[i] = p.ID
	}
	stored, err := storedFigures(ctx, tx, ids)
	return prev, stored, err
}

// storedArea is what the last version of an area holds: its version, its
// digest, and for versions written before the digest existed their content.
type storedArea struct {
	version                                                      int
	digest                                                       []byte
	points, villages, households, population, trangSong, lomSong int
	sites                                                        int
	cost                                                         int64
	score                                                        float64
	geom, summary, siteList                                      []byte // WKB, JSON, JSON
}

// storedFigures reads the last version of the given areas.
func storedFigures(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]storedArea, error) {
	stored := map[int64]storedArea{}
	if len(ids) == 0 {
		return stored, nil
	}
	rows, err := tx.Query(ctx, `SELECT a.id, a.version, a.digest, a.points, a.villages, a.households, a.population, a.trang_song,
		    a.lom_song, a.sites, a.cost_vnd, a.score,
		    CASE WHEN a.digest IS NULL THEN ST_AsBinary(a.geom) END, CASE WHEN a.digest IS NULL THEN a.summary END,
		    CASE WHEN a.digest IS NULL THEN (SELECT v.sites FROM area_versions v WHERE v.area_id = a.id AND v.version = a.version) END
		FROM areas a WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("previous areas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st storedArea
		if err := rows.Scan(&id, &st.version, &st.digest, &st.points, &st.villages, &st.households, &st.population, &st.trangSong,
			&st.lomSong, &st.sites, &st.cost, &st.score, &st.geom, &st.summary, &st.siteList); err != nil {
			return nil, fmt.Errorf("previous areas: %w", err)
		}
		stored[id] = st
	}
	return stored, rows.Err()
}

// same reports whether an area computed now is what the stored version
// holds: every figure, the polygon, the summary and the sites. Same points
// do not mean same figures: a point may have moved, or its households,
// terrain or village name changed, or the network its sites reach.
func (st storedArea) same(a Area, ids []int64, digest []byte) (bool, error) {
	if st.digest != nil {
		return bytes.Equal(st.digest, digest), nil
	}
	if st.points != len(a.Points) || st.villages != a.Villages || st.households != a.Households || st.population != a.Population ||
		st.trangSong != a.TrangSong || st.lomSong != a.LomSong || st.sites != len(a.Sites) || st.cost != a.Cost.Total ||
		st.score != a.Score.Value {
		return false, nil
	}
	c, err := contentOf(a, ids)
	if err != nil {
		return false, err
	}
	g, err := wkb.Unmarshal(st.geom)
	if err != nil || !orb.Equal(g, a.Polygon) {
		return false, nil
	}
	return sameJSON(st.summary, c.summary, false) && sameJSON(st.siteList, c.sites, true), nil
}

// digestOf returns the SHA-256 of what a version of the area holds besides
// its points: figures, summary, polygon, sites with the point ids each
// serves (ids maps Build's input indices to them).
func digestOf(a Area, ids []int64) []byte {
	h := sha256.New()
	fig, _ := json.Marshal([]any{len(a.Points), a.Villages, a.Households, a.Population, a.TrangSong, a.LomSong,
		len(a.Sites), a.Cost.Total, a.Score.Value, summaryOf(a)})
	h.Write(fig)
	var b []byte
	for _, poly := range a.Polygon {
		for _, ring := range poly {
			b = binary.LittleEndian.AppendUint64(b, uint64(len(ring)))
			for _, p := range ring {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
			}
		}
	}
	h.Write(b)
	for _, st := range a.Sites {
		points := st.Points
		st.Points = nil
		j, _ := json.Marshal(st)
		h.Write(j)
		b = b[:0]
		b = binary.LittleEndian.AppendUint64(b, uint64(len(points)))
		for _, k := range points {
			b = binary.LittleEndian.AppendUint64(b, uint64(ids[k]))
		}
		h.Write(b)
	}
	return h.Sum(nil)
}

// sameJSON compares two JSON texts as values: jsonb gives back its own
// spelling of what it was given. With sites, the points each site serves
// are left out: versions written before migration 00010 hold indices into
// that computation's input there, not point ids; a site serving other
// points with the same households, position and cost is no new version.
func sameJSON(a, b []byte, sites bool) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	if sites {
		for _, v := range []any{x, y} {
			list, _ := v.([]any)
			for _, st := range list {
				if m, ok := st.(map[string]any); ok {
					delete(m, "points")
				}
			}
		}
	}
	return reflect.DeepEqual(x, y)
}

func summaryOf(a Area) map[string]any {
	return map[string]any{
		"communes": a.Communes, "grid_power": a.GridPower, "terrain": a.Terrain, "facilities": a.Facilities.Present(),
		"facility_counts": a.Facilities, "dbkk": a.DBKK, "public_facilities": a.PublicFacilities,
		"diameter_m": a.Diameter, "margin_m": a.Margin, "cost": a.Cost, "score": a.Score,
	}
}

// versionSite is a site as area_versions.sites keeps it: site.Site's JSON
// with the survey point ids it serves instead of indices into one
// computation's input, which mean nothing afterwards (and differ between a
// full and an incremental recomputation).
type versionSite struct {
	site.Site
	Points []int64 `json:"points"`
}

// areaContent is what a version of an area stores besides its figures.
type areaContent struct {
	geom, summary, sites []byte // WKB, JSON, JSON
}

// contentOf encodes an area's polygon, summary and sites; ids maps
// Build's input indices to survey point ids.
func contentOf(a Area, ids []int64) (areaContent, error) {
	geom, err := wkb.Marshal(a.Polygon)
	if err != nil {
		return areaContent{}, fmt.Errorf("polygon: %w", err)
	}
	summary, err := json.Marshal(summaryOf(a))
	if err != nil {
		return areaContent{}, fmt.Errorf("summary: %w", err)
	}
	vs := make([]versionSite, len(a.Sites))
	for i, st := range a.Sites {
		vs[i] = versionSite{Site: st, Points: make([]int64, len(st.Points))}
		for j, k := range st.Points {
			vs[i].Points[j] = ids[k]
		}
	}
	sites, err := json.Marshal(vs)
	if err != nil {
		return areaContent{}, fmt.Errorf("sites: %w", err)
	}
	return areaContent{geom, summary, sites}, nil
}

// queueWriteArea writes a new version of an area.
func queueWriteArea(w *writes, province string, id int64, version int, kind ChangeKind, reason phusong.Message,
	a Area, c areaContent, digest []byte, pointIDs []int64, jobID int64) {
	w.queue(fmt.Sprintf("area %d", id), `
		INSERT INTO areas (id, province_code, version, status, geom, points, villages, households, population,
		                   trang_song, lom_song, sites, cost_vnd, score, summary, digest)
		VALUES ($1, $2, $3, 'active', ST_Multi(ST_GeomFromWKB($4, 4326)), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = 'active', merged_into = NULL, geom = EXCLUDED.geom,
		    points = EXCLUDED.points, villages = EXCLUDED.villages, households = EXCLUDED.households,
		    population = EXCLUDED.population, trang_song = EXCLUDED.trang_song, lom_song = EXCLUDED.lom_song,
		    sites = EXCLUDED.sites, cost_vnd = EXCLUDED.cost_vnd, score = EXCLUDED.score, summary = EXCLUDED.summary,
		    digest = EXCLUDED.digest, updated_at = now()`,
		id, province, version, c.geom, len(a.Points), a.Villages, a.Households, a.Population, a.TrangSong, a.LomSong,
		len(a.Sites), a.Cost.Total, a.Score.Value, c.summary, digest)
	reasonText, _ := json.Marshal(reason)
	w.queue(fmt.Sprintf("area %d version %d", id, version), `
		INSERT INTO area_versions (area_id, version, province_code, change, reason, geom, point_ids, sites, summary,
		                           households, cost_vnd, score, job_id)
		VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_GeomFromWKB($6, 4326)), $7, $8, $9, $10, $11, $12, $13)`,
		id, version, province, string(kind), string(reasonText), c.geom, pointIDs, c.sites, c.summary, a.Households, a.Cost.Total, a.Score.Value, jobID)
}

// queueRemoveArea retires an area: merged into another, or left without
// points. It keeps its id, its polygon (where it was) and its versions,
// the last of which keeps what it was; its current row and the removal
// version count nothing, since its points, households and sites now
// belong to the area it merged into or to none — a list of every status
// (or an OGC client reading status=all) must add up to the active areas'
// figures, not count a village twice. Both the full and the incremental
// recomputation retire areas here. The retiring version's change is
// "merged" (its reason names the area it went into) or "removed" (no point
// left), like the area's status.
func queueRemoveArea(w *writes, c Change, jobID int64) {
	status, change := "removed", Removed
	var into any
	if c.MergedInto != 0 {
		status, change, into = "merged", Merged, c.MergedInto
	}
	reason, _ := json.Marshal(c.Reason)
	w.queue(fmt.Sprintf("remove area %d", c.ID), `
		WITH a AS (UPDATE areas SET status = $2, merged_into = $3, version = version + 1, updated_at = now(),
		               points = 0, villages = 0, households = 0, population = 0, trang_song = 0, lom_song = 0,
		               sites = 0, cost_vnd = 0, score = 0, summary = '{}', digest = NULL
		           WHERE id = $1 RETURNING id, version, province_code, geom, summary, households, cost_vnd, score)
		INSERT INTO area_versions (area_id, version, province_code, change, reason, geom, point_ids, sites, summary,
		                           households, cost_vnd, score, job_id)
		SELECT id, version, province_code, $4, $5, geom, '{}', '[]', summary, households, cost_vnd, score, $6 FROM a`,
		c.ID, status, into, string(change), string(reason), jobID)
}

// siteRows collects the sites of areas for one INSERT.
type siteRows struct {
	areas, costs  []int64
	nums, hh, cnt []int32
	lons, lats    []float64
	terr          []string
}

func (r *siteRows) add(id int64, a Area) {
	for i, st := range a.Sites {
		r.areas, r.nums = append(r.areas, id), append(r.nums, int32(i+1))
		r.lons, r.lats = append(r.lons, st.Location[0]), append(r.lats, st.Location[1])
		r.hh, r.cnt = append(r.hh, int32(st.Households)), append(r.cnt, int32(len(st.Points)))
		r.terr, r.costs = append(r.terr, st.Terrain), append(r.costs, st.Cost.Total)
	}
}

func (r *siteRows) queue(w *writes, province string) {
	if len(r.areas) == 0 {
		return
	}
	w.queue("sites", `INSERT INTO area_sites (area_id, n, province_code, geom, households, points, terrain, cost_vnd)
		SELECT a, n, $1, ST_SetSRID(ST_MakePoint(x, y), 4326), h, c, t, k
		FROM unnest($2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::int[], $7::int[], $8::text[], $9::bigint[])
		    AS u(a, n, x, y, h, c, t, k)`,
		province, r.areas, r.nums, r.lons, r.lats, r.hh, r.cnt, r.terr, r.costs)
}

func audit(ctx context.Context, tx pgx.Tx, e phusong.AuditEntry) error {
	if _, err := tx.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
