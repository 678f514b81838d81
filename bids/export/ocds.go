package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// OCIDPrefix starts the ocid of every package: an OCDS 1.1 ocid is a
// registered prefix, a hyphen and the buyer's identifier of the process.
// "ocds-phusong" is not registered: before the data is published to the
// OCDS registry the department registers a prefix (ocds-xxxxxx) and it
// replaces this constant; the rest of the ocid (the package id) stays.
const OCIDPrefix = "ocds-phusong-"

// The item classification. Vietnam's procurement system has no scheme in
// OCDS's itemClassificationScheme codelist, so the EU's Common Procurement
// Vocabulary is used, which the codelist lists and many OCDS publishers use:
// 64200000, telecommunications services (8 digits, without the check digit,
// as eForms writes it). The unit is UN/CEFACT C62, "one": a site.
const (
	cpvTelecom     = "64200000"
	cpvTelecomName = "Dịch vụ viễn thông (Telecommunications services)"
)

// The release, with only the fields phusong fills, written by hand from the
// OCDS 1.1 release schema and the lots and location extensions (the test
// validates the output against them). Fields are in the order a reader
// wants them: identity, parties, then the tender.
type ocdsRelease struct {
	OCID           string        `json:"ocid"`
	ID             string        `json:"id"`
	Date           string        `json:"date"`
	Tag            []string      `json:"tag"`
	InitiationType string        `json:"initiationType"`
	Language       string        `json:"language"`
	Parties        []ocdsParty   `json:"parties"`
	Buyer          ocdsOrgRef    `json:"buyer"`
	Planning       *ocdsPlanning `json:"planning,omitempty"`
	Tender         ocdsTender    `json:"tender"`
}

type ocdsParty struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Address ocdsAddress `json:"address"`
	Roles   []string    `json:"roles"`
}

type ocdsAddress struct {
	CountryName string `json:"countryName"`
}

type ocdsOrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ocdsPlanning struct {
	Budget ocdsBudget `json:"budget"`
}

type ocdsBudget struct {
	Description string `json:"description"`
}

type ocdsTender struct {
	ID                       string          `json:"id"`
	Title                    string          `json:"title"`
	Description              string          `json:"description"`
	Status                   string          `json:"status"`
	ProcuringEntity          ocdsOrgRef      `json:"procuringEntity"`
	Items                    []ocdsItem      `json:"items"`
	Value                    ocdsValue       `json:"value"`
	ProcurementMethod        string          `json:"procurementMethod"`
	ProcurementMethodDetails string          `json:"procurementMethodDetails"`
	MainProcurementCategory  string          `json:"mainProcurementCategory"`
	AwardCriteria            string          `json:"awardCriteria"`
	AwardCriteriaDetails     string          `json:"awardCriteriaDetails,omitempty"`
	TenderPeriod             ocdsPeriod      `json:"tenderPeriod"`
	Milestones               []ocdsMilestone `json:"milestones,omitempty"`
	Amendments               []ocdsAmendment `json:"amendments,omitempty"`
	Lots                     []ocdsLot       `json:"lots"`
}

type ocdsValue struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type ocdsPeriod struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

type ocdsItem struct {
	ID                string             `json:"id"`
	Description       string             `json:"description"`
	Classification    ocdsClassification `json:"classification"`
	Quantity          int                `json:"quantity"`
	Unit              ocdsUnit           `json:"unit"`
	DeliveryLocations []ocdsLocation     `json:"deliveryLocations"`
	RelatedLot        string             `json:"relatedLot"`
}

type ocdsClassification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description"`
}

type ocdsUnit struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
	Name   string `json:"name"`
}

// ocdsLocation is the location extension's Location: a description and a
// GeoJSON geometry (RFC 7946 coordinates, lon/lat in WGS 84).
type ocdsLocation struct {
	Description string       `json:"description"`
	Geometry    ocdsGeometry `json:"geometry"`
}

type ocdsGeometry struct {
	Type        string `json:"type"`        // Polygon or MultiPolygon
	Coordinates any    `json:"coordinates"` // orb.Polygon or orb.MultiPolygon: nested [lon, lat] arrays
}

type ocdsMilestone struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Description string   `json:"description,omitempty"`
	DueDate     string   `json:"dueDate"`
	Status      string   `json:"status"`
	RelatedLots []string `json:"relatedLots,omitempty"`
}

