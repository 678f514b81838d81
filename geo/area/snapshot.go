package area

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/phusong/phusong/geo/site"
	"github.com/phusong/phusong/geo/survey"
)

// A snapshot is what a recomputation keeps of each group (cluster) it
// built, so that the next one can rebuild only the groups that changed
// points touch (doc.go, "Regrouping after a change"): each point exactly as
// Build read it and the area it went to, the group's lõm sóng places (the
// network that nearby sites reach by microwave, in metres), its extent and
// its sites.

// snapshotFormat versions the packing below; it is part of the
// fingerprint, so stored groups in an older packing are never read: the
// province is recomputed in full instead.
const snapshotFormat = 1

// fingerprint identifies what a stored grouping was computed with: the
// configuration (not the number of workers, which changes no result) and
// the packing. A recomputation with another fingerprint is a full one.
func fingerprint(cfg Config) string {
	cfg.Workers = 0
	b, err := json.Marshal(cfg)
	if err != nil { // a Config always marshals; never reuse on doubt
		return fmt.Sprintf("unmarshalable %v", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "snapshot %d\n", snapshotFormat)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// snapPoint is one point of a stored group.
type snapPoint struct {
	id   int64
	area int64 // the area it belongs to
	p    survey.Point
}

// Bits of a packed point's flags. Only what Build reads is kept, in the
// canonical values (the table's CHECKs allow no others): grid power,
// terrain, ĐBKK, category, and the five facilities it counts.
const (
	pkGridShift     = 0 // 0 other, 1 yes, 2 partial, 3 no
	pkTerrainShift  = 2 // 0 unknown, 1 flat, 2 hilly, 3 mountainous
	pkDBKKShift     = 4 // 0 unknown, 1 yes, 2 no
	pkCategoryShift = 6 // 0 other, 1 trắng sóng, 2 lõm sóng
	pkFacilityShift = 8 // one bit each, in facilityNames order
)

var (
	gridNames     = [4]string{"", "yes", "partial", "no"}
	terrainNames  = [4]string{"", site.Flat, site.Hilly, site.Mountainous}
	dbkkNames     = [3]string{"", "yes", "no"}
	categoryNames = [3]string{"", survey.TrangSong, survey.LomSong}
	facilityNames = [5]string{"school", "health", "commune_office", "border_post", "market"}
)

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// packPoints encodes points: per point its id, area, lon, lat (float64
// bits), households, population, flags, and the commune code and village
// name with their lengths.
func packPoints(pts []snapPoint) []byte {
	out := make([]byte, 0, len(pts)*72)
	for i := range pts {
		s := &pts[i]
		p := &s.p
		flags := uint16(indexOf(gridNames[:], p.GridPower))<<pkGridShift |
			uint16(indexOf(terrainNames[:], p.Terrain))<<pkTerrainShift |
			uint16(indexOf(dbkkNames[:], p.DBKK))<<pkDBKKShift |
			uint16(indexOf(categoryNames[:], p.Category))<<pkCategoryShift
		for k, f := range facilityNames {
			for _, g := range p.Facilities {
				if g == f {
					flags |= 1 << (pkFacilityShift + k)
					break
				}
			}
		}
		out = binary.LittleEndian.AppendUint64(out, uint64(s.id))
		out = binary.LittleEndian.AppendUint64(out, uint64(s.area))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(p.Location[0]))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(p.Location[1]))
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(p.Households)))
		out = binary.LittleEndian.AppendUint32(out, uint32(int32(p.Population)))
		out = binary.LittleEndian.AppendUint16(out, flags)
		out = binary.AppendUvarint(out, uint64(len(p.CommuneCode)))
		out = append(out, p.CommuneCode...)
		out = binary.AppendUvarint(out, uint64(len(p.VillageName)))
		out = append(out, p.VillageName...)
	}
	return out
}

var errPacked = errors.New("area: damaged snapshot")

// unpackPoints decodes what packPoints wrote, appending to out; the
// points get the province code.
func unpackPoints(b []byte, province string, out []snapPoint) ([]snapPoint, error) {
	str := func() (string, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return "", errPacked
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, nil
	}
	for len(b) > 0 {
		if len(b) < 42 {
			return out, errPacked
		}
		var s snapPoint
		s.id = int64(binary.LittleEndian.Uint64(b))
		s.area = int64(binary.LittleEndian.Uint64(b[8:]))
		s.p.ProvinceCode = province
		s.p.Location = orb.Point{math.Float64frombits(binary.LittleEndian.Uint64(b[16:])), math.Float64frombits(binary.LittleEndian.Uint64(b[24:]))}
		s.p.Households = int(int32(binary.LittleEndian.Uint32(b[32:])))
		s.p.Population = int(int32(binary.LittleEndian.Uint32(b[36:])))
		flags := binary.LittleEndian.Uint16(b[40:])
		b = b[42:]
		s.p.GridPower = gridNames[flags>>pkGridShift&3]
		s.p.Terrain = terrainNames[flags>>pkTerrainShift&3]
		s.p.DBKK = dbkkNames[min(2, flags>>pkDBKKShift&3)]
		s.p.Category = categoryNames[min(2, flags>>pkCategoryShift&3)]
		for k, f := range facilityNames {
			if flags&(1<<(pkFacilityShift+k)) != 0 {
				s.p.Facilities = append(s.p.Facilities, f)
			}
		}
		var err error
		if s.p.CommuneCode, err = str(); err != nil {
			return out, err
		}
		if s.p.VillageName, err = str(); err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// packNetwork encodes the metric coordinates (the province's Projection)
// of a group's lõm sóng points, as float64 bits: exactly what Group
// computes from their lon/lat, so neither side projects them again.
func packNetwork(ps []xy) []byte {
	out := make([]byte, 0, len(ps)*16)
	for _, p := range ps {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(p.x))
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(p.y))
	}
	return out
}

// unpackNetwork decodes what packNetwork wrote, appending to out.
func unpackNetwork(b []byte, out []xy) ([]xy, error) {
	if len(b)%16 != 0 {
		return out, errPacked
	}
	for ; len(b) > 0; b = b[16:] {
		out = append(out, xy{math.Float64frombits(binary.LittleEndian.Uint64(b)), math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))})
	}
	return out, nil
}
