package survey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong"
)

const submissionColumns = `id, province_code, submitter_name, status, mode, filename, format, encoding, rows_total, rows_invalid,
	inserted, updated, error_count, warning_count, review_comment, decided_at, created_at, coalesce(idempotency_key, ''),
	points_now, superseded_by`

func scanSubmission(r pgx.Row) (Submission, error) {
	var s Submission
	err := r.Scan(&s.ID, &s.ProvinceCode, &s.Submitter, &s.Status, &s.Mode, &s.Filename, &s.Format, &s.Encoding, &s.Rows,
		&s.InvalidRows, &s.Inserted, &s.Updated, &s.ErrorCount, &s.WarningCount, &s.ReviewComment, &s.DecidedAt, &s.CreatedAt, &s.IdempotencyKey,
		&s.PointsNow, &s.SupersededBy)
	return s, err
}

func notFound(id int64) error {
	return phusong.Errorf(phusong.ErrNotFound, "submission_not_found",
		fmt.Sprintf("Không có lượt nộp số %d (hoặc bạn không được xem).", id),
		fmt.Sprintf("There is no submission %d (or you may not see it).", id))
}

func alreadyDecided(id int64, status string) error {
	vi, en := "đã được chấp nhận", "already accepted"
	if status == StatusReturned {
		vi, en = "đã bị trả lại", "already returned"
	}
	return phusong.Errorf(phusong.ErrConflict, "submission_already_decided",
		fmt.Sprintf("Lượt nộp số %d %s; quyết định lại sẽ ghi đè quyết định riêng của từng thôn. "+
			"Để chấp nhận hoặc trả lại từng thôn, hãy dùng quyết định theo điểm (POST /api/v1/points/decision).", id, vi),
		fmt.Sprintf("Submission %d is %s; deciding it again would override the decisions on its single villages. "+
			"To accept or return single villages, use the point decision (POST /api/v1/points/decision).", id, en))
}

// decidedMeanwhile refuses a decision made on a status the submission no
// longer has: another reviewer decided it in between.
func decidedMeanwhile(id int64, from string, now Submission) error {
	return phusong.Errorf(phusong.ErrConflict, "submission_changed",
		fmt.Sprintf("Lượt nộp số %d vừa được quyết định (nay là %s, không còn %s). Hãy tải lại trang để xem, rồi quyết định lại nếu cần.",
			id, pointStatusVI(now.Status), pointStatusVI(from)),
		fmt.Sprintf("Submission %d was decided meanwhile (now %s, no longer %s). Reload to see it, then decide again if needed.",
			id, now.Status, from))
}

// empty refuses deciding a submission that owns no point: a decision
// would report success and change nothing, and the province would read
// "accepted" on a file whose villages still wait under a later submission.
func empty(id int64, by *int64) error {
	if by != nil {
		return phusong.Errorf(phusong.ErrConflict, "submission_empty",
			fmt.Sprintf("Lượt nộp số %d không còn thôn nào để thẩm định: các thôn của nó đã được tỉnh gửi lại trong lượt nộp số %d. "+
				"Hãy thẩm định lượt nộp số %d.", id, *by, *by),
			fmt.Sprintf("Submission %d has no villages left to decide: the province sent them again in submission %d. "+
				"Decide submission %d instead.", id, *by, *by))
	}
	return phusong.Errorf(phusong.ErrConflict, "submission_empty",
		fmt.Sprintf("Lượt nộp số %d không có thôn nào để thẩm định (không lưu được thôn nào, hoặc các thôn đã được gửi lại trong các lượt nộp sau). "+
			"Hãy thẩm định lượt nộp mới hơn của tỉnh.", id),
		fmt.Sprintf("Submission %d has no villages to decide (none was stored, or they were sent again in later submissions). "+
			"Decide the province's later submission instead.", id))
}

