package area

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// clusterHeader is a stored group without its points (area_clusters).
type clusterHeader struct {
	key                    int64
	points                 int
	minX, minY, maxX, maxY float64
	areaIDs                []int64
	sites                  []float64 // x, y, 1 for microwave or 0 for satellite, per site
	digest                 []byte
}

// distTo returns the distance in metres from (x, y) to the extent.
func (h *clusterHeader) distTo(x, y float64) float64 {
	return math.Hypot(math.Max(0, math.Max(h.minX-x, x-h.maxX)), math.Max(0, math.Max(h.minY-y, y-h.maxY)))
}

// pendingPoint is a point of the journal as it is now, with the area it
// was in at the last recomputation (0: none).
type pendingPoint struct {
	id       int64
	exists   bool
	accepted bool // accepted, in this province
	p        survey.Point
	oldArea  int64
	x, y     float64
}

// maxPending is the share of a province's points above which a journal is
// not worth reading point by point: over a quarter changed, the groups
// they touch are most of the province.
const maxPending = 4

// slack is added to distances compared with ones computed elsewhere in
// another order of floating-point operations (Group's link test, a stored
// site against the network): a millimetre, so that a borderline case is
// rebuilt rather than missed.
const slack = 1e-3

// planIncremental decides what to regroup after the changes in the journal
// (area_changes) since the last recomputation, and empties it; nil means a
// full recomputation is needed (no stored state, another configuration,
// a deleted point, or too many changes: over a quarter of the points, or
// over a thousand in one statement).
//
// The stored groups (area_clusters) are the partition of the points as
// they were. A group is rebuilt when a changed point was in it, when a
// point accepted now (or moved) lies within eps of one of its points (it
// joins it), or when the existing network its sites reach may have
// changed: a satellite site within microwave reach of a new lõm sóng
// point, or a microwave site left with no lõm sóng point within reach when
// one goes. Every other group is exactly a group of the new partition,
// with the same points, sites and figures: no point of it changed, none
// joined it, and its backhaul stays. The groups near the rebuilt ones lend
// their lõm sóng points, so that the new sites' backhaul is decided
// against the whole province's network.
func planIncremental(ctx context.Context, tx pgx.Tx, province, fp string, cfg Config) (*regroupInput, error) {
	var config string
	err := tx.QueryRow(ctx, `SELECT config FROM area_provinces WHERE province_code = $1`, province).Scan(&config)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && config != fp {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("province state: %w", err)
	}
	var changed, stored int
	var many bool
	if err := tx.QueryRow(ctx, `SELECT count(DISTINCT point_id), coalesce(bool_or(point_id = 0), false),
		(SELECT coalesce(sum(points), 0) FROM area_clusters WHERE province_code = $1)
		FROM area_changes WHERE province_code = $1`, province).Scan(&changed, &many, &stored); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if many || changed*maxPending > stored {
		return nil, nil
	}
	proj, err := ProjectionFor(province)
	if err != nil {
		return nil, err
	}
	pending, err := readJournal(ctx, tx, province, proj)
	if err != nil {
		return nil, err
	}
	headers, err := loadHeaders(ctx, tx, province)
	if err != nil {
		return nil, err
	}
	byArea := map[int64]int{}
	for i, h := range headers {
		for _, a := range h.areaIDs {
			byArea[a] = i
		}
	}

	// must: groups rebuilt for sure (a changed point was in it, or its
	// backhaul may change); near: groups whose extent an added point is
	// within eps of, rebuilt if one of their points is.
	must, near := map[int]bool{}, map[int]bool{}
	isPending := make(map[int64]bool, len(pending))
	var added []pendingPoint
	for _, q := range pending {
		if !q.exists {
			return nil, nil // deleted: area_points lost its row, the journal alone cannot tell its group
		}
		isPending[q.id] = true
		if q.oldArea != 0 {
			h, ok := byArea[q.oldArea]
			if !ok {
				return nil, nil // the stored groups do not match area_points
			}
			must[h] = true
		}
		if q.accepted {
			added = append(added, q)
		}
	}
	eps := cfg.maxEps() + slack
	reach := cfg.Site.Costs.MicrowaveReach
	for _, q := range added {
		for i := range headers {
			h := &headers[i]
			if h.distTo(q.x, q.y) <= eps {
				near[i] = true
			}
			if q.p.Category != survey.LomSong || must[i] {
				continue
			}
			// A satellite site within reach of a new place of the network
			// turns to microwave.
			for s := 0; s+2 < len(h.sites); s += 3 {
				if h.sites[s+2] == 0 && math.Hypot(h.sites[s]-q.x, h.sites[s+1]-q.y) <= reach+slack {
					must[i] = true
					break
				}
			}
		}
	}

	// Read the groups, keep the near ones an added point links to, then
	// look for microwave sites of the others that a place leaving the
	// network may strand; a stranded site's group is rebuilt too, which
	// may need more groups' points and places.
	points := map[int][]snapPoint{}
	places := map[int][]xy{}
	checked := map[int]bool{}
	var gone []xy // where lõm sóng points were that are not there any more
	for round := 0; ; round++ {
		var want []int64
		for i := range headers {
			if _, ok := points[i]; !ok && (must[i] || near[i]) {
				want = append(want, headers[i].key)
			}
		}
		if err := loadClusterData(ctx, tx, province, headers, want, points); err != nil {
			return nil, err
		}
		for i := range near {
			if checked[i] || must[i] {
				continue
			}
			checked[i] = true
			if !linksTo(points[i], added, proj, eps) {
				delete(near, i)
			}
		}
		if round == 0 {
			for i := range must {
				for _, sp := range points[i] {
					if isPending[sp.id] && sp.p.Category == survey.LomSong {
						x, y := proj.Forward(sp.p.Location)
						gone = append(gone, xy{x, y})
					}
				}
			}
		}
		rebuilt := func(i int) bool { return must[i] || near[i] }
		// Candidate stranded sites: microwave sites of the groups left
		// alone within reach of a place gone.
		type candidate struct {
			h    int
			x, y float64
		}
		var cands []candidate
		for i := range headers {
			if rebuilt(i) {
				continue
			}
			h := &headers[i]
			for s := 0; s+2 < len(h.sites); s += 3 {
				if h.sites[s+2] != 1 {
					continue
				}
				for _, g := range gone {
					if math.Hypot(h.sites[s]-g.x, h.sites[s+1]-g.y) <= reach+slack {
						cands = append(cands, candidate{i, h.sites[s], h.sites[s+1]})
						break
					}
				}
			}
		}
		// The places needed: of the groups left alone near a rebuilt group
		// or an added point (a new site lies within its radius of a point it
		// serves), or near a candidate (to check it).
		span := cfg.Site.MaxRadius() + reach + slack
		var wantNet []int64
		for i := range headers {
			if _, ok := places[i]; ok || rebuilt(i) {
				continue
			}
			h := &headers[i]
			nearby := false
			for j := range headers {
				if rebuilt(j) && boxDist(h, &headers[j]) <= span {
					nearby = true
					break
				}
			}
			for k := 0; k < len(added) && !nearby; k++ {
				nearby = h.distTo(added[k].x, added[k].y) <= span
			}
			for k := 0; k < len(cands) && !nearby; k++ {
				nearby = h.distTo(cands[k].x, cands[k].y) <= reach+slack
			}
			if nearby {
				wantNet = append(wantNet, h.key)
			}
		}
		if err := loadClusterNetwork(ctx, tx, province, headers, wantNet, places); err != nil {
			return nil, err
		}
		if len(cands) == 0 {
			break
		}
		// The network as it will be: the places of the groups left alone,
		// the lõm sóng points of the rebuilt ones that stay, the added ones.
		var xs, ys []float64
		for i, ps := range places {
			if !rebuilt(i) {
				for _, p := range ps {
					xs, ys = append(xs, p.x), append(ys, p.y)
				}
			}
		}
		for i := range headers {
			if !rebuilt(i) {
				continue
			}
			for _, sp := range points[i] {
				if !isPending[sp.id] && sp.p.Category == survey.LomSong {
					x, y := proj.Forward(sp.p.Location)
					xs, ys = append(xs, x), append(ys, y)
				}
			}
		}
		for _, q := range added {
			if q.p.Category == survey.LomSong {
				xs, ys = append(xs, q.x), append(ys, q.y)
			}
		}
		net := site.NewNetwork(xs, ys, reach)
		more := false
		for _, c := range cands {
			// Still microwave for sure with a place within reach by a
			// millimetre to spare; else its group is rebuilt and Build says.
			if !must[c.h] && !net.Within(c.x, c.y, reach-slack) {
				must[c.h] = true
				more = true
			}
		}
		if !more {
			break
		}
	}

	in := &regroupInput{mode: ModeIncremental, replaced: map[int64][]byte{}}
	var boxes []clusterHeader // extents of what is rebuilt, for the places it may need
	var lists [][]snapPoint
	n := len(added)
	for i := range headers {
		if !must[i] && !near[i] {
			in.kept = append(in.kept, headers[i])
			continue
		}
		in.replaced[headers[i].key] = headers[i].digest
		boxes = append(boxes, headers[i])
		lists = append(lists, points[i])
		n += len(points[i])
	}
	// Build numbers groups in the order of their first point, and Assign
	// breaks ties by that order: the points in id order, as a full
	// recomputation reads them, give the same order to the groups rebuilt.
	// The stored points of each group are in id order already; merge them.
	addedList := make([]snapPoint, len(added))
	for k, q := range added {
		addedList[k] = snapPoint{id: q.id, p: q.p}
		boxes = append(boxes, clusterHeader{minX: q.x, maxX: q.x, minY: q.y, maxY: q.y})
	}
	lists = append(lists, addedList)
	in.ids, in.pts = make([]int64, 0, n), make([]survey.Point, 0, n)
	next := make([]int, len(lists))
	for {
		best := -1
		for l, list := range lists {
			for next[l] < len(list) && isPending[list[next[l]].id] && l < len(lists)-1 {
				next[l]++ // a changed point: it is in the added list, or gone
			}
			if next[l] < len(list) && (best < 0 || list[next[l]].id < lists[best][next[best]].id) {
				best = l
			}
		}
		if best < 0 {
			break
		}
		sp := &lists[best][next[best]]
		in.ids, in.pts = append(in.ids, sp.id), append(in.pts, sp.p)
		next[best]++
	}

	// The stored areas of the rebuilt groups, with their points then.
	type member struct{ id, area int64 }
	var members []member
	for _, list := range lists[:len(lists)-1] {
		for _, sp := range list {
			members = append(members, member{sp.id, sp.area})
		}
	}
	slices.SortFunc(members, func(a, b member) int { return cmp.Or(cmp.Compare(a.area, b.area), cmp.Compare(a.id, b.id)) })
	for _, m := range members {
		if k := len(in.prev); k == 0 || in.prev[k-1].ID != m.area {
			in.prev = append(in.prev, Previous{ID: m.area})
		}
		in.prev[len(in.prev)-1].Points = append(in.prev[len(in.prev)-1].Points, m.id)
	}
	// The places of the groups left alone that a new site may reach.
	span := cfg.Site.MaxRadius() + reach + slack
	for i, ps := range places {
		if must[i] || near[i] {
			continue
		}
		for _, p := range ps {
			for b := range boxes {
				if boxes[b].distTo(p.x, p.y) <= span {
					in.outside = append(in.outside, p)
					break
				}
			}
		}
	}
	prevIDs := make([]int64, len(in.prev))
	for i, p := range in.prev {
		prevIDs[i] = p.ID
	}
	if in.stored, err = storedFigures(ctx, tx, prevIDs); err != nil {
		return nil, err
	}
	return in, nil
}

