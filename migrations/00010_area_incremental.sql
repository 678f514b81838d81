-- owner: geo/area
-- Incremental regrouping (geo/area doc.go, "Regrouping after a change"): a
-- recomputation after an accept rebuilds only the groups the changed points
-- touch, from what the last computation stored, instead of reading all of a
-- province's accepted points again (~4 µs a row, scattered over the table).
--
-- area_clusters: every group of the last computation (single linkage within
-- eps, before bounding), keyed by its smallest survey point id, with the
-- inputs its areas were built from (each point as geo/area read it, packed,
-- with the area it went to), its lõm sóng places (the existing network, for
-- the backhaul of nearby sites), its extent and its sites in metres.
-- area_provinces: the configuration each province's stored areas were
-- computed with; another one (or none) means a full recomputation.
-- area_changes: the journal of survey points changed since: triggers on
-- survey_points (owner geo/survey) note every point that is or was accepted
-- when a statement changes it, whatever path changed it (a decision, a
-- resubmission, plain SQL), since geo/survey cannot know about areas; point
-- 0 means "too many to list". The insert trigger is a row trigger with a
-- WHEN clause, so the national first load (only 'submitted' rows) queues
-- nothing and runs as fast as before; updates and deletes are noted once per
-- statement from its transition tables.
-- +goose Up
CREATE TABLE area_provinces (
    province_code text PRIMARY KEY REFERENCES provinces (code),
    config        text NOT NULL, -- geo/area fingerprint of the configuration and the packing
    computed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE area_clusters (
    province_code text NOT NULL REFERENCES provinces (code),
    key           bigint NOT NULL, -- its smallest survey point id
    points        integer NOT NULL,
    min_x         double precision NOT NULL, -- extent in the province's projection, metres
    min_y         double precision NOT NULL,
    max_x         double precision NOT NULL,
    max_y         double precision NOT NULL,
    area_ids      bigint[] NOT NULL,
    sites         double precision[] NOT NULL, -- x, y, 1 (microwave) or 0 (satellite) of each site
    data          bytea NOT NULL,              -- the points, packed by geo/area
    network       bytea NOT NULL,              -- its lõm sóng points: x, y in metres
    digest        bytea NOT NULL,              -- SHA-256 of the above: an unchanged group is not rewritten
    PRIMARY KEY (province_code, key)
);
-- Uncompressed: pglz costs more than the bytes it saves on packed floats.
ALTER TABLE area_clusters ALTER COLUMN data SET STORAGE EXTERNAL, ALTER COLUMN network SET STORAGE EXTERNAL;

-- SHA-256 of what an area's last version holds (figures, polygon, summary,
-- sites), so that a recomputation tells a no-op from a change without
-- reading and comparing them; NULL for versions written before.
ALTER TABLE areas ADD COLUMN digest bytea;

CREATE TABLE area_changes (
    province_code text NOT NULL,
    point_id      bigint NOT NULL
);
CREATE INDEX area_changes_province_idx ON area_changes (province_code);

-- +goose StatementBegin
CREATE FUNCTION area_note_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO area_changes (province_code, point_id) VALUES (NEW.province_code, NEW.id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Every point that is accepted before or after the statement is noted (a
-- superset of the changes: comparing the old and new rows column by column
-- cost 0.8 s per 267,000 rows updated, this 0.13 s). A statement noting
-- more than 1,000 points of a province notes point 0 instead: the next
-- recomputation of that province is a full one, cheaper than reading such
-- a journal.
CREATE FUNCTION area_note_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH c AS (
        SELECT province_code, id FROM area_new WHERE status = 'accepted'
        UNION ALL
        SELECT province_code, id FROM area_old WHERE status = 'accepted'
    ), many AS (
        SELECT province_code FROM c GROUP BY province_code HAVING count(*) > 1000
    )
    INSERT INTO area_changes (province_code, point_id)
    SELECT province_code, id FROM c WHERE province_code NOT IN (SELECT province_code FROM many)
    UNION ALL
    SELECT province_code, 0 FROM many;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION area_note_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO area_changes (province_code, point_id)
    SELECT province_code, id FROM area_old WHERE status = 'accepted';
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- After a TRUNCATE nothing of the journal is left to trust: every province
-- is recomputed in full next time.
CREATE FUNCTION area_note_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM area_provinces;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER area_note_insert AFTER INSERT ON survey_points
    FOR EACH ROW WHEN (NEW.status = 'accepted') EXECUTE FUNCTION area_note_insert();
CREATE TRIGGER area_note_update AFTER UPDATE ON survey_points
    REFERENCING OLD TABLE AS area_old NEW TABLE AS area_new
    FOR EACH STATEMENT EXECUTE FUNCTION area_note_update();
CREATE TRIGGER area_note_delete AFTER DELETE ON survey_points
    REFERENCING OLD TABLE AS area_old
    FOR EACH STATEMENT EXECUTE FUNCTION area_note_delete();
CREATE TRIGGER area_note_truncate AFTER TRUNCATE ON survey_points
    FOR EACH STATEMENT EXECUTE FUNCTION area_note_truncate();

-- +goose Down
DROP TRIGGER area_note_truncate ON survey_points;
DROP TRIGGER area_note_delete ON survey_points;
DROP TRIGGER area_note_update ON survey_points;
DROP TRIGGER area_note_insert ON survey_points;
DROP FUNCTION area_note_truncate;
DROP FUNCTION area_note_delete;
DROP FUNCTION area_note_update;
DROP FUNCTION area_note_insert;
DROP TABLE area_changes;
ALTER TABLE areas DROP COLUMN digest;
DROP TABLE area_clusters;
DROP TABLE area_provinces;
