package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
)

func packageID(c *fiber.Ctx, param string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(param), 10, 64)
	if err != nil || id <= 0 {
		return 0, phusong.Errorf(phusong.ErrNotFound, "package_not_found", "Không có gói thầu này.", "There is no such package.")
	}
	return id, nil
}

// ruleRequest is the body of a preview or of building drafts: a rule, or
// the id of a saved one.
type ruleRequest struct {
	RuleID int64      `json:"rule_id"`
	Rule   *bids.Rule `json:"rule"`
}

func (h *handler) rule(c *fiber.Ctx) (bids.Rule, int64, error) {
	// An empty body is the documented way to ask for the default rule; a
	// JSON body that names neither a rule nor a saved one is a client that
	// lost its fields, and guessing the default for it would answer with
	// packages nobody asked for (or a 409 that hides the cause).
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return bids.DefaultRule(), 0, nil
	}
	var req ruleRequest
	if err := decodeJSON(c, &req); err != nil {
		return bids.Rule{}, 0, err
	}
	switch {
	case req.RuleID != 0 && req.Rule != nil:
		return bids.Rule{}, 0, phusong.Invalid("bad_rule", "Gửi quy tắc hoặc mã quy tắc đã lưu, không gửi cả hai.",
			"Send a rule or the id of a saved rule, not both.")
	case req.RuleID != 0:
		sr, err := h.d.Bids.Rule(c.UserContext(), req.RuleID)
		if err != nil {
			return bids.Rule{}, 0, err
		}
		return sr.Rule, sr.ID, h.checkRule(sr.Rule)
	case req.Rule != nil:
		return *req.Rule, 0, h.checkRule(*req.Rule)
	}
	return bids.Rule{}, 0, phusong.Invalid("bad_rule", "Cần quy tắc lập gói (rule) hoặc mã quy tắc đã lưu (rule_id).",
		"rule or rule_id is required.",
		phusong.Problem{Column: "rule", Code: "required",
			VI: "Gửi {\"rule\": {\"mode\": \"province\", \"province\": \"12\"}} hoặc {\"rule_id\": 3}; gửi nội dung trống để dùng quy tắc mặc định.",
			EN: "Send {\"rule\": {\"mode\": \"province\", \"province\": \"12\"}} or {\"rule_id\": 3}; send an empty body for the default rule."})
}

// checkRule validates a rule like bids.Rule.Validate and also checks its
// province against the reference data: a well-formed code of no province
// would preview nothing and build nothing, with no word of why.
func (h *handler) checkRule(r bids.Rule) error {
	err := r.Validate()
	if r.Province == "" {
		return err
	}
	if _, ok := h.d.Admin.Province(r.Province); ok {
		return err
	}
	var in *phusong.InputError
	if err != nil && !errors.As(err, &in) {
		return err
	}
	if in != nil {
		for _, p := range in.Problems {
			if p.Column == "province" {
				return err // malformed: Validate said how a code looks
			}
		}
	}
	p := phusong.Problem{Column: "province", Code: "province_unknown", Value: r.Province,
		VI: fmt.Sprintf("Không có tỉnh mã %q trong 34 tỉnh, thành phố từ 2025; dùng mã 2 chữ số mới, ví dụ 12 (Lai Châu), hoặc để trống để lập cho mọi tỉnh.", r.Province),
		EN: fmt.Sprintf("No province has code %q among the 34 provinces of 2025; use a 2-digit 2025 code, e.g. 12 (Lai Châu), or leave it empty for every province.", r.Province)}
	if in == nil {
		return phusong.Invalid("bad_rule", "Quy tắc lập gói chưa hợp lệ.", "The packaging rule is not valid.", p)
	}
	in.Problems = append(in.Problems, p)
	return in
}

