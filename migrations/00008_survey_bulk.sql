-- owner: geo/survey
-- A national first load (phusong import --province all) of an empty
-- survey_points: inside one transaction holding ACCESS EXCLUSIVE on the
-- table, survey_points_bulk_begin() drops its foreign keys and secondary
-- indexes, the rows are copied in, and survey_points_bulk_end() builds them
-- again, once, instead of maintaining them row by row (bench/README.md:
-- about 17 µs a row kept up one at a time). A rollback restores them: DDL is
-- transactional. The definitions below must stay those of 00006_survey.sql.
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION survey_points_bulk_begin() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE survey_points
        DROP CONSTRAINT survey_points_province_code_fkey,
        DROP CONSTRAINT survey_points_commune_code_fkey,
        DROP CONSTRAINT survey_points_submission_id_fkey,
        DROP CONSTRAINT survey_points_ref;
    DROP INDEX survey_points_geom_gix;
    DROP INDEX survey_points_submission_idx;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION survey_points_bulk_end() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE survey_points
        ADD CONSTRAINT survey_points_ref UNIQUE (province_code, ref_id),
        ADD CONSTRAINT survey_points_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces (code),
        ADD CONSTRAINT survey_points_commune_code_fkey FOREIGN KEY (commune_code) REFERENCES communes (code),
        ADD CONSTRAINT survey_points_submission_id_fkey FOREIGN KEY (submission_id) REFERENCES submissions (id);
    CREATE INDEX survey_points_geom_gix ON survey_points USING gist (geom);
    CREATE INDEX survey_points_submission_idx ON survey_points (submission_id);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION survey_points_bulk_end;
DROP FUNCTION survey_points_bulk_begin;
