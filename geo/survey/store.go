package survey

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phusong/phusong"
)

// Store reads and writes survey points and submissions.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Submission statuses.
const (
	StatusRejected  = "rejected"  // validation failed; no point was stored
	StatusSubmitted = "submitted" // stored, waiting for review
	StatusAccepted  = "accepted"
	StatusReturned  = "returned" // sent back to the province with a comment
	// StatusSuperseded: was waiting for review when a later submission of
	// the same ref_ids took over every point it had; its villages are
	// reviewed under that one (SupersededBy), so it cannot be decided.
	StatusSuperseded = "superseded"
)

// Modes of a submission.
const (
	ModeAll       = "all"        // store every row or none (default)
	ModeValidOnly = "valid_only" // store the valid rows, report the others
)

// MaxStoredProblems caps the problems kept with a submission; the counts
// stay exact.
const MaxStoredProblems = 100_000

// NewSubmission describes an upload before its rows are read.
type NewSubmission struct {
	ProvinceCode   string
	Filename       string
	Mode           string // ModeAll or ModeValidOnly
	IdempotencyKey string // a resubmission with the same key returns the first result
	// Fingerprint identifies what was sent with IdempotencyKey (the API
	// hashes the file and the parameters that change the outcome): a
	// repeat of the key with another fingerprint is refused.
	Fingerprint string
}

// Result is what the reader found in the file.
type Result struct {
	Format, Encoding string
	Rows             int // data rows read
	InvalidRows      int // rows with at least one error
	Errors           []phusong.Problem
	Warnings         []phusong.Problem
	ErrorCount       int // all errors, including those beyond the cap of Errors
	WarningCount     int
}

