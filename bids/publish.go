package bids

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids/export"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
)

// Publish freezes the working copy of a package as its next version: it
// assembles the package from the pinned area versions, generates every file
// once (export.Files and the ZIP), and stores the files with their SHA-256,
// the version's snapshot and its areas, in one transaction with the audit
// row. A first publication needs no note; every later one needs a change
// note, and only a changed working copy can be published again. Reviewers
// only.
func (s *Store) Publish(ctx context.Context, id int64, note string) (Version, error) {
	a, err := reviewer(ctx)
	if err != nil {
		return Version{}, err
	}
	var out Version
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		d, err := s.editable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		version := 1
		if d.PublishedVersion != nil {
			version = *d.PublishedVersion + 1
			if !d.Changed {
				return phusong.Errorf(phusong.ErrConflict, "nothing_changed",
					fmt.Sprintf("Gói thầu số %d không thay đổi gì từ phiên bản %d; không có gì để công bố.", id, *d.PublishedVersion),
					fmt.Sprintf("Package %d has not changed since version %d; there is nothing to publish.", id, *d.PublishedVersion))
			}
		}
		published := s.now().UTC().Truncate(time.Second)
		if err := publishable(d, version, note, published); err != nil {
			return err
		}
		// The audit row's before is the package as it was, so capture it
		// before d becomes the new version: a draft on first publication,
		// the previous published version on every later one.
		before := map[string]any{"status": d.Status}
		if d.PublishedVersion != nil {
			before["version"] = *d.PublishedVersion
		}
		d.Version, d.ChangeNote = version, note
		d.Status = StatusPublished
		d.PublishedVersion = &version
		d.Changed = false
		p, err := assemble(ctx, tx, d)
		if err != nil {
			return err
		}
		zipFile, files, err := export.ZIP(p, published)
		if err != nil {
			return fmt.Errorf("bids: package %d version %d files: %w", id, version, err)
		}
		manifest := files[len(files)-1]
		snapshot, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("bids: package %d snapshot: %w", id, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO package_versions (package_id, version, province_code, name, snapshot, change_note,
			published_by, published_at, zip_name, zip_sha256, manifest_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, version, d.Province, d.Name, snapshot, note, a.Username, published, zipFile.Name, zipFile.SHA256, manifest.SHA256); err != nil {
			return fmt.Errorf("bids: package %d version %d: %w", id, version, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO package_version_areas (package_id, version, area_id, area_version, position)
			SELECT $1, $2, area_id, area_version, position FROM package_areas WHERE package_id = $1`, id, version); err != nil {
			return fmt.Errorf("bids: package %d version %d areas: %w", id, version, err)
		}
		all := append([]export.File{zipFile}, files...)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"package_files"},
			[]string{"package_id", "version", "name", "content_type", "size", "sha256", "data"},
			pgx.CopyFromSlice(len(all), func(i int) ([]any, error) {
				f := all[i]
				return []any{id, int32(version), f.Name, ContentType(f.Name), int64(len(f.Data)), f.SHA256, f.Data}, nil
			})); err != nil {
			return fmt.Errorf("bids: package %d version %d store files: %w", id, version, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE packages SET status = 'published', published_version = $2, changed = false, updated_at = now()
			WHERE id = $1`, id, version); err != nil {
			return fmt.Errorf("bids: package %d publish: %w", id, err)
		}
		out = Version{Version: version, ChangeNote: note, PublishedBy: a.Username, PublishedAt: published,
			ZIPName: zipFile.Name, ZIPSHA256: zipFile.SHA256, ManifestSHA256: manifest.SHA256}
		for _, f := range all {
			out.Files = append(out.Files, FileInfo{Name: f.Name, ContentType: ContentType(f.Name), Size: int64(len(f.Data)), SHA256: f.SHA256})
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "package.publish", ObjectType: "package", ObjectID: strconv.FormatInt(id, 10),
			ProvinceCode: d.Province, Before: before,
			After: map[string]any{"version": version, "change_note": note, "zip_sha256": zipFile.SHA256,
				"manifest_sha256": manifest.SHA256, "areas": d.Totals.Areas, "ceiling_vnd": d.CeilingVND}})
	})
	return out, err
}

