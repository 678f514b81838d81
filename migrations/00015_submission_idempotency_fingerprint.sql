-- owner: geo/survey
-- What an Idempotency-Key was first sent with: a SHA-256 of the file and the
-- parameters that change its outcome (geo/survey Submit). A repeat with the
-- same key replays the first answer only when this matches; a different
-- file under a used key is refused. NULL for submissions from before: their
-- repeats replay as they did.
-- +goose Up
ALTER TABLE submissions ADD COLUMN idempotency_fingerprint text;

-- +goose Down
ALTER TABLE submissions DROP COLUMN idempotency_fingerprint;