func (h *handler) previewPackages(c *fiber.Ctx) error {
	r, _, err := h.rule(c)
	if err != nil {
		return err
	}
	pv, err := h.d.Bids.Preview(c.UserContext(), r)
	if err != nil {
		return err
	}
	if c.Query("map") == "" {
		return c.JSON(pv)
	}
	// ?map=1: also the areas as GeoJSON features tagged with their
	// package, for the preview map.
	var ids []int64
	for _, p := range pv.Packages {
		for _, a := range p.Areas {
			ids = append(ids, a.ID)
		}
	}
	polys, err := h.d.Bids.Polygons(c.UserContext(), ids)
	if err != nil {
		return err
	}
	features := []fiber.Map{}
	for i, p := range pv.Packages {
		for _, a := range p.Areas {
			features = append(features, fiber.Map{"type": "Feature", "id": a.ID, "geometry": geoJSONGeometry(polys[a.ID]),
				"properties": fiber.Map{"package": i, "package_name": p.Name, "area_id": a.ID, "sites": a.Sites, "households": a.Households}})
		}
	}
	return c.JSON(fiber.Map{"rule": pv.Rule, "packages": pv.Packages, "excluded": pv.Excluded,
		"map": fiber.Map{"type": "FeatureCollection", "features": features}})
}

func (h *handler) createPackages(c *fiber.Ctx) error {
	r, ruleID, err := h.rule(c)
	if err != nil {
		return err
	}
	pv, sums, err := h.d.Bids.CreateDrafts(c.UserContext(), r, ruleID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"packages": sums, "excluded": pv.Excluded, "rule": pv.Rule})
}

func (h *handler) listPackageRules(c *fiber.Ctx) error {
	rs, err := h.d.Bids.Rules(c.UserContext())
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []bids.SavedRule{}
	}
	return c.JSON(fiber.Map{"rules": rs})
}

func (h *handler) createPackageRule(c *fiber.Ctx) error {
	var req struct {
		Name string    `json:"name"`
		Rule bids.Rule `json:"rule"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.checkRule(req.Rule); err != nil {
		return err
	}
	sr, err := h.d.Bids.SaveRule(c.UserContext(), req.Name, req.Rule)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sr)
}

func (h *handler) listPackages(c *fiber.Ctx) error {
	q := newListQuery(c)
	f := bids.ListFilter{Province: q.Province("province", h.d.Admin),
		Status: q.OneOf("status", "", bids.StatusDraft, bids.StatusPublished, bids.StatusWithdrawn)}
	if err := q.Err(); err != nil {
		return err
	}
	ps, err := h.d.Bids.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"packages": ps})
}

func (h *handler) getPackage(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.d.Bids.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handler) updatePackage(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	var p bids.Patch
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	d, err := h.d.Bids.Update(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handler) addPackageArea(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		AreaID int64 `json:"area_id"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.AreaID <= 0 {
		return phusong.Invalid("bad_area", "Cần mã vùng.", "An area id is needed.",
			phusong.Problem{Column: "area_id", Code: "required", VI: "Ghi mã vùng cần đưa vào gói, ví dụ {\"area_id\": 12}.",
				EN: "Give the id of the area to add, e.g. {\"area_id\": 12}."})
	}
	d, err := h.d.Bids.AddArea(c.UserContext(), id, req.AreaID)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handler) removePackageArea(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	areaID, err := strconv.ParseInt(c.Params("area"), 10, 64)
	if err != nil || areaID <= 0 {
		return phusong.Errorf(phusong.ErrNotFound, "area_not_in_package", "Không có vùng này trong gói.", "There is no such area in the package.")
	}
	d, err := h.d.Bids.RemoveArea(c.UserContext(), id, areaID)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handler) refreshPackage(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.d.Bids.Refresh(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handler) publishPackage(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		ChangeNote string `json:"change_note"`
	}
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	v, err := h.d.Bids.Publish(c.UserContext(), id, strings.TrimSpace(req.ChangeNote))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *handler) withdrawPackage(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := h.d.Bids.Withdraw(c.UserContext(), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// versionParam parses a version: a positive number or "latest" (0).
func versionParam(c *fiber.Ctx) (int, error) {
	v := c.Params("version")
	if v == "latest" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, phusong.Errorf(phusong.ErrNotFound, "version_not_found",
			"Phiên bản là một số dương hoặc latest.", "A version is a positive number or latest.")
	}
	return n, nil
}

func (h *handler) getPackageVersion(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	d, err := h.d.Bids.Version(c.UserContext(), id, v)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// downloadPackageFile serves a stored file of a published version as it
// was stored, never regenerated: ETag is its SHA-256, so If-None-Match
// gives 304; Range and If-Range work (net/http's ServeContent, which also
// answers multi-range and unsatisfiable requests properly); the name is the
// package's Vietnamese name, per RFC 6266 with an ASCII fallback. Each
// download that sends bytes is recorded (HEAD sends none).
func (h *handler) downloadPackageFile(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	f, err := h.d.Bids.File(c.UserContext(), id, v, c.Params("name"))
	if err != nil {
		return err
	}
	serve := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", f.ContentType)
		w.Header().Set("ETag", `"`+f.SHA256+`"`)
		w.Header().Set("Content-Disposition", contentDisposition(f.DownloadName, f.ASCIIName))
		// A numbered version never changes; "latest" may.
		if v != 0 {
			w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "private, no-cache")
		}
		if rh := r.Header.Get("Range"); rh != "" && !validRange(rh) {
			// RFC 9110 §14.2: an invalid Range header is ignored, the
			// whole file sent; ServeContent would answer 416.
			r.Header.Del("Range")
		}
		http.ServeContent(w, r, "", f.PublishedAt, bytes.NewReader(f.Data))
	}
	if err := adaptor.HTTPHandlerFunc(serve)(c); err != nil {
		return err
	}
	status := c.Response().StatusCode()
	if status == fiber.StatusRequestedRangeNotSatisfiable {
		// ServeContent wrote a plain English text; the error handler writes
		// ours. Content-Range (bytes */SIZE) stays, the headers describing
		// the file go: an error is neither an attachment nor cacheable.
		for _, k := range []string{fiber.HeaderContentDisposition, fiber.HeaderCacheControl, fiber.HeaderETag, fiber.HeaderLastModified} {
			c.Response().Header.Del(k)
		}
		c.Response().ResetBody()
		return errRangeNotSatisfiable(len(f.Data))
	}
	// A HEAD request sends no bytes: not a download.
	if c.Method() != fiber.MethodHead && (status == fiber.StatusOK || status == fiber.StatusPartialContent) {
		if err := h.d.Bids.RecordDownload(c.UserContext(), f, int64(len(c.Response().Body())), status == fiber.StatusPartialContent); err != nil {
			return err
		}
	}
	return nil
}

// validRange reports whether h is a byte-range set net/http can read
// (RFC 9110 §14.1.1): "bytes=" then first-last, first- or -suffix, comma
// separated, with no range whose last byte comes before its first.
func validRange(h string) bool {
	set, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return false
	}
	n := 0
	for _, spec := range strings.Split(set, ",") {
		spec = strings.Trim(spec, " \t")
		if spec == "" {
			continue // the list syntax allows empty elements
		}
		first, last, ok := strings.Cut(spec, "-")
		if !ok || first == "" && last == "" || !digits(first) || !digits(last) {
			return false
		}
		a, errA := strconv.ParseInt(first, 10, 64)
		b, errB := strconv.ParseInt(last, 10, 64)
		if first != "" && errA != nil || last != "" && errB != nil || first != "" && last != "" && b < a {
			return false
		}
		n++
	}
	return n > 0
}