// publishable says everything that stops a working copy from being
// published, so the reviewer fixes it in one go.
func publishable(d Detail, version int, note string, now time.Time) error {
	var ps []phusong.Problem
	if len(d.Areas) == 0 {
		ps = append(ps, phusong.Problem{Column: "areas", Code: "no_areas", VI: "Gói thầu chưa có vùng nào.", EN: "The package has no area."})
	}
	if d.Deadline == nil {
		ps = append(ps, phusong.Problem{Column: "deadline", Code: "required", VI: "Đặt hạn nộp hồ sơ dự thầu.", EN: "Set the bid deadline."})
	} else if !d.Deadline.After(now) {
		ps = append(ps, phusong.Problem{Column: "deadline", Code: "in_past", Value: d.Deadline.Format(time.RFC3339),
			VI: "Hạn nộp hồ sơ dự thầu đã qua; chọn một ngày sau hôm nay.", EN: "The bid deadline has passed; pick a later date."})
	}
	if d.CeilingVND == nil {
		ps = append(ps, phusong.Problem{Column: "ceiling_vnd", Code: "required", Value: strconv.FormatInt(d.ProposedCeilingVND, 10),
			VI: fmt.Sprintf("Đặt giá trần (đề xuất theo dự toán các vùng: %d đồng).", d.ProposedCeilingVND),
			EN: fmt.Sprintf("Set the ceiling price (proposed from the areas' estimates: %d VND).", d.ProposedCeilingVND)})
	}
	if d.CoverageDeadline != nil && d.Deadline != nil && !d.CoverageDeadline.After(*d.Deadline) {
		ps = append(ps, phusong.Problem{Column: "coverage_deadline", Code: "before_deadline",
			VI: "Hạn hoàn thành phủ sóng phải sau hạn nộp hồ sơ dự thầu.", EN: "The coverage deadline must come after the bid deadline."})
	}
	ps = append(ps, criteriaProblems(d.Criteria)...)
	if version > 1 && note == "" {
		ps = append(ps, phusong.Problem{Column: "change_note", Code: "required",
			VI: "Gói đã công bố: ghi rõ thay đổi của phiên bản mới để nhà mạng biết.",
			EN: "The package was published before: write what the new version changes, for the operators."})
	}
	for _, ar := range d.Areas {
		if ar.Sites == 0 {
			ps = append(ps, phusong.Problem{Column: "areas", Code: "area_without_sites", Value: strconv.FormatInt(ar.ID, 10),
				VI: fmt.Sprintf("Vùng số %d chưa có trạm đề xuất; tính lại vùng trước.", ar.ID),
				EN: fmt.Sprintf("Area %d has no proposed site; recompute the areas first.", ar.ID)})
		}
		// The same area tendered in two packages at once would be paid for
		// twice. The check is safe against a concurrent move: moving an
		// area out of this package locks this package's row, which Publish
		// holds, and an area can only reach another package's version
		// through that package's working copy, which it is not in.
		if h := ar.PublishedElsewhere; h != nil {
			ps = append(ps, phusong.Problem{Column: "areas", Code: "area_in_published_package", Value: strconv.FormatInt(ar.ID, 10),
				VI: fmt.Sprintf("Vùng số %d vẫn nằm trong phiên bản %d đã công bố của gói thầu số %d. Hãy công bố phiên bản mới của gói số %d không có vùng này, hoặc thu hồi gói số %d trước.",
					ar.ID, h.Version, h.PackageID, h.PackageID, h.PackageID),
				EN: fmt.Sprintf("Area %d is still in published version %d of package %d. Publish a new version of package %d without it, or withdraw package %d first.",
					ar.ID, h.Version, h.PackageID, h.PackageID, h.PackageID)})
		}
	}
	if len(ps) > 0 {
		return phusong.Invalid("not_publishable", "Gói thầu chưa đủ thông tin để công bố.", "The package is not ready to publish.", ps...)
	}
	return nil
}

// ContentType is the media type a package file is served with.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".geojson":
		return "application/geo+json"
	case ".kml":
		return "application/vnd.google-earth.kml+xml"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".pdf":
		return "application/pdf"
	case ".json":
		return "application/json"
	case ".zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

