package export

import (
	"fmt"

	"github.com/paulmach/orb/geojson"
)

// AreasGeoJSON returns areas.geojson: one MultiPolygon feature per area,
// RFC 7946 (lon/lat in WGS 84, 6 decimals, right-hand rule, no crs member).
func AreasGeoJSON(p Package) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range p.Areas {
		f := geojson.NewFeature(rightHand(a.Polygon))
		f.ID = a.ID
		f.Properties = geojson.Properties{
			"mã_vùng":      a.ID,
			"phiên_bản":    a.Version,
			"mã_gói_thầu":  p.ID,
			"số_điểm":      a.Figures.Points,
			"số_thôn":      a.Figures.Villages,
			"số_hộ":        a.Figures.Households,
			"dân_số":       a.Figures.Population,
			"trắng_sóng":   a.Figures.TrangSong,
			"lõm_sóng":     a.Figures.LomSong,
			"số_trạm":      a.Figures.Sites,
			"chi_phí_vnd":  a.Figures.CostVND,
			"điểm_ưu_tiên": a.Figures.Score,
		}
		fc.Append(f)
	}
	return marshal(fc, "areas.geojson")
}

// PointsGeoJSON returns points.geojson: one Point feature per surveyed village.
func PointsGeoJSON(p Package) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range p.Areas {
		for _, pt := range a.Points {
			f := geojson.NewFeature(round6(pt.Location))
			f.ID = pt.ID
			f.Properties = geojson.Properties{
				"mã_điểm":     nfc(pt.RefID), // the survey file's ref_id
				"mã_hệ_thống": pt.ID,
				"mã_vùng":     a.ID,
				"thôn":        nfc(pt.Village),
				"mã_xã":       pt.Commune,
				"số_hộ":       pt.Households,
				"phân_loại":   pt.Category,
			}
			for i, op := range operatorNames {
				f.Properties["sóng_"+op] = pt.Signal[i]
			}
			fc.Append(f)
		}
	}
	return marshal(fc, "points.geojson")
}

// SitesGeoJSON returns sites.geojson: one Point feature per proposed site,
// with id "<area>-<n>".
func SitesGeoJSON(p Package) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range p.Areas {
		for _, s := range a.Sites {
			f := geojson.NewFeature(round6(s.Location))
			f.ID = fmt.Sprintf("%d-%d", a.ID, s.N)
			f.Properties = geojson.Properties{
				"mã_vùng":     a.ID,
				"trạm_số":     s.N,
				"số_hộ":       s.Households,
				"số_điểm":     s.Points,
				"địa_hình":    nfc(s.Terrain),
				"chi_phí_vnd": s.CostVND,
			}
			fc.Append(f)
		}
	}
	return marshal(fc, "sites.geojson")
}

// marshal encodes fc; map keys come out sorted, so the bytes are stable.
func marshal(fc *geojson.FeatureCollection, name string) ([]byte, error) {
	b, err := fc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("export: %s: %w", name, err)
	}
	return append(b, '\n'), nil
}