// Submission is a stored submission.
type Submission struct {
	ID           int64  `json:"id"`
	ProvinceCode string `json:"province_code"`
	Submitter    string `json:"submitted_by"`
	Status       string `json:"status"`
	Mode         string `json:"mode"`
	Filename     string `json:"filename"`
	Format       string `json:"format"`
	Encoding     string `json:"encoding,omitempty"`
	Rows         int    `json:"rows"`
	InvalidRows  int    `json:"invalid_rows"`
	Inserted     int    `json:"inserted"`
	Updated      int    `json:"updated"`
	// PointsNow counts the points the submission owns now: Inserted +
	// Updated when stored, fewer once a later submission takes over some
	// of its ref_ids. A decision applies to these.
	PointsNow int `json:"points_now"`
	// SupersededBy is the later submission that took over the last of its
	// points, when it owns none any more (whatever its status).
	SupersededBy   *int64            `json:"superseded_by,omitempty"`
	ErrorCount     int               `json:"error_count"`
	WarningCount   int               `json:"warning_count"`
	ReviewComment  string            `json:"review_comment,omitempty"`
	DecidedAt      *time.Time        `json:"decided_at,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	Replayed       bool              `json:"replayed,omitempty"` // returned again for a repeated Idempotency-Key
	Problems       []phusong.Problem `json:"-"`
	IdempotencyKey string            `json:"-"`
}

func forbiddenProvince(code string) error {
	return phusong.Errorf(phusong.ErrForbidden, "other_province",
		fmt.Sprintf("Tài khoản của bạn không được nộp hoặc xem dữ liệu của tỉnh %s.", code),
		fmt.Sprintf("Your account may not submit or read data of province %s.", code))
}

// ErrInvalid is wrapped by Submit's reader callback errors that mean "the
// rows are invalid", as opposed to an unreadable file or a fault.
var ErrInvalid = errors.New("survey: invalid rows")

var stagingColumns = []string{
	"province_code", "commune_code", "village_name", "village_key", "ref_id", "lon", "lat", "source_crs",
	"households", "population", "grid_power", "road_access", "terrain", "dbkk",
	"signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile",
	"rsrp_viettel", "rsrp_vinaphone", "rsrp_mobifone", "rsrp_vietnamobile",
	"facilities", "surveyed_on", "surveyed_by", "notes", "category", "source_row",
}

const createStaging = `
CREATE TEMP TABLE staging_points (
    province_code text, commune_code text, village_name text, village_key text, ref_id text,
    lon float8, lat float8, source_crs text, households int, population int,
    grid_power text, road_access text, terrain text, dbkk boolean,
    signal_viettel text, signal_vinaphone text, signal_mobifone text, signal_vietnamobile text,
    rsrp_viettel smallint, rsrp_vinaphone smallint, rsrp_mobifone smallint, rsrp_vietnamobile smallint,
    facilities text[], surveyed_on date, surveyed_by text, notes text, category text, source_row int
) ON COMMIT DROP`

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int32(n)
}

func (p *Point) row() []any {
	var dbkk any
	switch p.DBKK {
	case "yes":
		dbkk = true
	case "no":
		dbkk = false
	}
	fac := p.Facilities
	if fac == nil {
		fac = []string{}
	}
	return []any{
		p.ProvinceCode, p.CommuneCode, p.VillageName, Fold(p.VillageName), nullText(p.RefID), p.Location[0], p.Location[1], p.SourceCRS,
		int32(p.Households), nullInt(p.Population), p.GridPower, nullText(p.RoadAccess), nullText(p.Terrain), dbkk,
		nullText(p.Signal[Viettel]), nullText(p.Signal[VinaPhone]), nullText(p.Signal[MobiFone]), nullText(p.Signal[Vietnamobile]),
		nullInt(p.RSRP[Viettel]), nullInt(p.RSRP[VinaPhone]), nullInt(p.RSRP[MobiFone]), nullInt(p.RSRP[Vietnamobile]),
		fac, p.SurveyedOn, p.SurveyedBy, p.Notes, p.Category, int32(p.Row),
	}
}

// Submit stores a submission in one transaction. read must call emit for
// every valid point, in file order, and return what it found; emit fails
// when the point belongs to a province the actor may not submit for.
// With ModeAll, any error (from the file or from the checks against stored
// points) rolls back every point; the submission is then kept with status
// "rejected" and its problems. A repeated IdempotencyKey of the same user
// returns the first submission without reading anything when Fingerprint
// matches what the key was first sent with, and an *InputError
// (idempotency_key_reused) when it does not. Audited.
//
// Submissions of one province are stored one at a time (a transaction
// advisory lock), those of different provinces at once. The first of a
// province is copied straight into survey_points (storeDirect); later ones
// go through a staging table checked against the stored points
// (storeStaged). Either way, what bounds the speed is PostgreSQL keeping
// the 5 indexes and 3 foreign keys of survey_points row by row (about
// 15 µs a row on the development machine; bench/README.md).
func (s *Store) Submit(ctx context.Context, n NewSubmission, read func(emit func(Point) error) (Result, error)) (Submission, error) {
	a, err := phusong.RequireActor(ctx)
	if err != nil {
		return Submission{}, err
	}
	if !a.CanSeeProvince(n.ProvinceCode) || a.Role == phusong.RoleOperator {
		return Submission{}, forbiddenProvince(n.ProvinceCode)
	}
	if n.Mode == "" {
		n.Mode = ModeAll
	}
	if n.IdempotencyKey != "" {
		if prev, err := s.replay(ctx, a.UserID, n.IdempotencyKey, n.Fingerprint); err == nil {
			return prev, nil
		} else if !errors.Is(err, phusong.ErrNotFound) {
			return Submission{}, err
		}
	}
	sub := Submission{ProvinceCode: n.ProvinceCode, Submitter: a.Username, Mode: n.Mode, Filename: n.Filename, IdempotencyKey: n.IdempotencyKey}
	var res copyResult
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The queries here are planned for thousands of rows, above
		// jit_above_cost: compiling them cost 25–35 ms each on a
		// 10,000-row file and saved nothing.
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return fmt.Errorf("jit: %w", err)
		}
		// One submission per province at a time: the checks against the
		// stored points see every point committed before, so two files
		// sent at once cannot each store the same village. (The lock and
		// the look at survey_points are two statements: a statement's
		// snapshot is taken before it waits for the lock.)
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, submitLockClass, n.ProvinceCode); err != nil {
			return fmt.Errorf("lock province: %w", err)
		}
		var stored bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_points WHERE province_code = $1)`,
			n.ProvinceCode).Scan(&stored); err != nil {
			return fmt.Errorf("stored points: %w", err)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO submissions (province_code, submitted_by, submitter_name, status, mode, filename, idempotency_key, idempotency_fingerprint)
			VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7) RETURNING id, created_at`,
			n.ProvinceCode, nullID(a.UserID), a.Username, n.Mode, n.Filename, nullText(n.IdempotencyKey), nullText(n.Fingerprint)).Scan(&sub.ID, &sub.CreatedAt); err != nil {
			return fmt.Errorf("insert submission: %w", err)
		}
		var err error
		if stored {
			res, err = s.storeStaged(ctx, tx, n, &sub, read)
		} else {
			res, err = s.storeDirect(ctx, tx, n, &sub, read)
		}
		if err != nil {
			return err
		}
		sub.Status = StatusSubmitted
		sub.PointsNow = sub.Inserted + sub.Updated
		fill(&sub, res.Result)
		if err := s.saveOutcome(ctx, tx, &sub); err != nil {
			return err
		}
		after := summary(sub)
		if len(res.taken) > 0 {
			// Where the updated points came from: the other side of
			// takeOver's changes to those submissions.
			from := make(map[string]int, len(res.taken))
			for _, t := range res.taken {
				from[strconv.FormatInt(t.id, 10)] = t.n
			}
			after["taken_from"] = from
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "submission.create", ObjectType: "submission", ObjectID: strconv.FormatInt(sub.ID, 10),
			ProvinceCode: sub.ProvinceCode, After: after})
	})
	if errors.Is(err, errRejected) {
		return s.reject(ctx, sub, n.Fingerprint, res.Result)
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.ConstraintName == "submissions_idempotency" {
			// A concurrent request with the same key won the race: return its
			// result, or refuse if it carried another file.
			prev, perr := s.replay(ctx, a.UserID, n.IdempotencyKey, n.Fingerprint)
			if perr == nil || !errors.Is(perr, phusong.ErrNotFound) {
				return prev, perr
			}
		}
		var ke *phusong.KindError
		var ie *phusong.InputError
		if errors.As(err, &ke) || errors.As(err, &ie) {
			return Submission{}, err
		}
		return Submission{}, fmt.Errorf("survey: submit to %s: %w", n.ProvinceCode, err)
	}
	return sub, nil
}

var errRejected = errors.New("survey: submission rejected")

// storeDirect stores a submission of a province with no stored point yet:
// no row can update or duplicate a stored point, so the points go straight
// into survey_points with COPY, without a staging table and its checks. It
// returns errRejected when the file has errors and the mode is ModeAll.
func (s *Store) storeDirect(ctx context.Context, tx pgx.Tx, n NewSubmission, sub *Submission, read func(emit func(Point) error) (Result, error)) (copyResult, error) {
	res, err := s.copyPoints(ctx, tx, n.ProvinceCode, directTarget(sub.ID), read)
	if err != nil {
		return res, err
	}
	if res.ErrorCount > 0 && n.Mode == ModeAll {
		return res, errRejected
	}
	sub.Inserted = res.copied
	return res, nil
}

// storeStaged stores a submission through a staging table, checked against
// the province's stored points first (checkStored): a known ref_id updates
// its point, a duplicate village is refused. It returns errRejected when
// the file or those checks found errors and the mode is ModeAll.
func (s *Store) storeStaged(ctx context.Context, tx pgx.Tx, n NewSubmission, sub *Submission, read func(emit func(Point) error) (Result, error)) (copyResult, error) {
	if _, err := tx.Exec(ctx, createStaging); err != nil {
		return copyResult{}, fmt.Errorf("staging: %w", err)
	}
	res, err := s.copyPoints(ctx, tx, n.ProvinceCode, stagingTarget, read)
	if err != nil {
		return res, err
	}
	if res.ErrorCount > 0 && n.Mode == ModeAll {
		return res, errRejected
	}
	c, err := checkStored(ctx, tx, n.ProvinceCode, MaxStoredProblems-len(res.Errors)-len(res.Warnings))
	if err != nil {
		return res, err
	}
	res.Errors = append(res.Errors, c.dups...)
	res.ErrorCount += c.nDups
	res.InvalidRows += c.nDups
	res.Warnings = append(res.Warnings, c.updates...)
	res.WarningCount += c.nUpdates
	if c.nDups > 0 {
		if n.Mode == ModeAll {
			return res, errRejected
		}
		if _, err := tx.Exec(ctx, `DELETE FROM staging_points s USING survey_points p
			WHERE p.province_code = $1 AND p.village_key = s.village_key
			  AND ST_DWithin(p.geom, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), 0.002)
			  AND ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, 100)
			  AND (s.ref_id IS NULL OR p.ref_id IS DISTINCT FROM s.ref_id)`, n.ProvinceCode); err != nil {
			return res, fmt.Errorf("drop duplicates: %w", err)
		}
	}
	// Count the updates among the rows left: a row that would have updated
	// its ref_id but also duplicates another stored village was dropped.
	updates := c.nUpdates
	if c.nDups > 0 {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM staging_points s JOIN survey_points p
			ON p.province_code = $1 AND p.ref_id = s.ref_id`, n.ProvinceCode).Scan(&updates); err != nil {
			return res, fmt.Errorf("count updates: %w", err)
		}
	}
	taken, err := lockTaken(ctx, tx, n.ProvinceCode)
	if err != nil {
		return res, err
	}
	total, err := insertPoints(ctx, tx, sub.ID)
	if err != nil {
		return res, err
	}
	sub.Updated = updates
	sub.Inserted = int(total) - sub.Updated
	res.taken = taken
	return res, s.takeOver(ctx, tx, sub.ID, taken)
}