// assemble builds the export.Package of a working copy from the pinned area
// versions and the current attributes of their points.
func assemble(ctx context.Context, q querier, d Detail) (export.Package, error) {
	p := export.Package{ID: d.ID, Version: d.Version, Name: d.Name, Province: d.Province, ProvinceName: d.ProvinceName,
		Requirements: d.Requirements, Technology: d.Technology, MinRSRPdBm: d.MinRSRPdBm, ChangeNote: d.ChangeNote}
	if d.Deadline != nil {
		p.Deadline = *d.Deadline
	}
	if d.CoverageDeadline != nil {
		p.CoverageDeadline = *d.CoverageDeadline
	}
	if d.CeilingVND != nil {
		p.CeilingVND = *d.CeilingVND
	}
	for _, c := range d.Criteria {
		p.Criteria = append(p.Criteria, export.Criterion{NameVI: c.NameVI, NameEN: c.NameEN, Weight: c.Weight})
	}
	rows, err := q.Query(ctx, `
		SELECT v.area_id, v.version, ST_AsBinary(ST_ForcePolygonCCW(v.geom)), v.point_ids, v.households, v.cost_vnd, v.score
		FROM package_areas pa JOIN area_versions v ON v.area_id = pa.area_id AND v.version = pa.area_version
		WHERE pa.package_id = $1 ORDER BY pa.position, pa.area_id`, d.ID)
	if err != nil {
		return p, fmt.Errorf("bids: assemble %d: %w", d.ID, err)
	}
	type pinned struct {
		area     export.Area
		pointIDs []int64
	}
	var ps []pinned
	var all []int64
	for rows.Next() {
		var pn pinned
		var g []byte
		if err := rows.Scan(&pn.area.ID, &pn.area.Version, &g, &pn.pointIDs, &pn.area.Figures.Households,
			&pn.area.Figures.CostVND, &pn.area.Figures.Score); err != nil {
			rows.Close()
			return p, fmt.Errorf("bids: assemble %d: %w", d.ID, err)
		}
		geom, err := wkb.Unmarshal(g)
		if err != nil {
			rows.Close()
			return p, fmt.Errorf("bids: assemble %d area %d polygon: %w", d.ID, pn.area.ID, err)
		}
		switch g := geom.(type) {
		case orb.MultiPolygon:
			pn.area.Polygon = g
		case orb.Polygon:
			pn.area.Polygon = orb.MultiPolygon{g}
		default:
			rows.Close()
			return p, fmt.Errorf("bids: assemble %d area %d: polygon is a %s", d.ID, pn.area.ID, geom.GeoJSONType())
		}
		ps = append(ps, pn)
		all = append(all, pn.pointIDs...)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("bids: assemble %d: %w", d.ID, err)
	}
	points, err := loadPoints(ctx, q, all)
	if err != nil {
		return p, fmt.Errorf("bids: assemble %d: %w", d.ID, err)
	}
	sites := map[int64][]Site{}
	for _, ar := range d.Areas {
		sites[ar.ID] = ar.SiteList
	}
	for _, pn := range ps {
		ar := pn.area
		// Villages as the area counts them (area.VillageKey): by commune and
		// name without "cụm N". survey_points.village_key, the duplicate
		// check's key, keeps the suffix and counted every cụm as a village.
		villages := map[uint64]bool{}
		for _, id := range pn.pointIDs {
			pt, ok := points[id]
			if !ok {
				continue // deleted since: the version keeps its id, the files the points that exist
			}
			ar.Points = append(ar.Points, pt.Point)
			villages[area.VillageKey(pt.Commune, pt.Village)] = true
			ar.Figures.Population += pt.population
			if pt.Category == survey.TrangSong {
				ar.Figures.TrangSong++
			} else {
				ar.Figures.LomSong++
			}
		}
		ar.Figures.Points, ar.Figures.Villages = len(ar.Points), len(villages)
		for _, s := range sites[ar.ID] {
			ar.Sites = append(ar.Sites, export.Site{N: s.N, Location: orb.Point(s.Location), Households: s.Households,
				Points: s.Points, Terrain: s.Terrain, CostVND: s.CostVND})
		}
		ar.Figures.Sites = len(ar.Sites)
		p.Areas = append(p.Areas, ar)
	}
	return p, nil
}

type loadedPoint struct {
	export.Point
	population int
}

