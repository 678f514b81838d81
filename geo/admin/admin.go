package admin

import (
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// Province is one of the 34 provinces and centrally governed cities (tỉnh,
// thành phố) of the 2025 reform.
type Province struct {
	Code, Name, FullName, NameEn string           // Code "01"; FullName "Thành phố Hà Nội"; NFC
	Boundary                     orb.MultiPolygon // EPSG:4326 lon/lat, full source precision; read-only
}

// Commune is one of the 3,321 communes, wards and special zones (xã, phường,
// đặc khu) of the 2025 reform.
type Commune struct {
	Code, ProvinceCode, Name, FullName, NameEn, Kind string           // Code "00004"; Kind: Phường | Xã | Đặc khu; NFC
	Point                                            orb.Point        // an interior point, lon/lat
	Boundary                                         orb.MultiPolygon // simplified (~11 m), lon/lat; read-only
}

// OldProvince is one of the 63 provinces before 1 July 2025 and the 2025
// province it went into (every old province went whole into one new one).
type OldProvince struct{ Code, FullName, NewCode string }

// OldCommune is a commune of the 3-level structure before 1 July 2025 and
// the 2025 communes it went to.
type OldCommune struct {
	Code, FullName, OldProvinceCode string
	NewCodes                        []string // sorted; >1 means split: ambiguous. Read-only
}

// Data is the reference data built into the binary. It is immutable and safe
// for concurrent use; the geometries and slices it hands out are shared and
// must not be modified.
type Data struct {
	version       string
	provinces     []Province
	provinceIdx   map[string]int
	communes      []Commune
	communeIdx    map[string]int
	byProvince    [][]int // commune indexes per province index
	oldProvinces  []OldProvince
	oldProvIdx    map[string]int
	oldCommunes   []OldCommune
	oldCommuneIdx map[string]int
	grid          *grid
}

var load = sync.OnceValues(parse)

// Load returns the embedded reference data, parsed and indexed on the first
// call (~0.1 s and ~85 MB, most of it commune boundaries); later
// calls return the same *Data. An error means the embedded files are corrupt,
// which only a broken build can cause.
func Load() (*Data, error) { return load() }

// Version is the hex SHA-256 of the embedded data files: it changes exactly
// when the reference data does, so it can key caches and templates.
func (d *Data) Version() string { return d.version }

// Provinces returns the 34 provinces sorted by code.
func (d *Data) Provinces() []Province { return slices.Clone(d.provinces) }

// Province returns the 2025 province with the given code ("01").
func (d *Data) Province(code string) (Province, bool) {
	i, ok := d.provinceIdx[code]
	if !ok {
		return Province{}, false
	}
	return d.provinces[i], true
}

// ProvinceName returns the full name of a 2025 province ("Thành phố Hà Nội"),
// or "" if code is not one.
func (d *Data) ProvinceName(code string) string {
	p, _ := d.Province(code)
	return p.FullName
}

// Communes returns the 3,321 communes sorted by code.
func (d *Data) Communes() []Commune { return slices.Clone(d.communes) }

// Commune returns the 2025 commune with the given code ("00004").
func (d *Data) Commune(code string) (Commune, bool) {
	i, ok := d.communeIdx[code]
	if !ok {
		return Commune{}, false
	}
	return d.communes[i], true
}

// ProvinceCommunes returns the communes of a 2025 province sorted by code, or
// nil if the province code is unknown.
func (d *Data) ProvinceCommunes(provinceCode string) []Commune {
	i, ok := d.provinceIdx[provinceCode]
	if !ok {
		return nil
	}
	out := make([]Commune, len(d.byProvince[i]))
	for j, ci := range d.byProvince[i] {
		out[j] = d.communes[ci]
	}
	return out
}

// CommuneProvince returns the province code of a 2025 commune.
func (d *Data) CommuneProvince(code string) (provinceCode string, ok bool) {
	i, ok := d.communeIdx[code]
	if !ok {
		return "", false
	}
	return d.communes[i].ProvinceCode, true
}

// OldProvinces returns the 63 pre-2025 provinces sorted by code.
func (d *Data) OldProvinces() []OldProvince { return slices.Clone(d.oldProvinces) }

// OldProvince returns the pre-2025 province with the given code.
func (d *Data) OldProvince(code string) (OldProvince, bool) {
	i, ok := d.oldProvIdx[code]
	if !ok {
		return OldProvince{}, false
	}
	return d.oldProvinces[i], true
}

// OldCommunes returns the 10,047 pre-2025 communes sorted by code.
func (d *Data) OldCommunes() []OldCommune { return slices.Clone(d.oldCommunes) }

// OldCommune returns the pre-2025 commune with the given code. Many old codes
// are also 2025 codes of a different (merged) unit; see TranslateCommune.
func (d *Data) OldCommune(code string) (OldCommune, bool) {
	i, ok := d.oldCommuneIdx[code]
	if !ok {
		return OldCommune{}, false
	}
	return d.oldCommunes[i], true
}

// TranslateProvince maps a province code to the 2025 list. A 2025 code gives
// (code, false, true); a pre-2025 code gives (new, true, true); anything else
// gives ok=false. The 2025 codes are all old codes too and kept their unit,
// so the answer never depends on which list a caller meant.
func (d *Data) TranslateProvince(code string) (newCode string, translated, ok bool) {
	if _, ok := d.provinceIdx[code]; ok {
		return code, false, true
	}
	if i, ok := d.oldProvIdx[code]; ok {
		return d.oldProvinces[i].NewCode, true, true
	}
	return "", false, false
}

// TranslateCommune maps a commune code to the 2025 list. A 2025 code gives
// ([code], false, true), even when the same string was also a pre-2025 code
// (3,315 are: the merged unit often kept the code of one of its parts); a
// pre-2025 code gives its new code(s), translated=true, more than one when
// the old commune was split; anything else gives ok=false. The returned
// slice is the caller's.
func (d *Data) TranslateCommune(code string) (newCodes []string, translated, ok bool) {
	if _, ok := d.communeIdx[code]; ok {
		return []string{code}, false, true
	}
	if i, ok := d.oldCommuneIdx[code]; ok {
		return slices.Clone(d.oldCommunes[i].NewCodes), true, true
	}
	return nil, false, false
}

// ProvinceAt returns the 2025 province containing p (lon/lat, EPSG:4326).
// A point in no province polygon but within 1 km of one (coastline and border
// slop of the source polygons) goes to the nearest; otherwise ok is false: the
// point is outside Vietnam or out at sea. Where polygons overlap, or p lies
// exactly on a shared border, the lowest code wins. It allocates nothing and
// takes well under a microsecond.
func (d *Data) ProvinceAt(p orb.Point) (code string, ok bool) {
	i, ok := d.grid.locate(p, slopMetres)
	if !ok {
		return "", false
	}
	return d.provinces[i].Code, true
}

// slopMetres is how far outside every polygon ProvinceAt still answers: the
// province polygons leave gaps of up to a few hundred metres along some coasts
// and borders (4 of the 3,321 commune interior points fall in such gaps,
// the farthest ~880 m out).
const slopMetres = 1000
