package area_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/migrations/dbtest"
)

// twin is one of two databases that receive the same survey operations:
// one regroups incrementally, the other in full every time.
type twin struct {
	pool *pgxpool.Pool
	st   *survey.Store
	as   *area.Store
}

// farGroup returns n trắng sóng villages of Lai Châu (12) within a few
// hundred metres of (lon, lat), and a lõm sóng one dx metres east.
func farGroup(prefix string, lon, lat float64, n int, dx float64) ([]survey.Point, survey.Point) {
	var out []survey.Point
	for i := range n {
		p := village(fmt.Sprintf("%s%d", prefix, i), lon+float64(i%3)*0.003, lat+float64(i/3)*0.003)
		p.VillageName = fmt.Sprintf("Bản xa %s %d", prefix, i)
		out = append(out, p)
	}
	// One degree of longitude at 22°N is about 103.3 km.
	l := village(prefix+"L", lon+dx/103300, lat)
	l.VillageName = "Bản sóng yếu " + prefix
	l.Signal = [survey.NumOperators]string{"2g", "none", "none", "none"}
	l.Category = survey.LomSong
	return out, l
}

// TestIncrementalMatchesFull: after each of many random batches of survey
// decisions (accepts, returns, resubmissions that move points or change
// their category), regrouping only the touched groups leaves exactly the
// tables a full regrouping leaves (areas, versions, memberships, sites,
// stored groups, the same ids), and the active areas are those Build
// computes from scratch on the accepted points: same partition and
// figures. Two far groups of trắng sóng villages test the backhaul: a
// lõm sóng point accepted or returned 9 km away, out of eps but within
// microwave reach, switches their site between satellite and microwave.
func TestIncrementalMatchesFull(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			incrementalMatchesFull(t, seed)
		})
	}
}

