package feature

// Collection is one feature collection and what its items accept.
type Collection struct {
	ID, Title, Description string
	Public                 bool     // reference data: no login
	Temporal               string   // the property datetime filters on ("" : none)
	Filters                []Filter // properties usable as query parameters (equality)
	Geometry               string   // GeoJSON geometry type
	Properties             []string // every property of a feature, in order

	table    string // FROM
	order    string // ORDER BY: stable, so offset paging is
	idExpr   string // the feature id, as SQL; text or bigint
	idInt    bool   // the id is a number
	geom     string // geometry column
	point    bool   // geometry is a point: written from ST_X, ST_Y
	province string // the column scoping rows to a province; "" for public
	// published: the rows are published to operators too (bid packages);
	// without it operators see nothing of a scoped collection.
	published bool
	columns   []column // properties, as SQL
}

// Filter is a property that can be given as a query parameter.
type Filter struct {
	Name   string
	column string
	Int    bool
	Enum   []string // the values it takes, Any included
	// Default applies when the parameter is absent; Any is the value that
	// asks for every row (no filter). Both empty: absent means every row.
	Default, Any string
}

type column struct {
	name string
	expr string
	kind byte // 'i' int, 'I' int or null, 's' text, 'f' float, 't' timestamptz, 'd' date, 'b' bool or null
}