func loadPoints(ctx context.Context, q querier, ids []int64) (map[int64]loadedPoint, error) {
	rows, err := q.Query(ctx, `
		SELECT id, coalesce(ref_id, ''), ST_X(geom), ST_Y(geom), village_name, commune_code, households, coalesce(population, 0), category,
		       coalesce(signal_viettel, ''), coalesce(signal_vinaphone, ''), coalesce(signal_mobifone, ''), coalesce(signal_vietnamobile, '')
		FROM survey_points WHERE id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("points: %w", err)
	}
	out := make(map[int64]loadedPoint, len(ids))
	var lp loadedPoint
	_, err = pgx.ForEachRow(rows, []any{&lp.ID, &lp.RefID, &lp.Location[0], &lp.Location[1], &lp.Village, &lp.Commune,
		&lp.Households, &lp.population, &lp.Category, &lp.Signal[0], &lp.Signal[1], &lp.Signal[2], &lp.Signal[3]}, func() error {
		out[lp.ID] = lp
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("points: %w", err)
	}
	return out, nil
}

// StoredFile is a stored file of a published version, with its bytes.
type StoredFile struct {
	FileInfo
	PackageID   int64
	Version     int
	Province    string
	PublishedAt time.Time
	// DownloadName is the name to save it as: the package's Vietnamese
	// name, its version and the file's name; ASCIIName is the fallback
	// for clients that cannot read an RFC 5987 name.
	DownloadName, ASCIIName string
	Data                    []byte
}

// File returns a stored file of published version v of a package (0: the
// latest). A withdrawn package's files are gone (ErrGone).
func (s *Store) File(ctx context.Context, id int64, v int, name string) (StoredFile, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return StoredFile{}, err
	}
	cond, args := visible(a, []any{id, v, name})
	var f StoredFile
	var status, pkgName, zipName string
	err = s.pool.QueryRow(ctx, `
		SELECT f.package_id, f.version, p.province_code, pv.published_at, pv.name, pv.zip_name, p.status,
		       f.name, f.content_type, f.size, f.sha256, f.data
		FROM packages p
		JOIN package_versions pv ON pv.package_id = p.id AND pv.version = CASE WHEN $2 = 0 THEN p.published_version ELSE $2 END
		JOIN package_files f ON f.package_id = pv.package_id AND f.version = pv.version AND (f.name = $3 OR ($3 = 'package.zip' AND f.name = pv.zip_name))
		WHERE p.id = $1 AND `+cond, args...).Scan(&f.PackageID, &f.Version, &f.Province, &f.PublishedAt, &pkgName, &zipName, &status,
		&f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredFile{}, phusong.Errorf(phusong.ErrNotFound, "file_not_found",
			fmt.Sprintf("Gói thầu số %d không có tệp %q ở phiên bản này (hoặc bạn không được xem).", id, name),
			fmt.Sprintf("Package %d has no file %q in this version (or you may not see it).", id, name))
	}
	if err != nil {
		return StoredFile{}, fmt.Errorf("bids: package %d file %s: %w", id, name, err)
	}
	if status == StatusWithdrawn && !a.National() {
		return StoredFile{}, phusong.Errorf(phusong.ErrGone, "package_withdrawn",
			fmt.Sprintf("Gói thầu số %d đã bị thu hồi; các tệp không còn được phát hành.", id),
			fmt.Sprintf("Package %d was withdrawn; its files are no longer issued.", id))
	}
	if f.Name == zipName {
		f.DownloadName, f.ASCIIName = fmt.Sprintf("%s - v%d.zip", pkgName, f.Version), f.Name
	} else {
		f.DownloadName = fmt.Sprintf("%s - v%d - %s", pkgName, f.Version, f.Name)
		f.ASCIIName = fmt.Sprintf("goi-thau-%d-v%d-%s", f.PackageID, f.Version, f.Name)
	}
	return f, nil
}

// RecordDownload records that the actor downloaded bytes of a file. It is
// a log of reads, not a change of state, so it has its own table and no
// audit row.
func (s *Store) RecordDownload(ctx context.Context, f StoredFile, bytes int64, ranged bool) error {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return err
	}
	var op any
	if a.Operator != "" {
		op = a.Operator
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO package_downloads (package_id, version, name, username, role, operator, bytes, ranged)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.PackageID, f.Version, f.Name, a.Username, string(a.Role), op, bytes, ranged); err != nil {
		return fmt.Errorf("bids: record download: %w", err)
	}
	return nil
}

// Download is one recorded download.
type Download struct {
	Version  int       `json:"version"`
	Name     string    `json:"name"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Operator *string   `json:"operator"`
	Bytes    int64     `json:"bytes"`
	Ranged   bool      `json:"ranged"`
	At       time.Time `json:"at"`
}

// Downloads lists the downloads of a package, newest first. Reviewers only.
func (s *Store) Downloads(ctx context.Context, id int64) ([]Download, error) {
	if _, err := reviewer(ctx); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT version, name, username, role, operator, bytes, ranged, at FROM package_downloads
		WHERE package_id = $1 ORDER BY at DESC, id DESC LIMIT 10000`, id)
	if err != nil {
		return nil, fmt.Errorf("bids: downloads %d: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Download, error) {
		var d Download
		err := r.Scan(&d.Version, &d.Name, &d.Username, &d.Role, &d.Operator, &d.Bytes, &d.Ranged, &d.At)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("bids: downloads %d: %w", id, err)
	}
	if out == nil {
		out = []Download{}
	}
	return out, nil
}
