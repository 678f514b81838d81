-- owner: migrations
-- PostGIS must exist before any table uses geometry. IF NOT EXISTS lets a
-- non-superuser application role run this where an administrator (or the
-- project's local cluster starter, or the postgis Docker image) created it.
-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

-- +goose Down
SELECT 1;
