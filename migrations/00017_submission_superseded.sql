-- owner: geo/survey
-- A later submission that sends the same ref_ids takes their points over
-- (survey_points.submission_id moves to it). A submission still waiting for
-- review that is left owning no point becomes 'superseded': it leaves the
-- review queue and cannot be decided (there is nothing to decide; its
-- villages are reviewed under the later one). geo/survey Submit does it in
-- the transaction that takes the points.
--
-- superseded_by: the later submission that took the last of its points; set
-- on accepted and returned submissions emptied the same way too (their
-- status is a decision already made and stays).
-- points_now: the points a submission owns now, kept by Submit and
-- BulkLoad; inserted and updated keep what the upload did. The lists need
-- it for every row, and counting survey_points per listed submission would
-- read the whole table for a page of a national load.
-- +goose Up
ALTER TABLE submissions
    DROP CONSTRAINT submissions_status_check,
    ADD CONSTRAINT submissions_status_check
        CHECK (status IN ('rejected', 'submitted', 'accepted', 'returned', 'superseded')),
    ADD COLUMN superseded_by bigint REFERENCES submissions (id),
    ADD COLUMN points_now integer NOT NULL DEFAULT 0;

UPDATE submissions s SET points_now = c.n
FROM (SELECT submission_id, count(*) AS n FROM survey_points GROUP BY submission_id) c
WHERE c.submission_id = s.id;

-- Submissions the earlier code left in the queue after every point they
-- stored was sent again: superseded now, audited. Which later submission
-- took their points is not recorded anywhere, so superseded_by stays NULL.
WITH gone AS (
    UPDATE submissions SET status = 'superseded'
    WHERE status = 'submitted' AND points_now = 0 AND inserted + updated > 0
    RETURNING id, province_code)
SELECT audit_write(NULL, 'system', 'admin', 'submission.supersede', 'submission', id::text, province_code,
                   '{"status": "submitted"}', '{"status": "superseded", "by": "migration 00017"}', '', '')
FROM gone;

-- +goose Down
WITH back AS (
    UPDATE submissions SET status = 'submitted' WHERE status = 'superseded' RETURNING id, province_code)
SELECT audit_write(NULL, 'system', 'admin', 'submission.unsupersede', 'submission', id::text, province_code,
                   '{"status": "superseded"}', '{"status": "submitted", "by": "migration 00017 down"}', '', '')
FROM back;
ALTER TABLE submissions
    DROP COLUMN points_now,
    DROP COLUMN superseded_by,
    DROP CONSTRAINT submissions_status_check,
    ADD CONSTRAINT submissions_status_check CHECK (status IN ('rejected', 'submitted', 'accepted', 'returned'));