func incrementalMatchesFull(t *testing.T, seed uint64) {
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	r := rand.New(rand.NewPCG(seed, 7))

	// Lai Châu's generator points, with random attributes, and two groups
	// far west of them (the projection does not mind the border).
	var pool []survey.Point
	for _, p := range withAttributes(generate(t, 20000, 1), 5) {
		if p.ProvinceCode == "12" {
			pool = append(pool, p)
		}
	}
	far1, l1 := farGroup("F1-", 101.50, 22.00, 5, 9000)
	far2, l2 := farGroup("F2-", 101.50, 21.50, 4, 10000)
	pool = append(pool, far1...)
	pool = append(pool, far2...)
	pool = append(pool, l1, l2)
	for i := range pool {
		pool[i].SurveyedOn = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	}
	byRef := map[string]int{}
	for i, p := range pool {
		byRef[p.RefID] = i
	}

	twins := [2]*twin{}
	for i := range twins {
		p := dbtest.New(t)
		twins[i] = &twin{pool: p, st: survey.NewStore(p), as: area.NewStore(p)}
	}
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	// Tighter bounds than the default, so that splits happen often.
	cfg.MaxSites = 4

	submit := func(pts []survey.Point) []int64 {
		t.Helper()
		var ids [2][]int64
		for k, tw := range twins {
			sub, err := tw.st.Submit(ctx, survey.NewSubmission{ProvinceCode: "12"}, func(emit func(survey.Point) error) (survey.Result, error) {
				for _, p := range pts {
					if err := emit(p); err != nil {
						return survey.Result{}, err
					}
				}
				return survey.Result{Rows: len(pts)}, nil
			})
			if err != nil || sub.Status != survey.StatusSubmitted {
				t.Fatalf("submit: %v %+v", err, sub)
			}
			for _, p := range pts {
				var id int64
				if err := tw.pool.QueryRow(ctx, `SELECT id FROM survey_points WHERE province_code = '12' AND ref_id = $1`, p.RefID).Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids[k] = append(ids[k], id)
			}
		}
		if !slices.Equal(ids[0], ids[1]) {
			t.Fatalf("the twins gave different ids: %v / %v", ids[0], ids[1])
		}
		return ids[0]
	}
	decide := func(ids []int64, status string) {
		t.Helper()
		if len(ids) == 0 {
			return
		}
		for _, tw := range twins {
			if _, err := tw.st.DecidePoints(ctx, ids, survey.Decision{Status: status, Comment: "test"}); err != nil {
				t.Fatalf("%s %v: %v", status, ids, err)
			}
		}
	}
	recompute := func(step string) (inc, full area.ProvinceResult) {
		t.Helper()
		var res [2]area.ProvinceResult
		for k, tw := range twins {
			j, err := tw.as.StartJob(ctx, "12", cfg)
			if err != nil {
				t.Fatal(err)
			}
			j.Full = k == 1
			if j, err = tw.as.RunJob(ctx, j, cfg, nil); err != nil || j.Status != "done" || len(j.Results) != 1 {
				t.Fatalf("%s: job: %v %+v", step, err, j)
			}
			res[k] = j.Results[0]
		}
		a, b := res[0], res[1]
		if a.Points != b.Points || a.Areas != b.Areas || a.Sites != b.Sites || fmt.Sprint(a.Changes) != fmt.Sprint(b.Changes) {
			t.Fatalf("%s: incremental %+v, full %+v", step, a, b)
		}
		if da, db := dumpAreas(t, twins[0].pool), dumpAreas(t, twins[1].pool); da != db {
			t.Fatalf("%s: the tables differ (incremental %+v, full %+v):\n%s", step, a, b, firstDiff(da, db))
		}
		return a, b
	}

	// All points submitted; 70 % accepted, with the far groups and l2 (so
	// that far2's site starts on microwave) but not l1.
	ids := submit(pool)
	status := make([]string, len(pool))
	var first []int64
	for i := range pool {
		if r.IntN(10) < 7 || strings.HasPrefix(pool[i].RefID, "F") && pool[i].RefID != l1.RefID {
			first = append(first, ids[i])
			status[i] = survey.StatusAccepted
		}
	}
	// A hundred at a time: the audit row of a point decision lists the
	// ids in its indexed object_id, which holds about 2.7 kB.
	for lo := 0; lo < len(first); lo += 100 {
		decide(first[lo:min(len(first), lo+100)], survey.StatusAccepted)
	}
	recompute("first")

	pick := func(want bool, n int) []int {
		var cand []int
		for i := range pool {
			if (status[i] == survey.StatusAccepted) == want {
				cand = append(cand, i)
			}
		}
		r.Shuffle(len(cand), func(a, b int) { cand[a], cand[b] = cand[b], cand[a] })
		return cand[:min(n, len(cand))]
	}
	set := func(idx []int, s string) {
		var sel []int64
		for _, i := range idx {
			sel = append(sel, ids[i])
			status[i] = s
		}
		decide(sel, s)
	}
	incremental := 0
	scripted := map[int]func(){
		1: func() { set([]int{byRef[l1.RefID]}, survey.StatusAccepted) }, // far1's satellite site turns microwave
		2: func() { set([]int{byRef[l2.RefID]}, survey.StatusReturned) }, // far2's microwave site turns satellite
		4: func() { set([]int{byRef[l2.RefID]}, survey.StatusAccepted) },
		5: func() { set([]int{byRef[l1.RefID]}, survey.StatusReturned) },
	}
	for batch := 1; batch <= 14; batch++ {
		if f := scripted[batch]; f != nil {
			f()
		}
		set(pick(false, 1+r.IntN(12)), survey.StatusAccepted)
		set(pick(true, r.IntN(5)), survey.StatusReturned)
		if r.IntN(3) == 0 {
			// Resubmitted points: moved up to 2.5 km, maybe another
			// category; they go back to review, and some are accepted again.
			moved := pick(true, 1+r.IntN(3))
			var pts []survey.Point
			for _, i := range moved {
				p := pool[i]
				p.Location = orb.Point{p.Location[0] + (r.Float64()-0.5)*0.05, p.Location[1] + (r.Float64()-0.5)*0.05}
				p.VillageName += fmt.Sprintf(" (sửa %d)", batch)
				if r.IntN(2) == 0 {
					p.Signal = [survey.NumOperators]string{"none", "none", "none", "none"}
					if p.Category == survey.TrangSong {
						p.Signal[0] = "3g"
					}
					p.Category = survey.DeriveCategory(p.Signal)
				}
				pool[i] = p
				pts = append(pts, p)
				status[i] = survey.StatusSubmitted
			}
			if got := submit(pts); len(got) != len(pts) {
				t.Fatalf("resubmission stored %d points, want %d", len(got), len(pts))
			}
			set(moved[:len(moved)/2+1], survey.StatusAccepted)
		}
		inc, _ := recompute(fmt.Sprintf("batch %d", batch))
		if inc.Mode == area.ModeIncremental && inc.Regrouped < inc.Points {
			incremental++
		}
	}
	if incremental < 10 {
		t.Fatalf("only %d of 14 batches were regrouped incrementally", incremental)
	}
	// Nothing changed: an incremental recomputation regroups nothing.
	if inc, _ := recompute("no change"); inc.Mode != area.ModeIncremental || inc.Regrouped != 0 || inc.Changes[area.Kept] != inc.Areas {
		t.Fatalf("recomputation without changes: %+v", inc)
	}
	checkFromScratch(t, ctx, twins[0].pool, cfg)
}

