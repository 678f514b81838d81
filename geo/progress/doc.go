// Package progress computes the national dashboard: per province, how far
// the programme has come — points submitted and accepted, dead-zone areas,
// households without coverage, estimated sites and cost, bid packages
// published, the share of surveyed villages still without signal — and a
// ranking of provinces, which the ministry publishes to spur them on.
//
// It owns no table. It reads, in one statement, survey_points and
// submissions (owner: geo/survey), areas (owner: geo/area) and provinces
// (owner: geo/admin): aggregates only, never a coordinate, so the same
// figures can be shown to anonymous visitors when the deployment turns the
// public dashboard on (PHUSONG_PUBLIC_DASHBOARD). Because the figures are
// national aggregates, every caller gets every province: a province officer
// sees where the province stands among the others.
//
// # Definitions
//
//   - Points submitted: every stored survey point of the province, whatever
//     its review status (awaiting review, accepted, returned). Rejected files
//     store no point, so they never count.
//   - Households without coverage: households of the accepted points that no
//     published bid package covers yet.
//   - Share of villages still without signal: accepted points not covered by a
//     published package, divided by all points the province submitted. Points
//     awaiting review or returned are in the denominator (they are villages the
//     province surveyed) but not in the numerator (no reviewer has confirmed
//     the dead zone). Empty (null) when the province has no point.
//   - Ranking score, 0–100: 100 × (WeightQuality × quality + WeightCoverage ×
//     coverage), where quality = accepted / (accepted + returned) points — how
//     much of what the province sent passed review — and coverage = households
//     covered by published packages / households of accepted points. A province
//     with no decided point is not ranked (rank 0, listed last). Ties go to the
//     province with more accepted points, then to the lower code.
//
// # Packages
//
// Bid packages live in a table that geo does not own (bids, migration
// 00009). Until the wiring gives Store a PackageCounter, every province has
// 0 packages and 0 covered households, so the coverage term of the score is
// 0 and the share without signal is accepted / submitted.
//
// Glossary: thôn lõm sóng — village with weak signal (no 4G); thôn trắng
// sóng — village with no signal at all; gói thầu — bid package.
package progress