// Collections are the collections served, in the order they are listed.
var Collections = []Collection{
	{
		ID: "points", Title: "Điểm khảo sát lõm sóng / Survey points",
		Description: "Villages without usable mobile signal as surveyed by the provinces (trắng sóng: no signal; lõm sóng: no 4G), with their review status.",
		Temporal:    "updated_at", Geometry: "Point",
		Filters: []Filter{
			{Name: "province", column: "province_code"},
			{Name: "commune", column: "commune_code"},
			{Name: "status", column: "status", Enum: []string{"submitted", "accepted", "returned"}},
			{Name: "category", column: "category", Enum: []string{"trang_song", "lom_song"}},
			{Name: "submission_id", column: "submission_id", Int: true},
		},
		table: "survey_points", order: "id", idExpr: "id", idInt: true, geom: "geom", point: true, province: "province_code",
		columns: []column{
			{"province", "province_code", 's'}, {"commune", "commune_code", 's'}, {"village", "village_name", 's'},
			{"ref_id", "coalesce(ref_id, '')", 's'}, {"households", "households", 'i'}, {"population", "population", 'I'},
			{"grid_power", "grid_power", 's'}, {"terrain", "coalesce(terrain, '')", 's'}, {"dbkk", "dbkk", 'b'},
			{"signal_viettel", "coalesce(signal_viettel, '')", 's'}, {"signal_vinaphone", "coalesce(signal_vinaphone, '')", 's'},
			{"signal_mobifone", "coalesce(signal_mobifone, '')", 's'}, {"signal_vietnamobile", "coalesce(signal_vietnamobile, '')", 's'},
			{"surveyed_on", "surveyed_on", 'd'}, {"category", "category", 's'}, {"status", "status", 's'},
			{"submission_id", "submission_id", 'i'}, {"created_at", "created_at", 't'}, {"updated_at", "updated_at", 't'},
		},
	},
	{
		ID: "areas", Title: "Vùng lõm sóng / Dead-zone areas",
		Description: "Groups of accepted points, with proposed sites, estimated cost (VND) and priority score. " +
			"Only the active areas by default, as the map and dashboard count them; status=merged or status=removed gives the retired ones " +
			"(kept with their polygon, counting nothing: 0 points, households, sites and cost), status=all every area.",
		Geometry: "MultiPolygon",
		Filters: []Filter{
			{Name: "province", column: "province_code"},
			// Active by default: retired areas overlap the active ones that
			// took their points, and a GIS client showing them all draws
			// stale polygons over current ones.
			{Name: "status", column: "status", Enum: []string{"active", "merged", "removed", "all"}, Default: "active", Any: "all"},
		},
		table: "areas", order: "id", idExpr: "id", idInt: true, geom: "geom", province: "province_code",
		columns: []column{
			{"province", "province_code", 's'}, {"version", "version", 'i'}, {"status", "status", 's'},
			{"points", "points", 'i'}, {"villages", "villages", 'i'}, {"households", "households", 'i'},
			{"population", "population", 'i'}, {"trang_song", "trang_song", 'i'}, {"lom_song", "lom_song", 'i'},
			{"sites", "sites", 'i'}, {"cost_vnd", "cost_vnd", 'i'}, {"score", "score", 'f'}, {"updated_at", "updated_at", 't'},
		},
	},
	{
		ID: "sites", Title: "Trạm đề xuất / Proposed sites",
		Description: "Proposed base-station sites of the active areas, with the households they cover and their estimated cost (VND). Feature ids are area_id-n.",
		Geometry:    "Point",
		Filters: []Filter{
			{Name: "province", column: "province_code"},
			{Name: "area_id", column: "area_id", Int: true},
			{Name: "terrain", column: "terrain", Enum: []string{"flat", "hilly", "mountainous"}},
		},
		table: "area_sites", order: "area_id, n", idExpr: "area_id::text || '-' || n", geom: "geom", point: true, province: "province_code",
		columns: []column{
			{"area_id", "area_id", 'i'}, {"n", "n", 'i'}, {"province", "province_code", 's'}, {"households", "households", 'i'},
			{"points", "points", 'i'}, {"terrain", "terrain", 's'}, {"cost_vnd", "cost_vnd", 'i'},
		},
	},
	{
		ID: "packages", Title: "Gói thầu / Bid packages",
		Description: "The areas of every published bid package, as its latest published version holds them (one feature per package area; ids are package_id-area_id). Withdrawn packages stay, with status withdrawn.",
		Geometry:    "MultiPolygon",
		Filters: []Filter{
			{Name: "province", column: "province_code"},
			{Name: "package_id", column: "package_id", Int: true},
			{Name: "status", column: "status", Enum: []string{"published", "withdrawn"}},
		},
		// Reads the tables of bids (migrations/00009_packages.sql): the
		// latest published version of each package, never a working copy.
		table: `(SELECT p.id AS package_id, pv.version, pv.name, p.status, p.province_code, pva.area_id, pva.area_version,
		               pva.position, cardinality(v.point_ids) AS points, v.households, jsonb_array_length(v.sites) AS sites,
		               v.cost_vnd, (pv.snapshot->>'deadline') AS deadline, pv.published_at, v.geom
		        FROM packages p
		        JOIN package_versions pv ON pv.package_id = p.id AND pv.version = p.published_version
		        JOIN package_version_areas pva ON pva.package_id = pv.package_id AND pva.version = pv.version
		        JOIN area_versions v ON v.area_id = pva.area_id AND v.version = pva.area_version) AS published_packages`,
		order: "package_id, position, area_id", idExpr: "package_id::text || '-' || area_id", geom: "geom",
		province: "province_code", published: true,
		columns: []column{
			{"package_id", "package_id", 'i'}, {"version", "version", 'i'}, {"name", "name", 's'}, {"status", "status", 's'},
			{"province", "province_code", 's'}, {"area_id", "area_id", 'i'}, {"area_version", "area_version", 'i'},
			{"points", "points", 'i'}, {"households", "households", 'i'}, {"sites", "sites", 'i'}, {"cost_vnd", "cost_vnd", 'i'},
			{"deadline", "coalesce(deadline, '')", 's'}, {"published_at", "published_at", 't'},
		},
	},
	{
		ID: "provinces", Title: "Tỉnh, thành phố / Provinces",
		Description: "The 34 provinces and centrally governed cities after the 2025 reform, with their boundaries (public reference data).",
		Public:      true, Geometry: "MultiPolygon",
		Filters: []Filter{{Name: "code", column: "code"}},
		table:   "provinces", order: "code", idExpr: "code", geom: "boundary",
		columns: []column{{"code", "code", 's'}, {"name", "name", 's'}, {"full_name", "full_name", 's'}, {"name_en", "name_en", 's'}},
	},
}

func init() {
	for i := range Collections {
		for _, c := range Collections[i].columns {
			Collections[i].Properties = append(Collections[i].Properties, c.name)
		}
	}
}

// CollectionByID returns the collection of an id.
func CollectionByID(id string) (*Collection, bool) {
	for i := range Collections {
		if Collections[i].ID == id {
			return &Collections[i], true
		}
	}
	return nil, false
}

// Filter returns the filter of a property name.
func (c *Collection) Filter(name string) (Filter, bool) {
	for _, f := range c.Filters {
		if f.Name == name {
			return f, true
		}
	}
	return Filter{}, false
}