// takenFrom is how many points a submission loses to a new one that sends
// their ref_ids again.
type takenFrom struct {
	id int64
	n  int
}

// lockTaken returns, in id order, the submissions whose points the staged
// rows take over (same ref_id), with how many each loses, and locks their
// rows. Decide locks a submission before its points too, so a decision
// running at the same time waits for this one and then sees what it left
// (rather than reporting a decision on points that moved away, or the two
// deadlocking on each other's rows).
func lockTaken(ctx context.Context, tx pgx.Tx, province string) ([]takenFrom, error) {
	rows, err := tx.Query(ctx, `
		SELECT o.id, t.n FROM submissions o
		JOIN (SELECT p.submission_id, count(*)::int AS n
		      FROM staging_points s JOIN survey_points p ON p.province_code = $1 AND p.ref_id = s.ref_id
		      GROUP BY p.submission_id) t ON t.submission_id = o.id
		ORDER BY o.id FOR UPDATE OF o`, province)
	if err != nil {
		return nil, fmt.Errorf("lock resubmitted: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (takenFrom, error) {
		var t takenFrom
		return t, r.Scan(&t.id, &t.n)
	})
	if err != nil {
		return nil, fmt.Errorf("lock resubmitted: %w", err)
	}
	return out, nil
}

// takeOver updates the submissions that lost points to submission id:
// their current count, and superseded_by when they own none any more. One
// that was waiting for review and is left with nothing becomes superseded
// (audited): it would otherwise stay in the queue with nothing to decide.
// An accepted or returned one keeps its status: that decision was made on
// the points as then sent and is part of the record (a returned file is
// meant to be sent again); its points are reviewed again under id.
func (s *Store) takeOver(ctx context.Context, tx pgx.Tx, id int64, taken []takenFrom) error {
	if len(taken) == 0 {
		return nil
	}
	ids, ns := make([]int64, len(taken)), make([]int32, len(taken))
	for i, t := range taken {
		ids[i], ns[i] = t.id, int32(t.n)
	}
	// Whether one is left empty is asked of survey_points itself (one
	// index probe each), not of the counter.
	rows, err := tx.Query(ctx, `
		UPDATE submissions o SET points_now = CASE WHEN t.empty THEN 0 ELSE greatest(o.points_now - t.n, 0) END,
		    superseded_by = CASE WHEN t.empty THEN $3 ELSE o.superseded_by END,
		    status = CASE WHEN t.empty AND o.status = 'submitted' THEN 'superseded' ELSE o.status END
		FROM (SELECT u.id, u.n, NOT EXISTS (SELECT 1 FROM survey_points p WHERE p.submission_id = u.id) AS empty
		      FROM unnest($1::bigint[], $2::int[]) AS u(id, n)) t
		WHERE o.id = t.id
		RETURNING o.id, o.province_code, o.status, o.points_now`, ids, ns, id)
	if err != nil {
		return fmt.Errorf("take over points: %w", err)
	}
	type left struct {
		id               int64
		province, status string
		points           int
	}
	after, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (left, error) {
		var l left
		return l, r.Scan(&l.id, &l.province, &l.status, &l.points)
	})
	if err != nil {
		return fmt.Errorf("take over points: %w", err)
	}
	for _, l := range after {
		if l.status != StatusSuperseded {
			continue
		}
		// Only rows that were submitted reach superseded here: a
		// superseded one owns no point, so it is never taken from again.
		if err := audit(ctx, tx, phusong.AuditEntry{Action: "submission.supersede", ObjectType: "submission",
			ObjectID: strconv.FormatInt(l.id, 10), ProvinceCode: l.province,
			Before: map[string]any{"status": StatusSubmitted},
			After:  map[string]any{"status": StatusSuperseded, "superseded_by": id}}); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// submitLockClass is the first key of the transaction-level advisory lock
// Submit takes per province (the second is hashtext(province_code)): "SuPt".
const submitLockClass = 0x53755074

// copyTarget is where copyPoints sends the points: the table, its columns and
// one point as a row of them.
type copyTarget struct {
	table   string
	columns []string
	row     func(p *Point) []any
}

var stagingTarget = copyTarget{"staging_points", stagingColumns, (*Point).row}

// directColumns are the columns of survey_points a submission fills; the
// others take their defaults (status submitted, no comment, now()).
var directColumns = []string{
	"province_code", "commune_code", "village_name", "village_key", "ref_id", "geom", "source_crs",
	"households", "population", "grid_power", "road_access", "terrain", "dbkk",
	"signal_viettel", "signal_vinaphone", "signal_mobifone", "signal_vietnamobile",
	"rsrp_viettel", "rsrp_vinaphone", "rsrp_mobifone", "rsrp_vietnamobile",
	"facilities", "surveyed_on", "surveyed_by", "notes", "category", "submission_id", "source_row",
}

// directTarget copies into survey_points itself, for submission id.
func directTarget(id int64) copyTarget {
	return copyTarget{"survey_points", directColumns, func(p *Point) []any {
		r := p.row() // the staging row: … ref_id, lon, lat, source_crs, … category, source_row
		r[5] = ewkbPoint(p.Location[0], p.Location[1])
		r = slices.Delete(r, 6, 7)
		return slices.Insert(r, len(r)-1, any(id))
	}}
}

// ewkbPoint encodes a point in EPSG:4326 as little-endian EWKB with its
// SRID. COPY's binary format hands it to PostGIS's geometry_recv as it is:
// pgx sends a []byte for a type it does not know (geometry) unchanged.
func ewkbPoint(lon, lat float64) []byte {
	b := make([]byte, 25)
	b[0] = 1                                         // little-endian
	binary.LittleEndian.PutUint32(b[1:], 0x20000001) // a point, with an SRID
	binary.LittleEndian.PutUint32(b[5:], 4326)
	binary.LittleEndian.PutUint64(b[9:], math.Float64bits(lon))
	binary.LittleEndian.PutUint64(b[17:], math.Float64bits(lat))
	return b
}

// copyPoints streams what read emits into the target with COPY, refusing a
// point of another province than the submission's (or one the actor may
// not submit for).
func (s *Store) copyPoints(ctx context.Context, tx pgx.Tx, province string, target copyTarget, read func(emit func(Point) error) (Result, error)) (copyResult, error) {
	a, _ := phusong.RequireActor(ctx)
	return copyRows(ctx, tx, target.table, target.columns, func(p *Point) ([]any, error) {
		if p.ProvinceCode != province || !a.CanSeeProvince(p.ProvinceCode) {
			return nil, forbiddenProvince(p.ProvinceCode)
		}
		return target.row(p), nil
	}, read)
}

// copyRows runs read on its own goroutine and streams the rows rowOf makes
// of what it emits into table with COPY, so a file of any length goes
// through in flat memory. An error of rowOf stops the read. The rows copied
// are in the result's copied.
func copyRows(ctx context.Context, tx pgx.Tx, table string, columns []string, rowOf func(p *Point) ([]any, error), read func(emit func(Point) error) (Result, error)) (copyResult, error) {
	rows := make(chan []any, 1024)
	stop := make(chan struct{})
	var res Result
	var readErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(rows)
		res, readErr = read(func(p Point) error {
			r, err := rowOf(&p)
			if err != nil {
				return err
			}
			select {
			case rows <- r:
				return nil
			case <-stop:
				return errCopyStopped
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n, copyErr := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
		r, ok := <-rows
		if !ok {
			return nil, nil
		}
		return r, nil
	}))
	close(stop)
	<-done
	out := copyResult{Result: res, copied: int(n)}
	switch {
	case readErr != nil && !errors.Is(readErr, errCopyStopped):
		return out, readErr
	case copyErr != nil:
		return out, fmt.Errorf("copy points: %w", copyErr)
	}
	return out, nil
}

// copyResult is what the reader found and how many rows COPY stored.
type copyResult struct {
	Result
	copied int
	taken  []takenFrom // submissions that lost points to this one (storeStaged)
}

var errCopyStopped = errors.New("survey: copy stopped")

// StoredCheckSeverity names the problems checkStored raises, by severity:
// the file check never finds them, so a caller that printed the file's
// report shows these from Submission.Problems.
var StoredCheckSeverity = map[string]string{"duplicates_stored_point": "error", "updates_stored_point": "warning"}

// storedCheck is what checkStored found: every duplicate and update
// counted, the first ones (within the budget) as problems.
type storedCheck struct {
	dups, updates   []phusong.Problem
	nDups, nUpdates int
}

// checkStored compares the staged points with the stored ones: the same
// ref_id is an update (a warning per row); the same village name within
// 100 m of a stored point under another ref_id is refused (an error per
// row), never stored as a silent second copy. It counts them all but keeps
// at most budget problems, duplicates first: a resubmitted file of a
// million rows must not hold a million messages in memory (a submission
// keeps MaxStoredProblems anyway).
//
// Every staged point is of province (copyPoints refuses the others); the
// queries name it as a constant so that they read only that province's
// points (measured on a million stored points, a 10,000-row file: 250 ms
// joining the whole table, 50 ms the province's points). Without statistics
// on the staging table the planner probed the province index once per
// staged row (10 s): ANALYZE them, on the join columns only.
func checkStored(ctx context.Context, tx pgx.Tx, province string, budget int) (storedCheck, error) {
	var c storedCheck
	if _, err := tx.Exec(ctx, `ANALYZE staging_points (ref_id, village_key)`); err != nil {
		return c, fmt.Errorf("analyze staging: %w", err)
	}
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT ON (s.source_row) s.source_row, s.village_name, p.id, coalesce(p.ref_id, ''),
		       round(ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography))::int
		FROM staging_points s JOIN survey_points p
		  ON p.province_code = $1 AND p.village_key = s.village_key
		 AND ST_DWithin(p.geom, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), 0.002)
		 AND ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, 100)
		WHERE s.ref_id IS NULL OR p.ref_id IS DISTINCT FROM s.ref_id
		ORDER BY s.source_row, p.id`, province)
	if err != nil {
		return c, fmt.Errorf("check duplicates: %w", err)
	}
	for rows.Next() {
		var row, dist int
		var name, pref string
		var id int64
		if err := rows.Scan(&row, &name, &id, &pref, &dist); err != nil {
			rows.Close()
			return c, err
		}
		if c.nDups++; c.nDups > budget {
			continue
		}
		hintVI, hintEN := "", ""
		if pref != "" {
			hintVI = fmt.Sprintf(" Nếu đây là cùng một thôn, ghi mã điểm %q để cập nhật điểm đã có.", pref)
			hintEN = fmt.Sprintf(" If it is the same village, give it ref_id %q to update the stored point.", pref)
		}
		c.dups = append(c.dups, phusong.Problem{Row: row, Column: "village_name", Code: "duplicates_stored_point", Value: name,
			VI: fmt.Sprintf("Thôn %q đã có trong hệ thống, cách %d m (điểm số %d).%s", name, dist, id, hintVI),
			EN: fmt.Sprintf("Village %q is already stored %d m away (point %d).%s", name, dist, id, hintEN)})
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("check duplicates: %w", err)
	}
	budget -= len(c.dups)
	rows, err = tx.Query(ctx, `
		SELECT s.source_row, s.ref_id, p.id, coalesce(p.ref_id, ''), p.status
		FROM staging_points s JOIN survey_points p ON p.province_code = $1 AND p.ref_id = s.ref_id
		ORDER BY s.source_row`, province)
	if err != nil {
		return c, fmt.Errorf("check updates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row int
		var ref, pref, status string
		var id int64
		if err := rows.Scan(&row, &ref, &id, &pref, &status); err != nil {
			return c, err
		}
		if c.nUpdates++; c.nUpdates > budget {
			continue
		}
		c.updates = append(c.updates, phusong.Problem{Row: row, Column: "ref_id", Code: "updates_stored_point", Value: ref,
			VI: fmt.Sprintf("Mã điểm %q đã có (điểm số %d, trạng thái %s): dòng này cập nhật điểm đó và điểm sẽ được thẩm định lại.", ref, id, pointStatusVI(status)),
			EN: fmt.Sprintf("ref_id %q is already stored (point %d, %s): this row updates it, and the point goes back to review.", ref, id, status)})
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("check updates: %w", err)
	}
	return c, nil
}

// pointStatusVI is a point status in Vietnamese words, as the web client
// shows it (web/src/core.js status), for messages a person reads; an
// unknown status is given as it is.
func pointStatusVI(status string) string {
	if vi, ok := map[string]string{StatusSubmitted: "chờ thẩm định", StatusAccepted: "đã chấp nhận", StatusReturned: "bị trả lại"}[status]; ok {
		return vi
	}
	return status
}

// insertPoints moves the staged points into survey_points: new ref_ids and
// rows without ref_id are inserted, known ref_ids update the stored point
// (which goes back to review).
func insertPoints(ctx context.Context, tx pgx.Tx, submissionID int64) (int64, error) {
	tag, err := tx.Exec(ctx, `
		INSERT INTO survey_points (province_code, commune_code, village_name, village_key, ref_id, geom, source_crs,
		    households, population, grid_power, road_access, terrain, dbkk,
		    signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile,
		    rsrp_viettel, rsrp_vinaphone, rsrp_mobifone, rsrp_vietnamobile,
		    facilities, surveyed_on, surveyed_by, notes, category, submission_id, source_row)
		SELECT province_code, commune_code, village_name, village_key, ref_id, ST_SetSRID(ST_MakePoint(lon, lat), 4326), source_crs,
		    households, population, grid_power, road_access, terrain, dbkk,
		    signal_viettel, signal_vinaphone, signal_mobifone, signal_vietnamobile,
		    rsrp_viettel, rsrp_vinaphone, rsrp_mobifone, rsrp_vietnamobile,
		    facilities, surveyed_on, surveyed_by, notes, category, $1, source_row
		FROM staging_points
		ON CONFLICT (province_code, ref_id) DO UPDATE SET
		    commune_code = EXCLUDED.commune_code, village_name = EXCLUDED.village_name, village_key = EXCLUDED.village_key,
		    geom = EXCLUDED.geom, source_crs = EXCLUDED.source_crs, households = EXCLUDED.households,
		    population = EXCLUDED.population, grid_power = EXCLUDED.grid_power, road_access = EXCLUDED.road_access,
		    terrain = EXCLUDED.terrain, dbkk = EXCLUDED.dbkk,
		    signal_viettel = EXCLUDED.signal_viettel, signal_vinaphone = EXCLUDED.signal_vinaphone,
		    signal_mobifone = EXCLUDED.signal_mobifone, signal_vietnamobile = EXCLUDED.signal_vietnamobile,
		    rsrp_viettel = EXCLUDED.rsrp_viettel, rsrp_vinaphone = EXCLUDED.rsrp_vinaphone,
		    rsrp_mobifone = EXCLUDED.rsrp_mobifone, rsrp_vietnamobile = EXCLUDED.rsrp_vietnamobile,
		    facilities = EXCLUDED.facilities, surveyed_on = EXCLUDED.surveyed_on, surveyed_by = EXCLUDED.surveyed_by,
		    notes = EXCLUDED.notes, category = EXCLUDED.category, submission_id = EXCLUDED.submission_id,
		    source_row = EXCLUDED.source_row, status = 'submitted', review_comment = '', updated_at = now()`, submissionID)
	if err != nil {
		return 0, fmt.Errorf("insert points: %w", err)
	}
	return tag.RowsAffected(), nil
}

func fill(sub *Submission, res Result) {
	sub.Format, sub.Encoding = res.Format, res.Encoding
	sub.Rows, sub.InvalidRows = res.Rows, res.InvalidRows
	sub.ErrorCount, sub.WarningCount = res.ErrorCount, res.WarningCount
	sub.Problems = append(append([]phusong.Problem{}, res.Errors...), res.Warnings...)
	if len(sub.Problems) > MaxStoredProblems {
		sub.Problems = sub.Problems[:MaxStoredProblems]
	}
}

func (s *Store) saveOutcome(ctx context.Context, tx pgx.Tx, sub *Submission) error {
	probs, err := json.Marshal(sub.Problems)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE submissions SET status = $2, format = $3, encoding = $4, rows_total = $5, rows_invalid = $6,
		inserted = $7, updated = $8, error_count = $9, warning_count = $10, problems = $11, points_now = $12 WHERE id = $1`,
		sub.ID, sub.Status, sub.Format, sub.Encoding, sub.Rows, sub.InvalidRows, sub.Inserted, sub.Updated,
		sub.ErrorCount, sub.WarningCount, probs, sub.PointsNow)
	if err != nil {
		return fmt.Errorf("save submission: %w", err)
	}
	return nil
}

