-- owner: geo/tile
-- Data versions of the map layers, per province: the ETag of a tile and the
-- key of its cached bytes are derived from them (geo/tile). A version moves
-- in the same transaction as the change it stands for, through the audit
-- trail: every change of survey points (submission.create, .reject,
-- .accept, .return; point.accept, .return) and every regrouping of a
-- province (areas.recompute_province) writes its audit row in its own
-- transaction (STYLE.md), so one trigger on audit_log covers every write
-- path, the national first load included, without touching the 1M-row
-- COPY (a statement trigger with a transition table there cost 0.5 s per
-- million rows). A new action that changes what a layer shows must be
-- added to the WHEN clause below; geo/tile's tests fail otherwise.
--
-- Versions come from one sequence started at the migration's time in
-- milliseconds, so they only grow, across provinces and layers too (the
-- version of a national tile is the largest of its provinces'), and a
-- database rebuilt from scratch does not hand out ETags a browser has
-- already cached. pg_notify tells running servers at commit.
-- +goose Up
CREATE SEQUENCE tile_version_seq;
SELECT setval('tile_version_seq', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);

CREATE TABLE tile_versions (
    province_code text NOT NULL REFERENCES provinces (code),
    layer         text NOT NULL CHECK (layer IN ('points', 'areas')), -- areas: areas and their sites
    version       bigint NOT NULL DEFAULT nextval('tile_version_seq'),
    PRIMARY KEY (province_code, layer)
);
INSERT INTO tile_versions (province_code, layer)
SELECT p.code, l.layer FROM provinces p CROSS JOIN (VALUES ('points'), ('areas')) AS l (layer) ORDER BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION tile_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l text := CASE WHEN NEW.action LIKE 'areas.%' THEN 'areas' ELSE 'points' END;
BEGIN
    -- No province: a change of every province's layer.
    UPDATE tile_versions SET version = nextval('tile_version_seq')
    WHERE layer = l AND (NEW.province_code IS NULL OR province_code = NEW.province_code);
    PERFORM pg_notify('tile_versions', l || ':' || coalesce(NEW.province_code, '*'));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_tile_versions AFTER INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.action LIKE 'submission.%' OR NEW.action LIKE 'point.%' OR NEW.action = 'areas.recompute_province')
    EXECUTE FUNCTION tile_versions_bump();

-- +goose Down
DROP TRIGGER audit_log_tile_versions ON audit_log;
DROP FUNCTION tile_versions_bump;
DROP TABLE tile_versions;
DROP SEQUENCE tile_version_seq;
