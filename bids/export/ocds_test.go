package export_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/phusong/phusong/bids/export"
)

// releaseSchemaURL is the id of the OCDS 1.1.5 release schema; its $refs are
// relative to it, so the merged schema is registered under it and nothing is
// fetched (jsonschema/v6 has no HTTP loader unless one is given).
const releaseSchemaURL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"

// mergePatch applies an RFC 7386 JSON Merge Patch: objects merge member by
// member, null deletes a member, anything else replaces. OCDS extensions are
// published as merge patches onto the release schema.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

func readSchema(t *testing.T, name string) any {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "ocds", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// releaseSchema returns the OCDS 1.1 release schema with the lots and
// location extensions merged in, compiled as draft-04 with formats
// (date-time, uri) asserted, and the merged document for the test to read.
func releaseSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	doc := readSchema(t, "release-schema-1.1.json")
	for _, ext := range []string{"ext-lots-release-schema.json", "ext-location-release-schema.json"} {
		doc = mergePatch(doc, readSchema(t, ext))
	}
	// The lots extension's Lot.submissionTerms refers to a definition of
	// the Submission Terms extension, which phusong does not use: drop the
	// property (testdata/ocds/README.md).
	doc = mergePatch(doc, map[string]any{"definitions": map[string]any{"Lot": map[string]any{
		"properties": map[string]any{"submissionTerms": nil}}}})
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	if err := c.AddResource(releaseSchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(releaseSchemaURL)
	if err != nil {
		t.Fatalf("compile the merged release schema: %v", err)
	}
	return sch, doc.(map[string]any)
}

func validate(sch *jsonschema.Schema, b []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// firstVersion is the sample as its version 1: no change note, tag "tender" only.
func firstVersion() export.Package {
	p := sample()
	p.Version, p.ChangeNote = 1, ""
	return p
}

func TestOCDSSchema(t *testing.T) {
	sch, _ := releaseSchema(t)
	tests := []struct {
		name string
		p    export.Package
	}{
		{"sample version 2", sample()},
		{"version 1", firstVersion()},
		{"empty package", export.Package{ID: 1, Version: 1, Name: "Gói rỗng"}},
		{"large", bigPackage()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := export.OCDS(tc.p, published)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, b); err != nil {
				t.Errorf("ocds.json is not a valid release:\n%v", err)
			}
		})
	}
}

// TestOCDSSchemaRejects edits a valid release into invalid ones, so that a
// validator that accepted anything (a schema that failed to merge, a $ref
// left unresolved) would fail this test.
func TestOCDSSchemaRejects(t *testing.T) {
	sch, _ := releaseSchema(t)
	b, err := export.OCDS(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(r map[string]any)
	}{
		{"no ocid", func(r map[string]any) { delete(r, "ocid") }},
		{"unknown tag", func(r map[string]any) { r["tag"] = []any{"tenderPublished"} }},
		{"date not a date-time", func(r map[string]any) { r["date"] = "20/11/2026" }},
		{"unknown currency", func(r map[string]any) { tender(r)["value"].(map[string]any)["currency"] = "VNĐ" }},
		{"unknown status", func(r map[string]any) { tender(r)["status"] = "published" }},
		// The next three only fail with the extensions merged in.
		{"lot without id", func(r map[string]any) { delete(lot(r, 0), "id") }},
		{"lot status outside the codelist", func(r map[string]any) { lot(r, 0)["status"] = "open" }},
		{"geometry type outside the codelist", func(r map[string]any) { geometry(r, 0)["type"] = "Circle" }},
		{"coordinates not an array", func(r map[string]any) { geometry(r, 0)["coordinates"] = "104 22" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r map[string]any
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			tc.edit(r)
			bad, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, bad); err == nil {
				t.Errorf("got a valid release, want a validation error")
			}
		})
	}
}

func tender(r map[string]any) map[string]any { return r["tender"].(map[string]any) }

func lot(r map[string]any, i int) map[string]any {
	return tender(r)["lots"].([]any)[i].(map[string]any)
}

func item(r map[string]any, i int) map[string]any {
	return tender(r)["items"].([]any)[i].(map[string]any)
}

func geometry(r map[string]any, i int) map[string]any {
	return item(r, i)["deliveryLocations"].([]any)[0].(map[string]any)["geometry"].(map[string]any)
}

