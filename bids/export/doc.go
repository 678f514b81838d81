// Package export writes the files of a bid package (gói thầu) that operators
// download: areas.geojson, points.geojson, sites.geojson, package.kml,
// areas.csv, points.csv, sites.csv, package.xlsx, summary.pdf, ocds.json,
// manifest.json, and the ZIP that holds them (in that order). It is pure: it
// takes a Package that bids has assembled and returns bytes; it owns no
// tables and never touches the database.
//
// Every writer is deterministic: the same Package and publication time give
// the same bytes, so a published version's files and ZIP keep their SHA-256.
// That is why the ZIP is written in a fixed order with FileHeader.Modified set
// to the publication time, why the workbook's and the PDF's dates are that
// time too, why the XLSX is re-packed (excelize writes its parts in map
// order) and why gofpdf's catalog sorting is on (pdf.go). XLSX and PDF bytes
// also follow the library versions, so published bytes are stored and
// served, never regenerated.
//
// Formats:
//   - GeoJSON follows RFC 7946: coordinates are lon,lat in WGS 84 with at
//     most 6 decimals (§11.2, about 0.1 m), polygons follow the right-hand rule
//     (§3.1.6: outer rings counter-clockwise, holes clockwise; orb does not
//     enforce it, so rightHand does), and there is no crs member (§4).
//     Property names are Vietnamese in UTF-8 (NFC), e.g. "số_hộ".
//   - KML follows OGC KML 2.2: lon,lat[,alt] coordinates, a Document with one
//     Folder per area holding the area polygon (a MultiGeometry when the area
//     has several parts), its proposed sites and its villages as Placemarks,
//     figures in ExtendedData. GDAL reads one layer per Folder.
//   - CSV is RFC 4180 with CRLF, UTF-8 with a byte-order mark so that Excel
//     shows Vietnamese; every cell passes through intake.Neutralize against
//     formula injection. The column lists live once (table.go) and drive both
//     the CSV files and the XLSX sheets.
//   - XLSX has the sheets Tóm tắt (summary), Vùng (areas), Điểm (points) and
//     Trạm (sites), Vietnamese headers in a frozen first row, VND as #,##0 and
//     coordinates as 0.000000. Deadlines are written in Vietnam time (UTC+7).
//   - summary.pdf is a printable A4 summary in Vietnamese (maroto v2 over
//     gofpdf, Noto Sans embedded under the SIL OFL, fonts/OFL.txt): package,
//     publication date and bid deadline in Vietnam time (dd/mm/yyyy HH:MM),
//     ceiling price as "1.234.567.890 ₫", technical requirements, evaluation
//     criteria, totals, change note, an overview map drawn here (overview.go:
//     equirectangular, paletted PNG) and a table per area with its sites.
//     Text is NFC, and characters the font lacks (≥ −) are substituted, as
//     gofpdf would draw them as empty boxes. CreationDate and ModDate are the
//     publication time.
//   - ocds.json is the package as an Open Contracting Data Standard 1.1
//     release with the lots and location extensions: one lot per area
//     ("area-<id>"), each with one item (its sites, CPV 64200000) delivered
//     in the area's GeoJSON geometry. The ocid is OCIDPrefix + package id; the
//     release id adds the version. Its test validates it against the schema
//     and the extensions (testdata/ocds).
//   - manifest.json lists every other file with its size and SHA-256.
//
// A point's "Mã điểm" (mã_điểm in GeoJSON and KML) is the province's own id,
// the survey file's ref_id under the header the survey file gives it, so
// that provinces and operators can match rows to their survey; phusong's id
// is "Mã hệ thống" (mã_hệ_thống, and the GeoJSON feature id). A site's
// terrain is written in Vietnamese where people read it (summary.pdf, the
// "Địa hình" column: bằng phẳng, đồi, núi, the survey template's words) and
// as its class code (flat, hilly, mountainous) for programs: "Mã địa hình",
// and địa_hình in GeoJSON and KML. A point's category likewise: "Phân
// loại" in words (trắng sóng, lõm sóng), "Mã phân loại" in code, in
// points.csv and the "Điểm" sheet.
//
// Not here (issue 6): storage of published files and downloads (bids, api).
//
// Glossary:
//   - gói thầu: bid package, the unit operators bid on.
//   - giá trần: ceiling price of a package, VND.
//   - vùng lõm sóng: dead-zone area, a group of surveyed points (area.Stored).
//   - thôn, bản: village; xã: commune.
//   - trắng sóng: no signal from any operator; lõm sóng: signal, but no 4G.
//   - trạm: a proposed tower site.
//   - Cục Viễn thông: the telecommunications department, the buyer (bên mời
//     thầu); Quỹ Dịch vụ viễn thông công ích Việt Nam (VTF): the fund that
//     pays (nguồn vốn).
package export
