-- owner: api/auth
-- +goose Up
-- Failed logins are counted per submitted username in the server
-- (api/auth/limiter.go), known or not, so that a lockout says nothing
-- about which accounts exist; these per-account columns are no longer
-- read or written.
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- +goose Down
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz;