// TestOCDSGeometry checks what the schema cannot: the location extension
// allows a geometry type from its closed geometryType codelist but takes any
// nesting of arrays as coordinates. Each item's geometry must be a type the
// merged schema lists, an area's (Polygon or MultiPolygon), and parse as
// that GeoJSON type with closed lon/lat rings in Vietnam.
func TestOCDSGeometry(t *testing.T) {
	_, doc := releaseSchema(t)
	var allowed []string
	loc := doc["definitions"].(map[string]any)["Location"].(map[string]any)
	geomType := loc["properties"].(map[string]any)["geometry"].(map[string]any)["properties"].(map[string]any)["type"].(map[string]any)
	for _, v := range geomType["enum"].([]any) {
		if s, ok := v.(string); ok {
			allowed = append(allowed, s)
		}
	}
	if !slices.Contains(allowed, "Polygon") || !slices.Contains(allowed, "MultiPolygon") {
		t.Fatalf("location extension allows %v, want Polygon and MultiPolygon among them", allowed)
	}

	b, err := export.OCDS(sample(), published)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"MultiPolygon", "Polygon"} // area 101 has two parts, 102 one
	for i := range tender(r)["items"].([]any) {
		g := geometry(r, i)
		typ, _ := g["type"].(string)
		if !slices.Contains(allowed, typ) || typ != wantTypes[i] {
			t.Errorf("item %d: got geometry %q, want %q (allowed: %v)", i, typ, wantTypes[i], allowed)
		}
		raw, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		geom, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			t.Fatalf("item %d: geometry is not GeoJSON %s: %v", i, typ, err)
		}
		if geom.Geometry().GeoJSONType() != typ {
			t.Errorf("item %d: coordinates parse as %s, type says %s", i, geom.Geometry().GeoJSONType(), typ)
		}
		mp, ok := geom.Geometry().(orb.MultiPolygon)
		if p, isPoly := geom.Geometry().(orb.Polygon); isPoly {
			mp, ok = orb.MultiPolygon{p}, true
		}
		if !ok {
			t.Fatalf("item %d: got %T, want a polygon", i, geom.Geometry())
		}
		checkCoords(t, mp)
	}
}

