// Package admin is Vietnam's administrative reference data after the reform
// of 1 July 2025, built into the binary: the 34 provinces and 3,321 communes
// with their names and boundaries, the 63 provinces and 10,047 communes they
// replaced, the translation of old codes to new ones, and the point → province
// lookup that survey-file validation runs on every row.
//
// Everything comes from Load, which parses the embedded files once
// (~0.1 s, ~85 MB allocated, most of it commune boundaries); the *Data is
// immutable and shared. Codes are official GSO/NSO statistical codes kept as
// strings with their leading zeros (province "01", commune "00004"). Names
// are Unicode NFC. Geometry is orb's, lon/lat in EPSG:4326; distances are
// metres.
//
// # Tables
//
// The package owns provinces, communes, old_provinces and old_communes
// (migrations/00002_admin.sql). Seed fills them from the embedded data; it
// runs as the Go migration 00003 and nothing else writes them.
//
// # Embedded data and how it is made
//
// data/ is written by internal/gen (`go generate ./geo/admin`) from
// shared/data and committed; the service never reads shared/data. It holds
// four CSV tables (provinces, communes with kind and interior point, old
// provinces, old communes with their new codes), readable in a diff, and two
// gzipped files of delta-varint coordinates (internal/pack): provinces at
// 1e-6° (the source's full precision) and communes at 1e-5° (the source is
// snapped to 5 decimals), both lossless; the generator refuses a coordinate
// with more decimals than its scale. 3.9 MB in all, of which 3.0 MB commune
// boundaries. A test in internal/gen regenerates the files and compares them
// byte for byte with the committed ones.
//
// Sources (shared/data/README.md has commits and paths), all MIT:
//   - admin-units/vn_units_34p_2level_2026-07-25.json (thanglequoc/vietnamese-provinces-database):
//     codes and names of the 34 provinces and 3,321 communes, state of NQ 30/2026/QH16.
//   - places/vn_wards_2025_points.csv (derived from the same): kind (Phường, Xã,
//     Đặc khu) and an interior point per commune.
//   - boundaries/vn_provinces_34_2025.geojson (same repository; geometry from
//     sapnhap.bando.com.vn): province polygons, unsimplified.
//   - boundaries/vn_communes_2025_simplified.geojson (same repository, simplified
//     to ~11 m with PostGIS): commune polygons.
//   - admin-units/province_mapping_63_to_34.csv (derived from dvhcvn): old → new province.
//   - admin-units/dvhcvn2025_splits_old_to_new.json (dvhcvn/20250701): old → new
//     communes; checked against dvhcvn2025_merges_new_to_old.json, which lists
//     the same links.
//   - admin-units/vn_units_63p_3level_2025-03-01.min.json (thanglequoc, v2.4.1):
//     the old communes' names, which are cleaner than dvhcvn's.
//
// The CC BY-SA 4.0 file (boundaries/vn_provinces_63_pre2025_odm.geojson) is
// not used, so no share-alike obligation reaches the binary.
//
// # Quirks handled
//
//   - dvhcvn still uses two pre-July codes: Xã Ba Chẽ 06970 → 06978 and Xã Ia Mơ
//     23737 → 23938. The generator rewrites them (6 links) and then refuses any
//     link to a code not in the 34-province list; there are none left. Old
//     23938 (Ia Mơ) → new 23938 and old 23737 (Ia Mơ Nông) → 23734 (Ia Ly).
//   - 3,315 new codes are also old codes, 144 of them of an old commune that went
//     elsewhere or was split (old 10972 Tân Hồng → 10972, 10993). TranslateCommune
//     lets the 2025 meaning win, as agreed; OldCommune still gives the old one.
//   - "xã Bắc Sơn" (06325) is the one lower-case full name; stored as "Xã Bắc Sơn".
//   - The province file gives Cù Lao Xanh, the island of Xã Nhơn Châu (21607,
//     Gia Lai, 52), to Đắk Lắk (66) as its third polygon. The generator moves
//     that polygon to Gia Lai, after checking it holds no Đắk Lắk commune.
//   - Province and commune polygons come from different snapshots and disagree
//     along borders and coasts by up to a few hundred metres. The interior point
//     of Xã Bát Tràng (00577, Hà Nội) falls in the 7 % of the commune that the
//     province layer gives to Hưng Yên (33), so ProvinceAt answers 33 there; the
//     generator reports it and the tests pin it. Three other interior points
//     (06886, 07168, 22076) lie in gaps outside every province polygon, the
//     farthest ~880 m out: ProvinceAt's 1 km slop gives them their province.
//   - Tone-mark placement differs between sources (Thanh Hoá / Thanh Hóa). Names
//     are kept as each source spells them, only NFC-normalised with runs of
//     spaces collapsed; nothing is matched by name, only by code.
//   - The island districts without communes (Bạch Long Vĩ 318, Cồn Cỏ 471,
//     Hoàng Sa 498, Lý Sơn 536, Côn Đảo 755) became special zones; their
//     3-digit district codes are not commune codes, so old_communes lacks them,
//     and no old commune leads to those five special zones.
//   - Old commune 30622 Xã Tân Phú (An Giang, old 89 → 91) goes to 30259 Xã Tân
//     Phú Trung in Đồng Tháp (82): the one link that crosses the province mapping.
//   - 12 old communes of splits.json are missing from the list of 1 March 2025
//     (merged between March and July); their names come from dvhcvn.
//   - NameEn of the special zones Hoàng Sa and Trường Sa is "Paracel" and
//     "Spratly", as the source has it.
//
// # ProvinceAt
//
// A uniform grid of 1/32° cells is built over the province polygons at load
// (grid.go explains it); a lookup is one array read for the ~80 % of land
// cells inside one province, and a few edge tests on borders. It allocates
// nothing and runs at well over 10⁷ lookups/s on one core (BenchmarkProvinceAt).
// Tests compare it with planar.MultiPolygonContains on 100k random points.
//
// # Not done here
//
// No commune lookup by point (CommuneDistance checks a stated commune); no
// matching of free-text names; no pre-2025 boundaries (the only source is the
// CC BY-SA layer).
//
// # Glossary
//
//   - tỉnh / thành phố (trực thuộc trung ương): province / centrally governed city
//   - xã / phường / đặc khu: rural commune / urban ward / special (island) zone,
//     the three kinds of 2025 commune-level unit
//   - huyện / thị trấn: district / township, the level and kind the reform abolished
//   - sáp nhập: merger; the 2025 units are mergers of whole or partial old units
package admin
