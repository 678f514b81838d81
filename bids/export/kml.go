package export

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-kml/v3"
)

// KML returns package.kml (KML 2.2): a Document named after the package with
// one Folder per area, holding the area polygon, its proposed sites and its
// villages as placemarks. Coordinates are lon,lat as KML requires, 6 decimals.
func KML(p Package) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	doc := []kml.Element{
		kml.Name(nfc(p.Name)),
		kml.Description(nfc(fmt.Sprintf("Gói thầu số %d, phiên bản %d, tỉnh %s. Giá trần %s VND. Hạn nộp %s.",
			p.ID, p.Version, provinceLabel(p), groupThousands(p.CeilingVND), deadline(p.Deadline)))),
	}
	for _, a := range p.Areas {
		folder := []kml.Element{
			kml.Name(fmt.Sprintf("Vùng %d", a.ID)),
			kml.Placemark(
				kml.Name(fmt.Sprintf("Vùng %d", a.ID)),
				kml.ExtendedData(
					data("mã_vùng", a.ID),
					data("số_hộ", a.Figures.Households),
					data("số_trạm", a.Figures.Sites),
					data("chi_phí_vnd", a.Figures.CostVND),
				),
				kmlMultiPolygon(rightHand(a.Polygon)),
			),
		}
		for _, s := range a.Sites {
			folder = append(folder, kml.Placemark(
				kml.Name(fmt.Sprintf("Trạm %d-%d", a.ID, s.N)),
				kml.ExtendedData(
					data("mã_vùng", a.ID),
					data("số_hộ", s.Households),
					data("địa_hình", nfc(s.Terrain)),
					data("chi_phí_vnd", s.CostVND),
				),
				kml.Point(kml.Coordinates(coordinate(s.Location))),
			))
		}
		for _, pt := range a.Points {
			folder = append(folder, kml.Placemark(
				kml.Name(nfc(pt.Village)),
				kml.ExtendedData(
					data("mã_điểm", nfc(pt.RefID)), // the survey file's ref_id
					data("mã_hệ_thống", pt.ID),
					data("mã_xã", pt.Commune),
					data("số_hộ", pt.Households),
					data("phân_loại", pt.Category),
				),
				kml.Point(kml.Coordinates(coordinate(pt.Location))),
			))
		}
		doc = append(doc, kml.Folder(folder...))
	}
	var buf bytes.Buffer
	if err := kml.KML(kml.Document(doc...)).WriteIndent(&buf, "", "  "); err != nil {
		return nil, fmt.Errorf("export: package.kml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func data(name string, v any) kml.Element { return kml.Data(name, kml.Value(v)) }

func coordinate(p orb.Point) kml.Coordinate {
	p = round6(p)
	return kml.Coordinate{Lon: p[0], Lat: p[1]}
}

func kmlRing(r orb.Ring) kml.Element {
	cs := make([]kml.Coordinate, len(r))
	for i, p := range r {
		cs[i] = kml.Coordinate{Lon: p[0], Lat: p[1]}
	}
	return kml.LinearRing(kml.Coordinates(cs...))
}

// kmlMultiPolygon writes a single polygon bare and several in a MultiGeometry.
func kmlMultiPolygon(mp orb.MultiPolygon) kml.Element {
	polys := make([]kml.Element, len(mp))
	for i, poly := range mp {
		children := []kml.Element{kml.OuterBoundaryIs(kmlRing(poly[0]))}
		for _, hole := range poly[1:] {
			children = append(children, kml.InnerBoundaryIs(kmlRing(hole)))
		}
		polys[i] = kml.Polygon(children...)
	}
	if len(polys) == 1 {
		return polys[0]
	}
	return kml.MultiGeometry(polys...)
}

// groupThousands writes n as 1.234.567, the Vietnamese grouping.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// deadline writes t in Vietnam time, or "" when unset.
func deadline(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vietnam).Format("2006-01-02 15:04 (UTC+07:00)")
}