type ocdsAmendment struct {
	ID              string `json:"id"`
	Date            string `json:"date"`
	Rationale       string `json:"rationale,omitempty"`
	AmendsReleaseID string `json:"amendsReleaseID,omitempty"`
	ReleaseID       string `json:"releaseID"`
}

type ocdsLot struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	Value       ocdsValue `json:"value"`
}

// OCID returns the Open Contracting ID of package id: the same for every
// version, as all versions are one contracting process.
func OCID(id int64) string { return fmt.Sprintf("%s%d", OCIDPrefix, id) }

// ReleaseID returns the OCDS release id of a version of package id: unique
// within the ocid, one release per published version.
func ReleaseID(id int64, version int) string { return fmt.Sprintf("%s-v%d", OCID(id), version) }

// OCDS returns ocds.json: package p published at published as an Open
// Contracting Data Standard 1.1 release with the lots and location
// extensions. Each area is a lot ("area-<id>") with one item: its proposed
// sites (CPV 64200000, quantity = sites), delivered in the area's polygon
// (a GeoJSON Polygon or MultiPolygon, lon/lat, right-hand rule, 6
// decimals). Version 1 is tagged "tender"; later versions add
// "tenderUpdate" and an amendment carrying the change note. Dates are
// RFC 3339 in Vietnam time.
//
// The release is bare, not in a release package: a package needs the URI
// it is published at, which the api knows and this package does not.
func OCDS(p Package, published time.Time) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// "&" (criteria such as "Năng lực kỹ thuật & tiến độ") as it is, not
	// \u0026: the file is read by people too and never embedded in HTML.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ocdsOf(p, published)); err != nil {
		return nil, fmt.Errorf("export: ocds.json: %w", err)
	}
	return lonLatPairs.ReplaceAll(buf.Bytes(), []byte("[$1, $2]")), nil
}

// lonLatPairs matches a coordinate pair as the indenting encoder writes it,
// over four lines; ReplaceAll puts it back on one, so that a polygon reads
// as a list of points and the file is a third the size. JSON strings never
// hold a raw newline, so no text can match.
var lonLatPairs = regexp.MustCompile(`\[\n\s*(-?[0-9.eE+-]+),\n\s*(-?[0-9.eE+-]+)\n\s*\]`)

func ocdsDate(t time.Time) string { return t.In(vietnam).Format(time.RFC3339) }

