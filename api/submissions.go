package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

// summaryGroups caps the kinds of problems listed in a submission's summary.
const summaryGroups = 50

// submissionProvince is the province a request submits for: a province
// officer's own; reviewers and admins name it with ?province=NN.
func (h *handler) submissionProvince(c *fiber.Ctx) (phusong.Actor, string, error) {
	a, err := actorOf(c)
	if err != nil {
		return a, "", err
	}
	if a.Role == phusong.RoleProvince {
		if q := c.Query("province"); q != "" && q != a.ProvinceCode {
			return a, "", phusong.Errorf(phusong.ErrForbidden, "other_province",
				fmt.Sprintf("Tài khoản của bạn chỉ được nộp cho tỉnh %s.", a.ProvinceCode),
				fmt.Sprintf("Your account may only submit for province %s.", a.ProvinceCode))
		}
		return a, a.ProvinceCode, nil
	}
	code := c.Query("province")
	if _, ok := h.d.Admin.Province(code); !ok {
		return a, "", phusong.Invalid("bad_query", "Thiếu hoặc sai mã tỉnh.", "Missing or unknown province code.",
			phusong.Problem{Column: "province", Code: "province_unknown", Value: code,
				VI: "Ghi ?province=NN với mã 2 chữ số của một trong 34 tỉnh, thành phố từ 2025 (ví dụ ?province=12).",
				EN: "Add ?province=NN with the 2-digit code of one of the 34 provinces of 2025 (e.g. ?province=12)."})
	}
	return a, code, nil
}

// uploadBody returns the file of a submission: the "file" part of a
// multipart form, or the raw body (a GeoJSON FeatureCollection sent as
// JSON, or a file sent as is). The format is told from the content.
func uploadBody(c *fiber.Ctx) (io.ReadSeeker, string, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, "", phusong.Invalid("file_missing", "Hãy gửi tệp khảo sát trong trường \"file\" của biểu mẫu.",
				"Send the survey file in the form field \"file\".")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", fmt.Errorf("open upload: %w", err)
		}
		return f, fh.Filename, nil
	}
	if len(c.Body()) == 0 {
		return nil, "", phusong.Invalid("file_missing", "Yêu cầu không có tệp khảo sát.", "The request carries no survey file.")
	}
	return bytes.NewReader(c.Body()), c.Query("filename"), nil
}