// reject records a submission whose points were all rolled back: its row,
// counts and problems only. Audited.
func (s *Store) reject(ctx context.Context, sub Submission, fingerprint string, res Result) (Submission, error) {
	a, _ := phusong.RequireActor(ctx)
	sub.Status = StatusRejected
	sub.Inserted, sub.Updated = 0, 0
	fill(&sub, res)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO submissions (province_code, submitted_by, submitter_name, status, mode, filename, idempotency_key, idempotency_fingerprint)
			VALUES ($1, $2, $3, 'rejected', $4, $5, $6, $7) RETURNING id, created_at`,
			sub.ProvinceCode, nullID(a.UserID), a.Username, sub.Mode, sub.Filename, nullText(sub.IdempotencyKey), nullText(fingerprint)).Scan(&sub.ID, &sub.CreatedAt); err != nil {
			return fmt.Errorf("insert submission: %w", err)
		}
		if err := s.saveOutcome(ctx, tx, &sub); err != nil {
			return err
		}
		return audit(ctx, tx, phusong.AuditEntry{Action: "submission.reject", ObjectType: "submission", ObjectID: strconv.FormatInt(sub.ID, 10),
			ProvinceCode: sub.ProvinceCode, After: summary(sub)})
	})
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.ConstraintName == "submissions_idempotency" {
			// The same upload, retried at the same moment, was recorded first
			// (or another file under the same key: refused).
			if prev, perr := s.replay(ctx, a.UserID, sub.IdempotencyKey, fingerprint); perr == nil || !errors.Is(perr, phusong.ErrNotFound) {
				return prev, perr
			}
		}
		return Submission{}, fmt.Errorf("survey: record rejected submission: %w", err)
	}
	return sub, nil
}

func summary(s Submission) map[string]any {
	return map[string]any{"status": s.Status, "filename": s.Filename, "format": s.Format, "rows": s.Rows,
		"inserted": s.Inserted, "updated": s.Updated, "errors": s.ErrorCount, "warnings": s.WarningCount, "mode": s.Mode}
}

func audit(ctx context.Context, tx pgx.Tx, e phusong.AuditEntry) error {
	if _, err := tx.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}