func ocdsOf(p Package, published time.Time) ocdsRelease {
	t := totalsOf(p)
	title := nfc(p.Name)
	if title == "" {
		title = fmt.Sprintf("Gói thầu %d", p.ID)
	}
	province := nfc(p.ProvinceName)
	if province == "" {
		province = p.Province
	}
	buyer := ocdsOrgRef{ID: buyerID, Name: buyerName}
	r := ocdsRelease{
		OCID:           OCID(p.ID),
		ID:             ReleaseID(p.ID, p.Version),
		Date:           ocdsDate(published),
		Tag:            []string{"tender"},
		InitiationType: "tender",
		Language:       "vi",
		Parties: []ocdsParty{
			{ID: buyerID, Name: buyerName, Address: ocdsAddress{CountryName: "Việt Nam"}, Roles: []string{"buyer", "procuringEntity"}},
			{ID: funderID, Name: funderName, Address: ocdsAddress{CountryName: "Việt Nam"}, Roles: []string{"funder"}},
		},
		Buyer:    buyer,
		Planning: &ocdsPlanning{Budget: ocdsBudget{Description: "Chương trình cung cấp dịch vụ viễn thông công ích, " + funderName}},
		Tender: ocdsTender{
			ID:                       fmt.Sprintf("%d", p.ID),
			Title:                    title,
			Description:              ocdsDescription(p, province, t),
			Status:                   "active",
			ProcuringEntity:          buyer,
			Value:                    ocdsValue{Amount: p.CeilingVND, Currency: "VND"},
			ProcurementMethod:        "open",
			ProcurementMethodDetails: "Đấu thầu rộng rãi (open tender)",
			MainProcurementCategory:  "services",
			AwardCriteria:            "ratedCriteria",
			AwardCriteriaDetails:     criteriaDetails(p.Criteria),
			TenderPeriod:             ocdsPeriod{StartDate: ocdsDate(published)},
			Items:                    []ocdsItem{},
			Lots:                     []ocdsLot{},
		},
	}
	if !p.Deadline.IsZero() {
		r.Tender.TenderPeriod.EndDate = ocdsDate(p.Deadline)
	}
	if p.Version > 1 {
		r.Tag = append(r.Tag, "tenderUpdate")
		r.Tender.Amendments = []ocdsAmendment{{
			ID:              fmt.Sprintf("v%d", p.Version),
			Date:            ocdsDate(published),
			Rationale:       strings.TrimSpace(nfc(p.ChangeNote)),
			AmendsReleaseID: ReleaseID(p.ID, p.Version-1),
			ReleaseID:       r.ID,
		}}
	}
	var lots []string
	for _, a := range p.Areas {
		lot := fmt.Sprintf("area-%d", a.ID)
		lots = append(lots, lot)
		f := a.Figures
		r.Tender.Lots = append(r.Tender.Lots, ocdsLot{
			ID:    lot,
			Title: fmt.Sprintf("Vùng %d", a.ID),
			Description: fmt.Sprintf("Vùng lõm sóng %d (phiên bản %d), %s: %d điểm, %d thôn, %d hộ, %d trạm đề xuất.",
				a.ID, a.Version, province, f.Points, f.Villages, f.Households, len(a.Sites)),
			Status: "active",
			Value:  ocdsValue{Amount: f.CostVND, Currency: "VND"},
		})
		r.Tender.Items = append(r.Tender.Items, ocdsItem{
			ID:             lot,
			Description:    fmt.Sprintf("Trạm phát sóng di động phủ vùng %d: %d hộ, %d thôn", a.ID, f.Households, f.Villages),
			Classification: ocdsClassification{Scheme: "CPV", ID: cpvTelecom, Description: cpvTelecomName},
			Quantity:       len(a.Sites),
			Unit:           ocdsUnit{Scheme: "UNCEFACT", ID: "C62", Name: "trạm"},
			DeliveryLocations: []ocdsLocation{{
				Description: fmt.Sprintf("Vùng lõm sóng %d, %s", a.ID, province),
				Geometry:    ocdsGeometryOf(a.Polygon),
			}},
			RelatedLot: lot,
		})
	}
	if !p.CoverageDeadline.IsZero() {
		r.Tender.Milestones = []ocdsMilestone{{
			ID:          "coverage",
			Title:       "Hoàn thành phủ sóng",
			Type:        "delivery",
			Description: "Mọi thôn của gói thầu được phủ sóng theo yêu cầu kỹ thuật.",
			DueDate:     ocdsDate(p.CoverageDeadline),
			Status:      "scheduled",
			RelatedLots: lots,
		}}
	}
	return r
}

// ocdsGeometryOf writes an area as a Polygon when it has one part and a
// MultiPolygon otherwise: the location extension allows both, and a
// one-part MultiPolygon reads as if a part were missing.
func ocdsGeometryOf(mp orb.MultiPolygon) ocdsGeometry {
	rh := rightHand(mp)
	if len(rh) == 1 {
		return ocdsGeometry{Type: "Polygon", Coordinates: rh[0]}
	}
	return ocdsGeometry{Type: "MultiPolygon", Coordinates: rh}
}

func ocdsDescription(p Package, province string, t totals) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Phủ sóng di động cho %d vùng lõm sóng tại %s: %d thôn, %d hộ, %d trạm đề xuất.",
		len(p.Areas), province, t.Villages, t.Households, t.Sites)
	var req []string
	if p.Technology != "" {
		req = append(req, "công nghệ "+nfc(p.Technology)+" trở lên")
	}
	if p.MinRSRPdBm != 0 {
		req = append(req, "RSRP ngoài trời tại thôn ≥ "+decimalVI(p.MinRSRPdBm, -1)+" dBm")
	}
	if !p.CoverageDeadline.IsZero() {
		req = append(req, "hoàn thành phủ sóng trước "+vnDate(p.CoverageDeadline))
	}
	if len(req) > 0 {
		b.WriteString(" Yêu cầu kỹ thuật: " + strings.Join(req, "; ") + ".")
	}
	if s := strings.TrimSpace(nfc(p.Requirements)); s != "" {
		b.WriteString(" " + s)
	}
	return b.String()
}

// criteriaDetails lists the evaluation criteria with their weights, e.g.
// "Giá dự thầu (Bid price): 60%; Năng lực kỹ thuật (Technical capacity): 40%".
func criteriaDetails(cs []Criterion) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		name := nfc(c.NameVI)
		if c.NameEN != "" {
			name += " (" + nfc(c.NameEN) + ")"
		}
		parts = append(parts, name+": "+decimalVI(c.Weight, -1)+"%")
	}
	return strings.Join(parts, "; ")
}