// fingerprint identifies an upload for its Idempotency-Key: the SHA-256 of
// the file's bytes and of the parameters that change what is stored
// (province, mode, sheet, encoding). The file name is left out: the same
// bytes retried under another name are the same request. body is read
// whole and rewound.
func fingerprint(body io.ReadSeeker, province, mode string, opt intake.Options) (string, error) {
	file := sha256.New()
	if _, err := io.Copy(file, body); err != nil {
		return "", fmt.Errorf("hash upload: %w", err)
	}
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewind upload: %w", err)
	}
	h := sha256.New()
	h.Write(file.Sum(nil))
	for _, p := range []string{province, mode, opt.Sheet, opt.Encoding} {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type submissionOut struct {
	survey.Submission
	Summary  []intake.Group    `json:"summary"`
	Problems []phusong.Problem `json:"problems"`
	Links    map[string]string `json:"links"`
}

func links(id int64) map[string]string {
	base := "/api/v1/submissions/" + strconv.FormatInt(id, 10)
	return map[string]string{"self": base, "problems_csv": base + "/problems.csv"}
}

// createSubmission reads, validates and stores an upload in one request:
// 201 when stored, 422 when rows are invalid (nothing stored; the
// submission is kept as rejected with its problems), 4xx when the file
// cannot be read at all (nothing kept).
func (h *handler) createSubmission(c *fiber.Ctx) error {
	a, province, err := h.submissionProvince(c)
	if err != nil {
		return err
	}
	mode := c.Query("mode", survey.ModeAll)
	if mode != survey.ModeAll && mode != survey.ModeValidOnly {
		return phusong.Invalid("bad_query", "Chế độ lưu chưa hợp lệ.", "Invalid mode.",
			phusong.Problem{Column: "mode", Code: "mode_invalid", Value: mode,
				VI: "mode là all (lưu tất cả hoặc không lưu gì, mặc định) hoặc valid_only (chỉ lưu các dòng hợp lệ).",
				EN: "mode is all (store every row or none, the default) or valid_only (store the valid rows only)."})
	}
	body, filename, err := uploadBody(c)
	if err != nil {
		return err
	}
	opt := intake.Options{Province: province, Sheet: c.Query("sheet"), Encoding: c.Query("encoding"),
		MaxRows: h.d.MaxRows, MaxBytes: int64(h.d.BodyLimit)}
	key := strings.Clone(c.Get("Idempotency-Key"))
	var fp string
	if key != "" {
		if fp, err = fingerprint(body, province, mode, opt); err != nil {
			return err
		}
	}
	src := intake.NewSource(c.UserContext(), body, h.d.Admin, opt)
	sub, err := h.d.Survey.Submit(c.UserContext(), survey.NewSubmission{
		ProvinceCode: province, Filename: filename, Mode: mode, IdempotencyKey: key, Fingerprint: fp,
	}, src.Read)
	if err != nil {
		return err
	}
	out := submissionOut{Submission: sub, Links: links(sub.ID)}
	if src.Report != nil {
		out.Summary = src.Report.Summary(summaryGroups)
	}
	out.Problems = capProblems(sub.Problems)
	if sub.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	if sub.Status == survey.StatusRejected {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{
			"error": errorDetail{Code: "submission_invalid",
				Message:   "The file has invalid rows; nothing was stored. Fix the rows listed and submit again.",
				MessageVI: "Tệp có dòng chưa hợp lệ; chưa lưu dòng nào. Hãy sửa các dòng được liệt kê rồi nộp lại.",
				MessageEN: "The file has invalid rows; nothing was stored. Fix the rows listed and submit again.",
				RequestID: a.RequestID, Details: out.Problems, Total: sub.ErrorCount + sub.WarningCount},
			"submission": out,
		})
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func capProblems(p []phusong.Problem) []phusong.Problem {
	if len(p) > maxDetails {
		return p[:maxDetails]
	}
	if p == nil {
		return []phusong.Problem{}
	}
	return p
}

func pathID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, phusong.Errorf(phusong.ErrNotFound, "submission_not_found",
			"Không có lượt nộp này.", "There is no such submission.")
	}
	return id, nil
}

func (h *handler) getSubmission(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sub, err := h.d.Survey.Submission(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(submissionOut{Submission: sub, Problems: capProblems(sub.Problems), Links: links(id)})
}

// submissionProblems downloads every stored problem of a submission as a
// CSV file that opens in Excel with Vietnamese intact.
func (h *handler) submissionProblems(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sub, err := h.d.Survey.Submission(c.UserContext(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := intake.WriteProblemsCSV(&buf, sub.Problems); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="submission-%d-problems.csv"`, id))
	return c.Send(buf.Bytes())
}

func (h *handler) listSubmissions(c *fiber.Ctx) error {
	q := newListQuery(c)
	f := survey.SubmissionFilter{
		ProvinceCode: q.Province("province", h.d.Admin),
		Status:       q.OneOf("status", "", survey.SubmissionStatuses...),
		BeforeID:     q.Int("before_id", 0, 0, math.MaxInt64),
		Limit:        int(q.Int("limit", survey.DefaultSubmissionPage, 1, survey.MaxSubmissionPage)),
	}
	if err := q.Err(); err != nil {
		return err
	}
	subs, err := h.d.Survey.Submissions(c.UserContext(), f)
	if err != nil {
		return err
	}
	if subs == nil {
		subs = []survey.Submission{}
	}
	return c.JSON(fiber.Map{"submissions": subs})
}

func (h *handler) decideSubmission(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var d survey.Decision
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	sub, err := h.d.Survey.Decide(c.UserContext(), id, d)
	if err != nil {
		return err
	}
	return c.JSON(sub)
}

// template serves the Excel template for a province: its communes as a
// dropdown, an example row and the instructions sheet.
func (h *handler) template(c *fiber.Ctx) error {
	_, province, err := h.submissionProvince(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := intake.Template(&buf, province, h.d.Admin); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="phusong-mau-khao-sat-%s.xlsx"`, province))
	return c.Send(buf.Bytes())
}

func (h *handler) guide(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(intake.GuideHTML)
}
