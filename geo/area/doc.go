// Package area groups accepted survey points into dead-zone areas, the
// unit reviewers tender: points within eps of each other, transitively, in
// one province, bounded in size, each area with its sites, cost and
// priority (geo/site), a polygon, and an id that stays stable as points are
// accepted.
//
//   - Group: the partition, single linkage within eps per province,
//     exactly what ST_ClusterDBSCAN(metric geom, eps, minpoints => 1) OVER
//     (PARTITION BY province_code) gives.
//   - Grouping.Areas: one unbounded area per group, with counts and
//     polygon but no sites (what bench/areas.sh compares with PostGIS).
//   - Build: Group, then site plans, bounding, summaries, cost and score.
//   - Assign: stable ids and the change list for the area versions.
//   - Store: the recompute job (one province or all) that runs Build and
//     Assign on the accepted points and writes areas, versions,
//     memberships and sites, rebuilding only the groups that changed points
//     touch (store_regroup.go, store_incremental.go); the area list and
//     detail.
//
// Group, Build and Assign are pure: no tables, no I/O. The Store owns the
// tables of migrations 00007 (areas, area_versions, area_points,
// area_sites, area_jobs) and 00010 (area_clusters, area_provinces,
// area_changes and the triggers on survey_points that feed it).
//
// # Metres
//
// Points are projected per province (Projection): Transverse Mercator on
// WGS 84 with the province's VN-2000 TM-3 central meridian
// (coord.CentralMeridian), k0 = 0.9999, false easting 500 km. Areas never
// cross a province border, so no area straddles a zone edge: UTM would cut
// Quảng Ngãi, Gia Lai, Đắk Lắk, Lâm Đồng and Đà Nẵng at 108°E.
// TestProjectionScale measures the scale over the boundary vertices of all
// 3,321 communes: 0.999900 … 1.000671 (−0.010 % … +0.067 %, the largest at
// Xã Mù Cả in the far west of Lai Châu), so 2,000 m are right to ±1.4 m.
// The two offshore special zones are the exception: Hoàng Sa reaches
// +0.34 % and Trường Sa +1.36 % (it lies 1.3° to 9.6° east of Khánh Hoà's
// meridian); their islands lie kilometres apart, so no pair is near eps. UTM
// by province zone would give −0.04 % … +0.09 % on the mainland.
// TestGroupAcrossUTMZones places chains of points through 108°E on the
// ellipsoid (ST_Project) 0.2 % under and over eps: projected and geodesic
// spacing differ by at most 0.010 % and links follow the true distance.
//
// # Grouping
//
// Hand-written (shared/LIBRARIES.md): a uniform grid, union-find with
// union by size and path halving. With one eps the cells are eps·0.7071
// wide, a hair under eps/√2, so all points of a cell are within eps of
// each other and a cell is one union-find node; each non-empty cell is
// compared with the 12 cells after it in its 5 × 5 neighbourhood, found by
// one cursor per offset over the cells sorted by key (an LSD radix sort).
// Two points are within eps exactly as PostGIS decides it: sqrt(dx·dx +
// dy·dy) ≤ eps with the products rounded before the sum, and one point in
// the other's eps box (the GEOS STRtree prefilter), so two points exactly
// eps apart are linked. Provinces are linked in parallel; projection runs
// on all cores.
//
// eps defaults to 2,000 m (DefaultEps): villages that far apart are served
// by the same few towers (one site covers 2–5 km). Config.EpsByTerrain and
// EpsByProvince override it per terrain class or province (a province's
// value wins); two points then link when within the smaller of their eps,
// which has no PostGIS equivalent and is tested against comparing every
// pair.
//
// Tests against PostGIS (dbtest, real database, TestGroupMatchesPostGIS…,
// TestLinkExactlyEps, …): 20,000 random points in villages around commune
// centres at eps 500, 2,000 and 5,000 m; the generator's 20,000 points
// (seed 1); chains across 108°E; 2,000 points stacked on four coordinates;
// points exactly eps apart (3-4-5 triangles, steps of 2,000 m), one ulp
// over, and 3,000 pairs at eps ± one rounding on random bearings; a
// province with one point and two points 100 m apart in different
// provinces. The oracle runs on the very metric coordinates Group computed.
//
// # Bounding
//
// Plain single linkage percolates on dense data: on the generator's 1M
// points (seed 1) at 2 km, without the province partition (one TM at
// 106°E), one cluster holds 170,692 points, 17 %, across six provinces;
// within provinces the largest still holds 40,112. Build therefore plans the sites of each group
// (geo/site) and, while a group is more than MaxDiameter across (default
// 20 km) or needs more than MaxSites sites (default 8), cuts its sites in
// two at the median along the longer side of their bounding box; points go
// with the site serving them. One site always fits (Validate keeps
// MaxDiameter at least twice the largest coverage radius). 8 sites and
// 20 km are a package one contractor builds in a season and about the
// extent of two rural communes; Config sets both (0 turns a bound off).
//
// # What an area holds
//
// Province, communes, points, villages, households, population (the sum of
// the populations given), trắng sóng and lõm sóng counts, grid power,
// terrain and facility counts, ĐBKK points, points with public facilities,
// diameter, and a polygon: the convex hull of its points grown by Margin,
// the largest coverage radius of their terrains, built in metres as tangent
// segments around the arcs (at most 0.5 % outside the true buffer, never
// inside) and unprojected. One point gives a 32-gon circle, two points or
// collinear ones a capsule; the polygon is convex, so valid, and every
// point lies inside at least Margin from its edge (TestBuildProperties and
// TestBuildSmall check with ST_IsValid, ST_Covers and geodesic distances).
//
// Villages are told apart by commune code and village name without a
// trailing "cụm N" (the suffix the survey-file specification suggests for
// several points of one village), compared as NFC bytes: VillageKey, which
// bid packages count with as well.
//
// # Stable ids
//
// Assign(previous areas, new partition, allocator): every previous area's
// heir is the new area holding most of its points (ties: the larger new
// area, then the first listed); a new area takes the smallest id among the
// areas it is heir of (an area that gained points keeps its id; merged
// areas keep the oldest, the others are recorded as merged into it; a split
// keeps the id on the part with most of the old area); any other new area
// gets the allocator's next id (new points, or a smaller part split off,
// recorded with the id it split from); a previous area with no point left
// is removed. The change list has kinds kept, grown, shrunk, changed
// (gained and lost), merged, split, new and removed, with counts, the ids
// involved and a reason in Vietnamese and English.
//
// A merged or removed area keeps its id, polygon and versions, but its
// current row (and its removal version) counts nothing — no points,
// households, sites, cost or score — since what it held now belongs to the
// area it merged into, or to none: figures summed over every status equal
// the active areas'. The version before the removal keeps what it was.
// Its retiring version's change is "merged" (the reason names the area it
// went into) or "removed" (no point left), like its status; a job's
// changes count a merge once, as merged, and removed only areas left
// without points.
//
// # Regrouping after a change
//
// Recomputing a province after an accept gives exactly what Build on all
// its accepted points and Assign against the stored areas give, without
// either: the largest province of the 1M set has 93,539 points, and reading
// them again took ~400 ms (its rows are scattered over the table), Build
// ~150 ms. A recomputation stores, per group of the partition (before
// bounding), in area_clusters: each point as Build read it and the area it
// went to (packed, snapshot.go), its lõm sóng points in metres, its extent
// and its sites with their backhaul; and in area_provinces the fingerprint
// of the configuration. Triggers on survey_points note in area_changes
// every point that is accepted before or after a statement changes it,
// whatever wrote it (decisions, resubmissions, SQL).
//
// The next recomputation reads and empties that journal, with each noted
// point as it is now, and rebuilds a stored group when
//
//   - a noted point was in it (returned, resubmitted, moved, or accepted
//     again);
//   - a point accepted now lies within eps of one of its points (it joins
//     it; the extent is the quick test, the points the exact one);
//   - its backhaul may change: a satellite site within microwave reach of a
//     lõm sóng point accepted now, or a microwave site with no lõm sóng
//     point left within reach (by a millimetre to spare) when one goes.
//
// Every other group is a group of the new partition as it is, with the same
// points, sites and figures: no point of it changed, none can join it (the
// groups were eps apart and no point came near), and its sites reach the
// same network. Only its stored rows are left alone: no reading, no
// writing. The rebuilt groups' points, the accepted noted points, and the
// lõm sóng points of the groups within the largest radius plus microwave
// reach of them (the network their new sites may reach) go through Build;
// the points are in id order, so the groups come in the order a full Build
// gives them, and Assign, given only the stored areas of the rebuilt
// groups, gives the same ids, the same new ids from the sequence and the
// same changes. An area whose points are the same gets a new version when
// anything it stores differs (figures, polygon, summary, sites; compared by
// a SHA-256 digest kept with the area): a point may have moved or changed
// its households, terrain or village. Before, only households, cost, sites
// and score were compared, and such an area kept stale figures.
//
// A full recomputation (phusong areas recompute --full, "full": true) reads
// every accepted point and rewrites every stored group whose digest
// changed; it also runs when
// nothing is stored for the province, the configuration changed, a noted
// point was deleted (its membership went with it), or the journal is too
// long to be worth it: over a quarter of the province's points, or over
// 1,000 points in one statement (the trigger then notes point 0 instead of
// listing them). TestIncrementalMatchesFull applies random batches of
// accepts, returns and resubmissions (moved points, changed categories) to
// two databases, one regrouped incrementally and one in full, and finds
// every table of areas identical after each batch, and the areas equal to
// Build's from scratch; two far groups of trắng sóng villages switch between
// satellite and microwave as a lõm sóng point 9 km away is accepted and
// returned.
//
// # Figures
//
// On the 2-core development machine (AMD EPYC, shared with other work, so
// the best quiet runs; busy runs took up to twice as long):
//
//	BenchmarkGroup1M       0.24–0.26 s  1,000,000 points → 1,398 areas with counts and polygons
//	BenchmarkGroup100k     32–37 ms     100,000 points → 2,237 areas (target ≤ 0.1 s)
//	BenchmarkBuildProvince 27–36 ms     9,778 points of one province, with sites, bounding, cost, score
//	BenchmarkBuild1M       1.4 s        the whole of Build on 1M points → 2,528 areas
//
//	go test ./geo/area -run XXX -bench . -benchtime 5x
//
// bench/areas.sh, 1M points, eps 2 km, same run (2026-11-23, two runs):
// PostGIS ST_ClusterDBSCAN … OVER (PARTITION BY province_code) + GROUP BY
// + ST_ConvexHull(ST_Collect(…)) on a stored metric column 4.19 s and
// 4.44 s (OVER (): 6.8 s and 11.4 s), Group + Areas 0.263 s and 0.235 s,
// identical partitions: areas_speedup_vs_postgis=15.9 and 18.9.
//
// bench/regroup.sh, the 1M points loaded and accepted, 20 rounds of
// accepting 5 points of the largest province (93,539 points) then POST
// /api/v1/areas/recompute with "wait" (2026-11-23/24, five runs on a busy
// machine): median 74–106 ms (regroup_largest_ms, median of the runs 87 ms;
// target ≤ 200 ms), against 419–1,253 ms for the code before in the same
// runs; the 5 points touch groups of 10,000–25,000 points. A full
// recomputation of the same state takes 555–960 ms, and finds nothing to
// change. bench/README.md keeps the runs.
//
// # Not done here
//
// No HTTP (api/areas.go). No concave hulls: a convex hull grown by the
// coverage radius is what the sites must reach anyway. No regrouping below
// the group: a rebuilt group is planned whole (site.Plan over all its
// points, as a full recomputation plans it, so that the result is the
// same), and the groups an accept touches bound what it costs: 5 random
// accepts in the largest province touch groups of 10,000–25,000 points.
//
// # Glossary
//
//   - khu vực lõm sóng / vùng lõm sóng: dead-zone area, an "area" here
//   - gói thầu: bid package, built from area versions (package bids)
//   - tỉnh, xã, thôn: province, commune, village
//   - đặc khu: special zone, an island commune (Hoàng Sa, Trường Sa, Phú Quốc, …)
//   - trắng sóng / lõm sóng: total / partial not-spot
//   - múi chiếu, kinh tuyến trục: projection zone, central meridian
package area