// linksTo reports whether a point of pts is within eps (metres, with
// slack) of an added point.
func linksTo(pts []snapPoint, added []pendingPoint, proj Projection, eps float64) bool {
	for i := range pts {
		x, y := proj.Forward(pts[i].p.Location)
		for _, q := range added {
			if dx, dy := x-q.x, y-q.y; dx*dx+dy*dy <= eps*eps {
				return true
			}
		}
	}
	return false
}

// boxDist returns the distance in metres between two extents.
func boxDist(a, b *clusterHeader) float64 {
	return math.Hypot(math.Max(0, math.Max(a.minX-b.maxX, b.minX-a.maxX)), math.Max(0, math.Max(a.minY-b.maxY, b.minY-a.maxY)))
}

// readJournal empties the province's journal and returns each point in it
// as it is now, in id order: one statement, so one snapshot for both.
func readJournal(ctx context.Context, tx pgx.Tx, province string, proj Projection) ([]pendingPoint, error) {
	rows, err := tx.Query(ctx, `
		WITH j AS (DELETE FROM area_changes WHERE province_code = $1 RETURNING point_id)
		SELECT c.id, p.id IS NOT NULL, coalesce(p.status = 'accepted' AND p.province_code = $1, false), coalesce(ap.area_id, 0),
		       `+pointColumns+`
		FROM (SELECT DISTINCT point_id AS id FROM j) c
		LEFT JOIN survey_points p ON p.id = c.id
		LEFT JOIN area_points ap ON ap.point_id = c.id
		ORDER BY c.id`, province)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var pending []pendingPoint
	for rows.Next() {
		var q pendingPoint
		var commune, village, grid, terrain, dbkk, category *string
		var lon, lat *float64
		var hh, pop *int
		var facilities []string
		if err := rows.Scan(&q.id, &q.exists, &q.accepted, &q.oldArea,
			&commune, &village, &lon, &lat, &hh, &pop, &grid, &terrain, &dbkk, &facilities, &category); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		if q.accepted {
			q.p = survey.Point{ProvinceCode: province, CommuneCode: *commune, VillageName: *village, Location: orb.Point{*lon, *lat},
				Households: *hh, Population: *pop, GridPower: *grid, Terrain: *terrain, DBKK: *dbkk, Facilities: facilities, Category: *category}
			q.x, q.y = proj.Forward(q.p.Location)
		}
		pending = append(pending, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return pending, nil
}

// maxEps is the largest linking distance of any point, in metres.
func (c Config) maxEps() float64 {
	e := c.Eps
	for _, v := range c.EpsByTerrain {
		e = math.Max(e, v)
	}
	for _, v := range c.EpsByProvince {
		e = math.Max(e, v)
	}
	return e
}

// loadHeaders reads the stored groups of a province, without their points.
func loadHeaders(ctx context.Context, tx pgx.Tx, province string) ([]clusterHeader, error) {
	rows, err := tx.Query(ctx, `SELECT key, points, min_x, min_y, max_x, max_y, area_ids, sites, digest
		FROM area_clusters WHERE province_code = $1 ORDER BY key`, province)
	if err != nil {
		return nil, fmt.Errorf("stored groups: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (clusterHeader, error) {
		var h clusterHeader
		err := r.Scan(&h.key, &h.points, &h.minX, &h.minY, &h.maxX, &h.maxY, &h.areaIDs, &h.sites, &h.digest)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("stored groups: %w", err)
	}
	return out, nil
}

// loadClusterData reads the points of the stored groups with the given
// keys into points, by header index.
func loadClusterData(ctx context.Context, tx pgx.Tx, province string, headers []clusterHeader, keys []int64, points map[int][]snapPoint) error {
	if len(keys) == 0 {
		return nil
	}
	index := headerIndex(headers)
	rows, err := tx.Query(ctx, `SELECT key, data FROM area_clusters WHERE province_code = $1 AND key = ANY($2)`, province, keys)
	if err != nil {
		return fmt.Errorf("stored groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key int64
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return fmt.Errorf("stored groups: %w", err)
		}
		i := index[key]
		if points[i], err = unpackPoints(data, province, make([]snapPoint, 0, headers[i].points)); err != nil {
			return fmt.Errorf("stored group %d: %w", key, err)
		}
	}
	return rows.Err()
}

// loadClusterNetwork reads the lõm sóng places of the stored groups with
// the given keys into places, by header index.
func loadClusterNetwork(ctx context.Context, tx pgx.Tx, province string, headers []clusterHeader, keys []int64, places map[int][]xy) error {
	if len(keys) == 0 {
		return nil
	}
	index := headerIndex(headers)
	rows, err := tx.Query(ctx, `SELECT key, network FROM area_clusters WHERE province_code = $1 AND key = ANY($2)`, province, keys)
	if err != nil {
		return fmt.Errorf("stored network: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key int64
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return fmt.Errorf("stored network: %w", err)
		}
		i := index[key]
		if places[i], err = unpackNetwork(data, nil); err != nil {
			return fmt.Errorf("stored group %d: %w", key, err)
		}
	}
	return rows.Err()
}

func headerIndex(headers []clusterHeader) map[int64]int {
	m := make(map[int64]int, len(headers))
	for i, h := range headers {
		m[h.key] = i
	}
	return m
}
