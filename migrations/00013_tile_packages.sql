-- owner: geo/tile
-- The packages map layer gets its own data version per province, moved by
-- every package.* audit row (create, update, area_add, area_drop, refresh,
-- publish, withdraw: all written in the transaction of their change, see
-- bids), like points and areas in 00011.
-- +goose Up
ALTER TABLE tile_versions DROP CONSTRAINT tile_versions_layer_check;
ALTER TABLE tile_versions ADD CONSTRAINT tile_versions_layer_check CHECK (layer IN ('points', 'areas', 'packages'));
INSERT INTO tile_versions (province_code, layer) SELECT code, 'packages' FROM provinces ORDER BY code;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tile_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l text := CASE WHEN NEW.action LIKE 'areas.%' THEN 'areas'
                   WHEN NEW.action LIKE 'package.%' THEN 'packages'
                   ELSE 'points' END;
BEGIN
    UPDATE tile_versions SET version = nextval('tile_version_seq')
    WHERE layer = l AND (NEW.province_code IS NULL OR province_code = NEW.province_code);
    PERFORM pg_notify('tile_versions', l || ':' || coalesce(NEW.province_code, '*'));
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP TRIGGER audit_log_tile_versions ON audit_log;
CREATE TRIGGER audit_log_tile_versions AFTER INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.action LIKE 'submission.%' OR NEW.action LIKE 'point.%' OR NEW.action = 'areas.recompute_province'
          OR NEW.action LIKE 'package.%')
    EXECUTE FUNCTION tile_versions_bump();

-- +goose Down
DROP TRIGGER audit_log_tile_versions ON audit_log;
CREATE TRIGGER audit_log_tile_versions AFTER INSERT ON audit_log FOR EACH ROW
    WHEN (NEW.action LIKE 'submission.%' OR NEW.action LIKE 'point.%' OR NEW.action = 'areas.recompute_province')
    EXECUTE FUNCTION tile_versions_bump();
DELETE FROM tile_versions WHERE layer = 'packages';
ALTER TABLE tile_versions DROP CONSTRAINT tile_versions_layer_check;
ALTER TABLE tile_versions ADD CONSTRAINT tile_versions_layer_check CHECK (layer IN ('points', 'areas'));
