// Package feature reads the collections that api/ogc serves as OGC API –
// Features (Part 1 Core, GeoJSON): survey points, areas, proposed sites and
// provinces, one page at a time, as GeoJSON features written straight from
// the rows.
//
// Every query is scoped by the actor in the context, as in geo/tile:
// reviewers and admins read every province, a province officer their own,
// operators nothing of points, areas and sites (until bid packages are
// published); provinces are public reference data.
//
// A page is read whole into memory and the connection goes back to the
// pool before a byte is written to the client: a page is at most MaxLimit
// features (a few MB), and a client that reads slowly or hangs up then
// holds a goroutine, never a database connection (pg_featureserv streams
// rows to the client while holding the connection, so slow clients can
// exhaust its pool). The query runs under the request's context, which
// carries its deadline.
//
// Pages of survey points are chosen from an in-memory copy of the points
// in id order (geo/tile's per-province snapshots, through PointIndex) and
// read by primary key; the query checks that the copy is at the
// database's data version, else the page is made by the plain query
// (index.go says why and how). Every other collection, and points filtered
// by datetime or commune, are one query per page.
//
// numberMatched is given when it is known without counting: on the last
// page (offset + numberReturned). Counting a bbox over a million points for
// every page would cost more than the page (OGC API Features makes it
// optional).
//
// Tables read, owned elsewhere: survey_points (geo/survey), areas and
// area_sites (geo/area), provinces (geo/admin), tile_versions (geo/tile).
// It writes nothing.
package feature
