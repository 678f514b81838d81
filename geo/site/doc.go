// Package site estimates the new towers (sites) an area of dead-zone points
// needs, what they cost and how much the area matters: Plan places sites so
// that every point is within the coverage radius of one, Costs.Price prices
// a site from a cost table that is data (costs.json), and Weights.Score
// ranks an area by a formula it returns along with the score.
//
// It is pure: no tables, no I/O but reading the embedded cost table.
// Points come in as Targets in metric coordinates (geo/area projects them,
// one Transverse Mercator per province); sites go out with both metric
// coordinates and lon/lat (EPSG:4326, through the caller's Projection).
// Metres and VND throughout.
//
// # Coverage radius
//
// A target is covered by a site within the radius of the target's terrain:
//
//	flat         5 km
//	hilly        3 km   (also for points whose terrain was not given)
//	mountainous  2 km
//
// These are planning figures for one rural 4G macro site (a 30–45 m mast,
// 700–900 MHz or 1800 MHz), not radio predictions. In open, flat country
// such a site serves a handset outdoors at 5–10 km; 5 km keeps margin for
// indoor use and the cheaper handsets of poor households. Among hills the
// usable radius falls to about half as ridges shadow the valleys behind
// them: 3 km. In the mountains of the north and the Central Highlands,
// villages sit in narrow valleys that a site on the next ridge does not
// see; a village there needs a site within about 2 km, usually in its own
// valley. Points without a terrain are planned as hilly, the middle class,
// so that a missing value neither hides a need nor invents one. Config
// takes other values per class.
//
// # Placing sites
//
// Candidate positions are the targets themselves (tiles of at most 256
// targets), a square lattice with a third of the smallest radius as spacing
// (every place lies within a quarter radius of a node; only nodes covering
// a target are kept), and for tiles of at most 64 targets every point where
// two coverage circles cross. That last set makes the candidates complete:
// any group of targets one site can cover is covered from a target or a
// crossing (the leftmost point of a non-empty intersection of discs is one
// of them), so an optimal plan is among the candidates.
//
// The greedy step takes the candidate covering the most households not yet
// covered (ties: more targets, then the lower index), lazily re-evaluated
// from a max-heap. Local improvement then drops sites whose targets others
// cover (those covering fewest households first), replaces two sites by one
// candidate covering everything only they covered (pairs at most four radii
// apart, up to four passes), and drops again. Each target is served by the
// nearest site that covers it, so households add up across sites.
//
// Inputs over Config.TileTargets (default 20,000) are cut into compact
// tiles (median splits) planned one by one; sites made redundant by a
// neighbouring tile are dropped. This bounds memory: coverage lists grow
// with density × targets.
//
// # How far from optimal
//
// TestGreedyVersusOptimum plans 3,000 random cases of 1–12 targets (random
// terrain and households, spread over 5–40 km) and compares with the exact
// optimum, found by breadth-first search over covered-target bitmasks with
// every target and circle crossing as candidates:
//
//	optimum                     9,406 sites in all
//	greedy alone                9,575 (+1.8 %), above optimum in 167 cases (5.6 %)
//	Plan (greedy + improvement) 9,484 (+0.8 %), above optimum in  78 cases (2.6 %)
//	                            never by two sites or more; worst case 3 sites for an optimum of 2
//
// Weighting by households instead of by targets costs nothing here: greedy
// by target count gives 9,556 alone and 9,497 after improvement. On larger
// inputs the lattice stands in for the exact candidates: on the 10,000
// points of BenchmarkSites10k a lattice at half a radius gave 102 sites, at
// a third 95, and with every target as a candidate as well 94 for about five
// times the time; planning 5,000 targets in tiles of 500 gave 212 sites against
// 193 whole (TestPlanTiles), which is why the default tile is large.
//
// # Power, backhaul and cost
//
// A site takes grid power when a village it serves has grid power (yes or
// partial), else solar panels with batteries. Its backhaul is a microwave
// hop when an existing network's signal was measured within
// microwave_reach_m (15 km) of it: a lõm sóng point (some operator's 2G/3G
// reaches it) among its area's targets or in Input.Network (geo/area passes
// the province's lõm sóng points); else a satellite terminal. A site's
// terrain is that of the target nearest to it.
//
// Cost = tower build by terrain + grid connection or solar + battery +
// microwave or satellite link + (base + solar + link) yearly operating cost
// × subsidy_years, from costs.json:
//
//	tower_build          flat 1.2 bn, hilly 1.5 bn, mountainous 2.0 bn VND
//	grid_connection      150 m          solar_battery  450 m
//	backhaul             microwave 250 m, satellite 350 m
//	operating_per_year   base 120 m, + solar 40 m, + microwave 20 m, + satellite 180 m
//	subsidy_years        5
//
// A flat site on grid with microwave thus costs 2.3 bn VND over five years,
// a mountain site on solar with satellite 4.5 bn. The figures are planning
// estimates for ranking and budgeting (a rural 4G site is commonly put at 1
// to 2 bn VND built), not quotes: replace them with the department's unit
// prices by editing costs.json or loading another table (LoadCosts refuses
// unknown keys, missing classes and negative amounts). An unknown terrain is
// priced as mountainous.
//
// # Priority score
//
//	score = 100 × Σ wᵢ·termᵢ / Σ wᵢ, each term in [0, 1]
//
//	households_per_site  0.35  min(1, households / sites / 150)
//	trang_song_share     0.25  trắng sóng points / points
//	public_facilities    0.15  min(1, points with a school, health post or commune office / 3)
//	dbkk_share           0.15  ĐBKK points / points
//	border               0.10  1 when a point has a border post
//
// Reach comes first: the subsidy buys connections, and households per
// tower is what a tower connects (150 households, some 600 people, earns
// the full term). Then how dead the zone is (trắng sóng has no signal at
// all, lõm sóng has some), public services that need a line (schools,
// health posts, commune offices), the ĐBKK list that public funding follows,
// and border security. Score returns the formula, weights and every term's
// raw value, normalised value and contribution, so the API can show why an
// area ranks where it does; Config.Weights changes them.
//
// # Figures
//
// BenchmarkSites10k (one area of 10,000 generator points, terrain unknown,
// so 3 km): 14 ms, 95 sites, on the 2-core development machine
// (go test ./geo/site -bench Sites10k).
//
// # Not done here
//
// No radio propagation, elevation model or line-of-sight: the radius by
// terrain class stands for all of it. No existing towers (the survey does
// not list them; lõm sóng points stand in for the network's reach). No
// operator sharing or choice of band.
//
// # Glossary
//
//   - trạm BTS / trạm phát sóng: base station, here "site"
//   - trắng sóng / lõm sóng: total / partial not-spot (see package phusong)
//   - truyền dẫn viba / vệ tinh: microwave / satellite backhaul
//   - điện lưới / điện mặt trời: grid power / solar power
//   - Quỹ Dịch vụ viễn thông công ích (VTF): the public-service telecom fund
//     that subsidises sites in dead zones
//   - thôn ĐBKK: village on the especially-disadvantaged list
package site
