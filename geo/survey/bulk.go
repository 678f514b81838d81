package survey

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/phusong/phusong"
)

// ErrNotEmpty is returned by BulkLoad when survey_points already holds points.
var ErrNotEmpty = phusong.Errorf(phusong.ErrConflict, "bulk_needs_empty_table",
	"Cơ sở dữ liệu đã có điểm khảo sát: nạp toàn quốc (--province all) chỉ dùng cho lần nạp đầu tiên, vào cơ sở dữ liệu chưa có điểm nào. Hãy nhập tệp theo từng tỉnh (--province NN, cập nhật các điểm đã có), hoặc nạp vào một cơ sở dữ liệu mới.",
	"The database already holds survey points: the national load (--province all) is only for the first load, into a database with none. Import the file province by province (--province NN, which updates the points already there), or load it into a new database.")

// BulkResult is what a national bulk load stored: one submission per
// province present in the file.
type BulkResult struct {
	Result
	Submissions []Submission
	Rejected    bool // the file had errors: nothing was stored
}

// BulkLoad stores a national file, of every province, into an empty
// survey_points in one transaction (admins only): stored whole or not at
// all, one submission per province. It holds ACCESS EXCLUSIVE on
// survey_points for its duration and builds the table's indexes and
// foreign keys once at the end (migrations/00008_survey_bulk.sql), which
// is what makes a million rows fast. With stored points it refuses
// (ErrNotEmpty): then there are updates and duplicates to check, which
// Submit does province by province. Audited, one row per submission.
func (s *Store) BulkLoad(ctx context.Context, filename string, read func(emit func(Point) error) (Result, error)) (BulkResult, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return BulkResult{}, err
	}
	if a.Role != phusong.RoleAdmin {
		return BulkResult{}, phusong.Errorf(phusong.ErrForbidden, "admins_only",
			"Chỉ quản trị viên mới được nạp dữ liệu toàn quốc.", "Only administrators may load national files.")
	}
	var out BulkResult
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{`SET LOCAL jit = off`, `SET LOCAL maintenance_work_mem = '512MB'`,
			`LOCK TABLE survey_points IN ACCESS EXCLUSIVE MODE`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		var stored bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_points)`).Scan(&stored); err != nil {
			return err
		}
		if stored {
			return ErrNotEmpty
		}
		// One submission per province, made before the rows stream in (a
		// connection cannot run other statements during COPY); those left
		// empty are deleted at the end.
		rows, err := tx.Query(ctx, `INSERT INTO submissions (province_code, submitted_by, submitter_name, status, mode, filename)
			SELECT code, $1, $2, 'submitted', 'all', $3 FROM provinces ORDER BY code RETURNING id, province_code`,
			nullID(a.UserID), a.Username, filename)
		if err != nil {
			return fmt.Errorf("submissions: %w", err)
		}
		ids := map[string]int64{}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				return err
			}
			ids[code] = id
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT survey_points_bulk_begin()`); err != nil {
			return fmt.Errorf("bulk begin: %w", err)
		}
		targets := make(map[string]copyTarget, len(ids))
		for code, id := range ids {
			targets[code] = directTarget(id)
		}
		res, err := copyRows(ctx, tx, "survey_points", directColumns, func(p *Point) ([]any, error) {
			t, ok := targets[p.ProvinceCode]
			if !ok {
				return nil, forbiddenProvince(p.ProvinceCode)
			}
			return t.row(p), nil
		}, read)
		out.Result = res.Result
		if err != nil {
			return err
		}
		if res.ErrorCount > 0 {
			return errRejected
		}
		if _, err := tx.Exec(ctx, `SELECT survey_points_bulk_end()`); err != nil {
			return fmt.Errorf("bulk end: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE submissions s SET rows_total = c.n, inserted = c.n, points_now = c.n, format = $2, encoding = $3
			FROM (SELECT submission_id, count(*)::int AS n FROM survey_points GROUP BY submission_id) c
			WHERE s.id = c.submission_id AND s.id = ANY($1)`, mapValues(ids), res.Format, res.Encoding); err != nil {
			return fmt.Errorf("counts: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM submissions WHERE id = ANY($1) AND inserted = 0`, mapValues(ids)); err != nil {
			return fmt.Errorf("empty submissions: %w", err)
		}
		subs, err := tx.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = ANY($1) ORDER BY province_code`, mapValues(ids))
		if err != nil {
			return err
		}
		out.Submissions, err = pgx.CollectRows(subs, func(r pgx.CollectableRow) (Submission, error) { return scanSubmission(r) })
		if err != nil {
			return err
		}
		for _, sub := range out.Submissions {
			if err := audit(ctx, tx, phusong.AuditEntry{Action: "submission.create", ObjectType: "submission",
				ObjectID: strconv.FormatInt(sub.ID, 10), ProvinceCode: sub.ProvinceCode,
				After: map[string]any{"filename": filename, "inserted": sub.Inserted, "bulk": true}}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errRejected) {
		out.Rejected = true
		return out, nil
	}
	if err != nil {
		var ke *phusong.KindError
		if errors.As(err, &ke) {
			return out, err
		}
		return out, fmt.Errorf("survey: bulk load: %w", err)
	}
	return out, nil
}

func mapValues(m map[string]int64) []int64 {
	out := make([]int64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
