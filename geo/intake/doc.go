// Package intake turns the bytes of a survey file into validated
// survey.Points and a row-by-row report that tells a provincial officer, in
// Vietnamese and English, what is wrong and how to fix it. It also writes the
// Excel template and carries the published format (Columns, Codes,
// GuideHTML; docs/survey-format.md is generated from them).
//
// It owns no table and never touches the database: parsers are the largest
// attack surface and are fuzzed without a server (FuzzReadCSV, FuzzReadXLSX,
// FuzzReadGeoJSON). Checks against stored points (a ref_id or a village
// already stored within 100 m) belong to geo/survey, inside its
// transaction; intake checks the file against itself and against the
// reference data (Reference, implemented by *admin.Data).
//
// # Reading
//
// Read detects the format from the content: a zip is an .xlsx workbook, text
// starting with { or [ is GeoJSON, anything else is CSV. CSV is decoded from
// UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"),
// Windows-1258 or TCVN3 (sniffed by how Vietnamese the text reads, or forced
// by Options.Encoding); the delimiter (, ; TAB) is the one most frequent on
// the first lines. CSV streams row by row; cells are substrings of one string
// per row.
//
// Decisions where the specification is silent:
//   - Decimal commas are accepted in semicolon- and tab-separated files (a
//     Vietnamese-locale Excel writes them in both) and in .xlsx text cells,
//     never in comma-separated files.
//   - The header is the first non-empty row when it names a column; up to
//     nine title rows above it are skipped with a warning (rows_before_header).
//     A second header row right below (the template's Vietnamese names) is
//     skipped silently. Header text in brackets and "*" are ignored when the
//     whole header is not recognised: "Số hộ (*)", "RSRP Viettel (dBm)".
//   - Row numbers are spreadsheet rows: blank rows count, a quoted cell over
//     several lines is one row. Blank rows are skipped and not counted in
//     Report.Rows. For GeoJSON the row is the 1-based feature index and the
//     first feature's properties play the header: a required property absent
//     from it is one file-level error.
//   - A row with no operator's signal recorded is an error (signal_required):
//     the category cannot be derived from nothing. A category column that says
//     trang_song while some operator gives 2G/3G wins, with a warning.
//   - Survey dates before 2000 are errors (date_too_old); an .xlsx date cell
//     (a serial number) is read as a date. Households above 2,000 in one point
//     are a warning. RSRP given as a positive number is refused with a hint.
//   - Codes: "3466" for "03466" is padded with a warning (code_padded);
//     "03466 - Xã …" (the template's dropdown form) and "3466.0" (a number
//     cell) are read as the code.
//   - Duplicates within the file are found through 64-bit hashes of the
//     ref_id and of the folded village name (see dup.go); a collision is
//     possible with probability ~n²/2⁶⁵.
//   - Text matching (headers, enumerated values, village names for
//     duplicates) ignores case, diacritics (đ→d), NFC/NFD, spacing and
//     punctuation: survey.AppendFold, shared with the village_key of the store.
//   - A file that is read but has a missing required column still has every
//     row checked, so the officer sees all problems at once; no row is valid.
//   - The commune check (> 50 m outside is a warning) tests points against
//     the commune boundary through a latitude-band index built per commune
//     seen (commune.go): admin.CommuneDistance walks every vertex, which cost
//     two seconds per million rows. Moving that index into geo/admin would
//     let intake drop it.
//   - GeoJSON geometries are read with encoding/json rather than
//     orb/geojson, which would pull a BSON module into go.sum for one struct.
//
// # Limits
//
// HTTP uploads: HTTPMaxBytes (64 MB) and HTTPMaxRows (200,000 data rows), set
// by the API through Options. The CLI passes none and streams any length;
// a .xlsx is read into memory and capped at 256 MB, unpacking to at most
// 1 GB (zip_bomb beyond, or beyond 1000:1 per entry, or 10,000 entries); a
// CSV row is at most 1 MB and 1,024 cells, a header at most 256 named
// columns; GeoJSON nests at most 32 levels. A report keeps 100,000 problems
// and counts all.
//
// # Glossary
//
//   - thôn, bản, ấp: village; the unit a survey point describes (village_name)
//   - trắng sóng / lõm sóng: total / partial not-spot (category trang_song / lom_song)
//   - ĐBKK, đặc biệt khó khăn: the list of especially disadvantaged villages (dbkk)
//   - VN-2000: the national datum; TM-3: its 3° transverse Mercator zones per province
//   - TCVN3 (ABC, .VnTime fonts): the 8-bit Vietnamese encoding of older office files
package intake
