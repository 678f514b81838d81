package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/admin/internal/pack"
)

//go:generate go run ./internal/gen -src ../../../shared/data -out data

// files holds what internal/gen wrote: four CSV tables and two packed
// geometry files (see internal/pack).
//
//go:embed data/*.csv data/*.pack.gz
var files embed.FS

func parse() (*Data, error) {
	d := &Data{}
	var err error
	if d.version, err = version(files); err != nil {
		return nil, err
	}
	if err := d.parseProvinces(); err != nil {
		return nil, err
	}
	if err := d.parseCommunes(); err != nil {
		return nil, err
	}
	if err := d.parseOld(); err != nil {
		return nil, err
	}
	if d.grid, err = newGrid(d.provinces, gridCellsPerDegree); err != nil {
		return nil, fmt.Errorf("admin: province index: %w", err)
	}
	return d, nil
}

// version hashes every embedded file, name and length included, in name order.
func version(fsys fs.FS) (string, error) {
	names, err := fs.Glob(fsys, "data/*")
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", fmt.Errorf("admin: %w", err)
		}
		h.Write([]byte(n))
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readTable reads an embedded CSV file whose header must be exactly cols.
func readTable(name string, cols ...string) ([][]string, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(cols)
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("admin: %s: %w", name, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], cols) {
		return nil, fmt.Errorf("admin: %s: header is not %v", name, cols)
	}
	return recs[1:], nil
}

func readPack(name string, want int) ([]pack.Feature, error) {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	feats, err := pack.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("admin: %s: %w", name, err)
	}
	if len(feats) != want {
		return nil, fmt.Errorf("admin: %s: %d features, want %d", name, len(feats), want)
	}
	return feats, nil
}

func (d *Data) parseProvinces() error {
	recs, err := readTable("provinces.csv", "code", "name", "full_name", "name_en")
	if err != nil {
		return err
	}
	geoms, err := readPack("provinces.pack.gz", len(recs))
	if err != nil {
		return err
	}
	d.provinces = make([]Province, len(recs))
	d.provinceIdx = make(map[string]int, len(recs))
	for i, r := range recs {
		if geoms[i].Key != r[0] {
			return fmt.Errorf("admin: province %d: geometry %q, row %q", i, geoms[i].Key, r[0])
		}
		d.provinces[i] = Province{Code: r[0], Name: r[1], FullName: r[2], NameEn: r[3], Boundary: geoms[i].Boundary}
		d.provinceIdx[r[0]] = i
	}
	return nil
}

func (d *Data) parseCommunes() error {
	recs, err := readTable("communes.csv", "code", "province_code", "name", "full_name", "name_en", "kind", "lon", "lat")
	if err != nil {
		return err
	}
	geoms, err := readPack("communes.pack.gz", len(recs))
	if err != nil {
		return err
	}
	d.communes = make([]Commune, len(recs))
	d.communeIdx = make(map[string]int, len(recs))
	d.byProvince = make([][]int, len(d.provinces))
	for i, r := range recs {
		if geoms[i].Key != r[0] {
			return fmt.Errorf("admin: commune %d: geometry %q, row %q", i, geoms[i].Key, r[0])
		}
		lon, err1 := strconv.ParseFloat(r[6], 64)
		lat, err2 := strconv.ParseFloat(r[7], 64)
		pi, ok := d.provinceIdx[r[1]]
		if err1 != nil || err2 != nil || !ok {
			return fmt.Errorf("admin: commune %s: bad point or province", r[0])
		}
		d.communes[i] = Commune{
			Code: r[0], ProvinceCode: r[1], Name: r[2], FullName: r[3], NameEn: r[4], Kind: r[5],
			Point: orb.Point{lon, lat}, Boundary: geoms[i].Boundary,
		}
		d.communeIdx[r[0]] = i
		d.byProvince[pi] = append(d.byProvince[pi], i)
	}
	return nil
}

func (d *Data) parseOld() error {
	recs, err := readTable("old_provinces.csv", "code", "full_name", "new_code")
	if err != nil {
		return err
	}
	d.oldProvinces = make([]OldProvince, len(recs))
	d.oldProvIdx = make(map[string]int, len(recs))
	for i, r := range recs {
		d.oldProvinces[i] = OldProvince{Code: r[0], FullName: r[1], NewCode: r[2]}
		d.oldProvIdx[r[0]] = i
	}
	recs, err = readTable("old_communes.csv", "code", "full_name", "old_province_code", "new_codes")
	if err != nil {
		return err
	}
	d.oldCommunes = make([]OldCommune, len(recs))
	d.oldCommuneIdx = make(map[string]int, len(recs))
	for i, r := range recs {
		codes := strings.Fields(r[3])
		if len(codes) == 0 {
			return fmt.Errorf("admin: old commune %s: no new code", r[0])
		}
		d.oldCommunes[i] = OldCommune{Code: r[0], FullName: r[1], OldProvinceCode: r[2], NewCodes: codes}
		d.oldCommuneIdx[r[0]] = i
	}
	return nil
}