// digits reports whether s holds only ASCII digits ("" does).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func errRangeNotSatisfiable(size int) error {
	return phusong.Invalid("range_not_satisfiable",
		fmt.Sprintf("Đoạn dữ liệu yêu cầu (tiêu đề Range) nằm ngoài tệp: tệp dài %d byte. Hãy yêu cầu các byte từ 0 đến %d, hoặc bỏ tiêu đề Range để tải cả tệp.", size, size-1),
		fmt.Sprintf("The requested range (Range header) lies outside the file, which is %d bytes long. Ask for bytes 0 to %d, or drop the Range header to download the whole file.", size, size-1))
}

// contentDisposition returns an attachment header naming the file name
// (UTF-8, RFC 5987 encoded) with an ASCII fallback for old clients.
func contentDisposition(name, ascii string) string {
	var b strings.Builder
	for i := 0; i < len(ascii); i++ {
		ch := ascii[i]
		if ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' {
			ch = '_'
		}
		b.WriteByte(ch)
	}
	out := `attachment; filename="` + b.String() + `"`
	if !utf8.ValidString(name) {
		return out
	}
	var e strings.Builder
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			e.WriteByte(ch)
		} else {
			fmt.Fprintf(&e, "%%%02X", ch)
		}
	}
	return out + "; filename*=UTF-8''" + e.String()
}

func (h *handler) listPackageDownloads(c *fiber.Ctx) error {
	id, err := packageID(c, "id")
	if err != nil {
		return err
	}
	ds, err := h.d.Bids.Downloads(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"downloads": ds})
}