// checkFromScratch compares the active areas of the database with Build on
// its accepted points: the same partition, and the same figures per area.
func checkFromScratch(t *testing.T, ctx context.Context, pool *pgxpool.Pool, cfg area.Config) {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT id, commune_code, village_name, ST_X(geom), ST_Y(geom), households, coalesce(population, 0),
		grid_power, coalesce(terrain, ''), CASE dbkk WHEN true THEN 'yes' WHEN false THEN 'no' ELSE '' END, facilities, category
		FROM survey_points WHERE province_code = '12' AND status = 'accepted' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var pts []survey.Point
	for rows.Next() {
		var id int64
		p := survey.Point{ProvinceCode: "12"}
		if err := rows.Scan(&id, &p.CommuneCode, &p.VillageName, &p.Location[0], &p.Location[1], &p.Households, &p.Population,
			&p.GridPower, &p.Terrain, &p.DBKK, &p.Facilities, &p.Category); err != nil {
			t.Fatal(err)
		}
		ids, pts = append(ids, id), append(pts, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_, areas, err := area.Build(ctx, pts, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, a := range areas {
		var members []string
		for _, i := range a.Points {
			members = append(members, fmt.Sprint(ids[i]))
		}
		want[strings.Join(members, ",")] = fmt.Sprintf("households %d, sites %d, cost %d, score %v, villages %d",
			a.Households, len(a.Sites), a.Cost.Total, a.Score.Value, a.Villages)
	}
	rows, err = pool.Query(ctx, `SELECT a.households, a.sites, a.cost_vnd, a.score, a.villages,
		(SELECT string_agg(point_id::text, ',' ORDER BY point_id) FROM area_points p WHERE p.area_id = a.id)
		FROM areas a WHERE a.status = 'active' AND a.province_code = '12'`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var hh, sites, villages int
		var cost int64
		var score float64
		var members string
		if err := rows.Scan(&hh, &sites, &cost, &score, &villages, &members); err != nil {
			t.Fatal(err)
		}
		got[members] = fmt.Sprintf("households %d, sites %d, cost %d, score %v, villages %d", hh, sites, cost, score, villages)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d active areas, Build from scratch gives %d", len(got), len(want))
	}
	for m, w := range want {
		if got[m] != w {
			t.Fatalf("area of points %.80s…: stored %q, from scratch %q", m, got[m], w)
		}
	}
}

// dumpAreas renders every table of areas, in a fixed order, without the
// times of day.
func dumpAreas(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, province_code, version, status, merged_into, points, villages, households, population, trang_song, lom_song,
		        sites, cost_vnd, score, summary::text, ST_AsText(geom) FROM areas ORDER BY id`,
		`SELECT area_id, version, province_code, change, reason, ST_AsText(geom), point_ids, sites::text, summary::text,
		        households, cost_vnd, score, job_id FROM area_versions ORDER BY area_id, version`,
		`SELECT point_id, area_id, province_code FROM area_points ORDER BY point_id`,
		`SELECT area_id, n, province_code, ST_AsText(geom), households, points, terrain, cost_vnd FROM area_sites ORDER BY area_id, n`,
		`SELECT province_code, key, points, min_x, min_y, max_x, max_y, area_ids, sites, md5(data), md5(network)
		 FROM area_clusters ORDER BY province_code, key`,
		`SELECT province_code, config FROM area_provinces ORDER BY 1`,
	} {
		rows, err := pool.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		b.WriteString("--\n")
	}
	return b.String()
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			c := 0
			for c < min(len(x), len(y)) && x[c] == y[c] {
				c++
			}
			c = max(0, c-100)
			return fmt.Sprintf("line %d, from byte %d:\n  incremental: %.400s\n  full:        %.400s", i+1, c, x[min(c, len(x)):], y[min(c, len(y)):])
		}
	}
	return "(no difference)"
}

// TestRegroupFallsBackToFull: a province is regrouped in full when nothing
// is stored for it yet, with other parameters, after a point was deleted,
// when a quarter of its points changed, or over a thousand in one
// statement; incrementally otherwise. Each time the areas are those Build
// gives from scratch.
func TestRegroupFallsBackToFull(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	st, as := survey.NewStore(pool), area.NewStore(pool)
	var pts []survey.Point
	for i := range 40 {
		// Four rows of villages 1.1 km apart: four areas at eps 2 km.
		pts = append(pts, village(fmt.Sprintf("V%d", i), 103.2+float64(i%10)*0.0107, 22.1+float64(i/10)*0.05))
	}
	submitAccepted(t, ctx, st, pts[:36])
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	ids := func(refs ...string) []int64 {
		t.Helper()
		var out []int64
		for _, r := range refs {
			var id int64
			if err := pool.QueryRow(ctx, `SELECT id FROM survey_points WHERE ref_id = $1`, r).Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	steps := []struct {
		name string
		do   func()
		mode string
	}{
		{"first", func() {}, area.ModeFull},
		{"an accept", func() {
			submitAccepted(t, ctx, st, pts[36:37])
		}, area.ModeIncremental},
		{"nothing", func() {}, area.ModeIncremental},
		{"other eps", func() { cfg.Eps = 1500 }, area.ModeFull},
		{"a return", func() {
			if _, err := st.DecidePoints(ctx, ids("V3"), survey.Decision{Status: survey.StatusReturned, Comment: "x"}); err != nil {
				t.Fatal(err)
			}
		}, area.ModeIncremental},
		{"a deleted point", func() {
			if _, err := pool.Exec(ctx, `DELETE FROM survey_points WHERE id = $1`, ids("V5")[0]); err != nil {
				t.Fatal(err)
			}
		}, area.ModeFull},
		{"a quarter returned", func() {
			if _, err := st.DecidePoints(ctx, ids("V10", "V11", "V12", "V13", "V14", "V15", "V16", "V17", "V18"),
				survey.Decision{Status: survey.StatusReturned, Comment: "x"}); err != nil {
				t.Fatal(err)
			}
		}, area.ModeFull},
		{"accepted again", func() {
			if _, err := st.DecidePoints(ctx, ids("V10", "V11"), survey.Decision{Status: survey.StatusAccepted}); err != nil {
				t.Fatal(err)
			}
		}, area.ModeIncremental},
		{"over a thousand in one statement", func() {
			var many []survey.Point
			for i := range 1001 {
				many = append(many, village(fmt.Sprintf("M%d", i), 103.0+float64(i%40)*0.01, 21.9+float64(i/40)*0.004))
			}
			submitAccepted(t, ctx, st, many)
			var rows, zero int
			if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE point_id = 0) FROM area_changes`).Scan(&rows, &zero); err != nil || rows != 1 || zero != 1 {
				t.Fatalf("journal: %d rows, %d of point 0 (%v); want only point 0", rows, zero, err)
			}
		}, area.ModeFull},
	}
	for _, s := range steps {
		s.do()
		if got := recompute12(t, ctx, as, cfg, false).Mode; got != s.mode {
			t.Errorf("%s: mode %s, want %s", s.name, got, s.mode)
		}
		checkFromScratch(t, ctx, pool, cfg)
	}
}