// replay returns the submission a user stored under an idempotency key,
// marked Replayed, when fingerprint matches what the key was first sent
// with (or the key predates fingerprints); an *InputError
// (idempotency_key_reused) when it does not; ErrNotFound for an unused key.
func (s *Store) replay(ctx context.Context, userID int64, key, fingerprint string) (Submission, error) {
	sub, err := scanSubmission(s.pool.QueryRow(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE submitted_by = $1 AND idempotency_key = $2`, userID, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return Submission{}, phusong.ErrNotFound
	}
	if err != nil {
		return Submission{}, fmt.Errorf("survey: idempotency key: %w", err)
	}
	// A replay answers like the first response: with the problems.
	var probs []byte
	var stored string
	if err := s.pool.QueryRow(ctx, `SELECT problems, coalesce(idempotency_fingerprint, '') FROM submissions WHERE id = $1`, sub.ID).Scan(&probs, &stored); err != nil {
		return Submission{}, fmt.Errorf("survey: idempotency key: %w", err)
	}
	if stored != "" && stored != fingerprint {
		return Submission{}, phusong.Invalid("idempotency_key_reused",
			"Khóa Idempotency-Key này đã được dùng cho một tệp (hoặc tham số) khác, nên không lưu gì. Hãy gửi lại với một Idempotency-Key mới.",
			"This Idempotency-Key was used for a different file (or parameters), so nothing was stored. Send it again with a new Idempotency-Key.",
			phusong.Problem{Column: "Idempotency-Key", Code: "idempotency_key_reused", Value: clipKey(key),
				VI: fmt.Sprintf("Khóa này đã dùng cho lượt nộp số %d với tệp khác; mỗi tệp mới cần một khóa mới.", sub.ID),
				EN: fmt.Sprintf("The key was used for submission %d with another file; each new file needs a new key.", sub.ID)})
	}
	if err := json.Unmarshal(probs, &sub.Problems); err != nil {
		return Submission{}, fmt.Errorf("survey: submission %d problems: %w", sub.ID, err)
	}
	sub.Replayed = true
	return sub, nil
}

// clipKey shortens a client's key quoted back in a problem.
func clipKey(k string) string {
	if len(k) > 64 {
		return strings.ToValidUTF8(k[:64], "") + "…"
	}
	return k
}

// scope returns the condition limiting rows to what the actor may read
// (province officers: their province; reviewers and admins: all;
// operators: nothing unpublished), with its argument appended to args.
func scope(a phusong.Actor, column string, args []any) (string, []any) {
	switch {
	case a.National():
		return "true", args
	case a.Role == phusong.RoleProvince && a.ProvinceCode != "":
		args = append(args, a.ProvinceCode)
		return fmt.Sprintf("%s = $%d", column, len(args)), args
	}
	return "false", args
}

// Submission returns one submission with its problems. Returns ErrNotFound
// when it does not exist or the actor may not see it (the two are not told apart).
func (s *Store) Submission(ctx context.Context, id int64) (Submission, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Submission{}, err
	}
	cond, args := scope(a, "province_code", []any{id})
	var probs []byte
	var sub Submission
	err = s.pool.QueryRow(ctx, `SELECT `+submissionColumns+`, problems FROM submissions WHERE id = $1 AND `+cond, args...).Scan(
		&sub.ID, &sub.ProvinceCode, &sub.Submitter, &sub.Status, &sub.Mode, &sub.Filename, &sub.Format, &sub.Encoding, &sub.Rows,
		&sub.InvalidRows, &sub.Inserted, &sub.Updated, &sub.ErrorCount, &sub.WarningCount, &sub.ReviewComment, &sub.DecidedAt,
		&sub.CreatedAt, &sub.IdempotencyKey, &sub.PointsNow, &sub.SupersededBy, &probs)
	if errors.Is(err, pgx.ErrNoRows) {
		return Submission{}, notFound(id)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("survey: submission %d: %w", id, err)
	}
	if err := json.Unmarshal(probs, &sub.Problems); err != nil {
		return Submission{}, fmt.Errorf("survey: submission %d problems: %w", id, err)
	}
	return sub, nil
}

// SubmissionStatuses are the statuses a submission can have, in the order
// of the workflow's outcomes.
var SubmissionStatuses = []string{StatusRejected, StatusSubmitted, StatusAccepted, StatusReturned, StatusSuperseded}

// DefaultSubmissionPage and MaxSubmissionPage bound a page of Submissions.
const (
	DefaultSubmissionPage = 100
	MaxSubmissionPage     = 500
)

// SubmissionFilter selects submissions; zero fields do not filter.
type SubmissionFilter struct {
	ProvinceCode string
	Status       string
	BeforeID     int64
	Limit        int
}

// Submissions lists the submissions the actor may see, newest first.
func (s *Store) Submissions(ctx context.Context, f SubmissionFilter) ([]Submission, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := scope(a, "province_code", nil)
	where := []string{cond}
	if f.ProvinceCode != "" {
		args = append(args, f.ProvinceCode)
		where = append(where, fmt.Sprintf("province_code = $%d", len(args)))
	}
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	if f.Limit <= 0 || f.Limit > MaxSubmissionPage {
		f.Limit = DefaultSubmissionPage
	}
	args = append(args, f.Limit)
	rows, err := s.pool.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("survey: submissions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Submission, error) { return scanSubmission(r) })
	if err != nil {
		return nil, fmt.Errorf("survey: submissions: %w", err)
	}
	return out, nil
}

// Decision is a reviewer's verdict on a submission.
type Decision struct {
	Status  string `json:"status"` // accepted | returned
	Comment string `json:"comment"`
	// From, when set, is the status the reviewer saw: the decision applies
	// only if the submission still has it, so that of two reviewers
	// deciding at once the second is told instead of silently overriding
	// the first (the web page always sends it; scripts may leave it out).
	From string `json:"from,omitempty"`
}

func (d *Decision) validate() error {
	d.Comment = strings.TrimSpace(d.Comment)
	switch {
	case d.Status != StatusAccepted && d.Status != StatusReturned:
		return phusong.Invalid("invalid_decision", "Quyết định chưa hợp lệ.", "Invalid decision.",
			phusong.Problem{Column: "status", Code: "decision_status_invalid", Value: d.Status,
				VI: "status phải là accepted (chấp nhận) hoặc returned (trả lại).", EN: "status must be accepted or returned."})
	case d.From != "" && d.From != StatusSubmitted && d.From != StatusAccepted && d.From != StatusReturned:
		return phusong.Invalid("invalid_decision", "Quyết định chưa hợp lệ.", "Invalid decision.",
			phusong.Problem{Column: "from", Code: "decision_from_invalid", Value: d.From,
				VI: "from (trạng thái đang thấy) phải là submitted, accepted hoặc returned, hoặc bỏ trống.",
				EN: "from (the status seen) must be submitted, accepted or returned, or left out."})
	case d.Status == StatusReturned && d.Comment == "":
		return phusong.Invalid("invalid_decision", "Quyết định chưa hợp lệ.", "Invalid decision.",
			phusong.Problem{Column: "comment", Code: "comment_required",
				VI: "Khi trả lại, hãy ghi rõ tỉnh cần sửa gì.", EN: "When returning, say what the province must fix."})
	}
	return nil
}

// Decide accepts or returns a stored submission and every point it
// carries. Only reviewers and admins decide; a returned submission needs a
// comment telling the province what to fix. A decision equal to the
// submission's status is refused (ErrConflict, submission_already_decided):
// single points are decided with DecidePoints. A change (accepted →
// returned, returned → accepted) applies to every point of the submission,
// overriding their own decisions. A submission that owns no point
// (superseded, or emptied some other way) is refused (ErrConflict,
// submission_empty). Audited.
func (s *Store) Decide(ctx context.Context, id int64, d Decision) (Submission, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Submission{}, err
	}
	if !a.National() {
		return Submission{}, phusong.Errorf(phusong.ErrForbidden, "reviewers_only",
			"Chỉ cán bộ thẩm định mới được duyệt hoặc trả lại lượt nộp.", "Only reviewers may accept or return a submission.")
	}
	if err := d.validate(); err != nil {
		return Submission{}, err
	}
	var out Submission
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		before, err := scanSubmission(tx.QueryRow(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		if before.Status == StatusRejected {
			return phusong.Errorf(phusong.ErrConflict, "submission_rejected",
				"Lượt nộp này bị từ chối khi kiểm tra dữ liệu, không có điểm nào để duyệt.",
				"This submission failed validation; it has no points to review.")
		}
		// Asked of survey_points, not of points_now: the points are what
		// the decision changes. Submit locks this row before taking points
		// from it, so none move away between here and the update below.
		var owns bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_points WHERE submission_id = $1)`, id).Scan(&owns); err != nil {
			return fmt.Errorf("points: %w", err)
		}
		if !owns || before.Status == StatusSuperseded {
			return empty(id, before.SupersededBy)
		}
		if d.From != "" && before.Status != d.From {
			return decidedMeanwhile(id, d.From, before)
		}
		if before.Status == d.Status {
			// Deciding again would overwrite every point, undoing the
			// reviewers' decisions on single points since (their comments
			// and dates) and auditing a change that is none.
			return alreadyDecided(id, d.Status)
		}
		out, err = scanSubmission(tx.QueryRow(ctx, `UPDATE submissions SET status = $2, review_comment = $3, decided_by = $4, decided_at = now()
			WHERE id = $1 RETURNING `+submissionColumns, id, d.Status, d.Comment, nullID(a.UserID)))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE survey_points SET status = $2, review_comment = $3, updated_at = now() WHERE submission_id = $1`,
			id, d.Status, d.Comment); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "submission." + map[string]string{StatusAccepted: "accept", StatusReturned: "return"}[d.Status],
			ObjectType: "submission", ObjectID: strconv.FormatInt(id, 10), ProvinceCode: out.ProvinceCode,
			Before: map[string]any{"status": before.Status}, After: map[string]any{"status": out.Status, "comment": d.Comment}})
	})
	if err != nil {
		var ke *phusong.KindError
		if errors.As(err, &ke) {
			return Submission{}, err
		}
		return Submission{}, fmt.Errorf("survey: decide submission %d: %w", id, err)
	}
	return out, nil
}