// TestOCDSContent checks the release against the package it describes.
func TestOCDSContent(t *testing.T) {
	p := sample()
	b, err := export.OCDS(p, published)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		OCID           string   `json:"ocid"`
		ID             string   `json:"id"`
		Date           string   `json:"date"`
		Tag            []string `json:"tag"`
		InitiationType string   `json:"initiationType"`
		Language       string   `json:"language"`
		Parties        []struct {
			ID    string   `json:"id"`
			Name  string   `json:"name"`
			Roles []string `json:"roles"`
		} `json:"parties"`
		Buyer struct {
			ID string `json:"id"`
		} `json:"buyer"`
		Tender struct {
			ID                   string `json:"id"`
			Title                string `json:"title"`
			Status               string `json:"status"`
			ProcurementMethod    string `json:"procurementMethod"`
			MainCategory         string `json:"mainProcurementCategory"`
			AwardCriteria        string `json:"awardCriteria"`
			AwardCriteriaDetails string `json:"awardCriteriaDetails"`
			Description          string `json:"description"`
			Value                struct {
				Amount   int64  `json:"amount"`
				Currency string `json:"currency"`
			} `json:"value"`
			TenderPeriod struct {
				StartDate string `json:"startDate"`
				EndDate   string `json:"endDate"`
			} `json:"tenderPeriod"`
			Lots []struct {
				ID    string `json:"id"`
				Value struct {
					Amount int64 `json:"amount"`
				} `json:"value"`
			} `json:"lots"`
			Items []struct {
				ID             string `json:"id"`
				Quantity       int    `json:"quantity"`
				RelatedLot     string `json:"relatedLot"`
				Classification struct {
					Scheme string `json:"scheme"`
					ID     string `json:"id"`
				} `json:"classification"`
			} `json:"items"`
			Milestones []struct {
				DueDate     string   `json:"dueDate"`
				RelatedLots []string `json:"relatedLots"`
			} `json:"milestones"`
			Amendments []struct {
				Rationale       string `json:"rationale"`
				AmendsReleaseID string `json:"amendsReleaseID"`
				ReleaseID       string `json:"releaseID"`
			} `json:"amendments"`
		} `json:"tender"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s: got %s, want %s", what, gb, wb)
		}
	}
	check("ocid", r.OCID, export.OCIDPrefix+"7")
	check("id", r.ID, "ocds-phusong-7-v2")
	check("date", r.Date, "2026-11-20T10:00:00+07:00")
	check("tag", r.Tag, []string{"tender", "tenderUpdate"})
	check("initiationType", r.InitiationType, "tender")
	check("language", r.Language, "vi")
	check("parties", len(r.Parties), 2)
	check("buyer roles", r.Parties[0].Roles, []string{"buyer", "procuringEntity"})
	check("buyer name", r.Parties[0].Name, "Cục Viễn thông, Bộ Khoa học và Công nghệ")
	check("funder roles", r.Parties[1].Roles, []string{"funder"})
	check("funder name", r.Parties[1].Name, "Quỹ Dịch vụ viễn thông công ích Việt Nam (VTF)")
	check("buyer", r.Buyer.ID, r.Parties[0].ID)
	check("tender id", r.Tender.ID, "7")
	check("title", r.Tender.Title, "Gói thầu số 7 — Lai Châu")
	check("status", r.Tender.Status, "active")
	check("method", r.Tender.ProcurementMethod, "open")
	check("category", r.Tender.MainCategory, "services")
	check("award criteria", r.Tender.AwardCriteria, "ratedCriteria")
	check("award criteria details", r.Tender.AwardCriteriaDetails,
		"Giá dự thầu (Bid price): 60%; Năng lực kỹ thuật & tiến độ (Technical capacity & schedule): 40%")
	check("value", r.Tender.Value.Amount, p.CeilingVND)
	check("currency", r.Tender.Value.Currency, "VND")
	check("tender period", []string{r.Tender.TenderPeriod.StartDate, r.Tender.TenderPeriod.EndDate},
		[]string{"2026-11-20T10:00:00+07:00", "2026-12-31T17:00:00+07:00"})
	check("lots", len(r.Tender.Lots), 2)
	check("lot ids", []string{r.Tender.Lots[0].ID, r.Tender.Lots[1].ID}, []string{"area-101", "area-102"})
	check("lot value", r.Tender.Lots[0].Value.Amount, int64(3_200_000_000))
	for i, it := range r.Tender.Items {
		check("item lot", it.RelatedLot, r.Tender.Lots[i].ID)
		check("item quantity", it.Quantity, len(p.Areas[i].Sites))
		check("item classification", []string{it.Classification.Scheme, it.Classification.ID}, []string{"CPV", "64200000"})
	}
	check("coverage milestone", r.Tender.Milestones[0].DueDate, "2027-06-30T00:00:00+07:00")
	check("milestone lots", r.Tender.Milestones[0].RelatedLots, []string{"area-101", "area-102"})
	check("amendment", []string{r.Tender.Amendments[0].Rationale, r.Tender.Amendments[0].AmendsReleaseID, r.Tender.Amendments[0].ReleaseID},
		[]string{changeNote, "ocds-phusong-7-v1", "ocds-phusong-7-v2"})
	for _, want := range []string{"Lai Châu", "4G", "-110 dBm", "30/06/2027"} {
		if !strings.Contains(r.Tender.Description, want) {
			t.Errorf("description %q lacks %q", r.Tender.Description, want)
		}
	}

	b1, err := export.OCDS(firstVersion(), published)
	if err != nil {
		t.Fatal(err)
	}
	var r1 map[string]any
	if err := json.Unmarshal(b1, &r1); err != nil {
		t.Fatal(err)
	}
	check("version 1 tag", r1["tag"], []string{"tender"})
	if _, ok := tender(r1)["amendments"]; ok {
		t.Errorf("version 1 has amendments")
	}
	if !bytes.Contains(b, []byte(`"Gói thầu số 7 — Lai Châu"`)) || bytes.Contains(b, []byte(`\u0026`)) {
		t.Errorf("ocds.json escapes text it need not")
	}
	again, err := export.OCDS(p, published)
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("same input, different ocds.json (%v)", err)
	}
}