// TestRecomputeSameContent: a recomputation writes a new version of an area
// whose points are the same only when something it stores changed (here a
// population), also for versions written before areas had a digest (whose
// sites list input indices, not point ids).
func TestRecomputeSameContent(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "rev", Role: phusong.RoleReviewer})
	st, as := survey.NewStore(pool), area.NewStore(pool)
	var pts []survey.Point
	for i := range 12 {
		pts = append(pts, village(fmt.Sprintf("S%d", i), 103.2+float64(i%4)*0.01, 22.1+float64(i/4)*0.05))
	}
	submitAccepted(t, ctx, st, pts)
	cfg, err := area.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	recompute := func(full bool) area.ProvinceResult { t.Helper(); return recompute12(t, ctx, as, cfg, full) }
	versions := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM area_versions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := recompute(false)
	n := versions()
	for _, legacy := range []bool{false, true} {
		if legacy {
			if _, err := pool.Exec(ctx, `UPDATE areas SET digest = NULL`); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, `UPDATE area_versions SET sites =
				(SELECT jsonb_agg(s || '{"points": [0, 1]}') FROM jsonb_array_elements(sites) s) WHERE sites <> '[]'`); err != nil {
				t.Fatal(err)
			}
		}
		if r := recompute(true); r.Changes[area.Kept] != first.Areas || versions() != n {
			t.Fatalf("legacy %v: nothing changed, yet %v and %d versions (want %d)", legacy, r.Changes, versions(), n)
		}
		if _, err := pool.Exec(ctx, `UPDATE survey_points SET population = households * 5 + $1 WHERE ref_id = 'S5'`, n); err != nil {
			t.Fatal(err)
		}
		if r := recompute(false); r.Changes[area.Changed] != 1 || versions() != n+1 {
			t.Fatalf("legacy %v: a population changed, yet %v and %d versions (want %d)", legacy, r.Changes, versions(), n+1)
		}
		n++
	}
}
