-- owner: geo/survey
-- Survey submissions and the points they carry. A submission is stored
-- whole or not at all: a rejected one keeps only its row and its problems
-- (so the officer can download them), never some of its points.
-- province_code is on every large table: it is the key the data will be
-- distributed along.
-- +goose Up
CREATE TABLE submissions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code   text NOT NULL REFERENCES provinces (code),
    submitted_by    bigint REFERENCES users (id),
    submitter_name  text NOT NULL,
    status          text NOT NULL CHECK (status IN ('rejected', 'submitted', 'accepted', 'returned')),
    mode            text NOT NULL DEFAULT 'all' CHECK (mode IN ('all', 'valid_only')),
    filename        text NOT NULL DEFAULT '',
    format          text NOT NULL DEFAULT '',
    encoding        text NOT NULL DEFAULT '',
    rows_total      integer NOT NULL DEFAULT 0,
    rows_invalid    integer NOT NULL DEFAULT 0,
    inserted        integer NOT NULL DEFAULT 0,
    updated         integer NOT NULL DEFAULT 0,
    error_count     integer NOT NULL DEFAULT 0,
    warning_count   integer NOT NULL DEFAULT 0,
    problems        jsonb NOT NULL DEFAULT '[]', -- errors then warnings, capped
    idempotency_key text,
    review_comment  text NOT NULL DEFAULT '',
    decided_by      bigint REFERENCES users (id),
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT submissions_idempotency UNIQUE (submitted_by, idempotency_key)
);
CREATE INDEX submissions_province_idx ON submissions (province_code, id DESC);
CREATE INDEX submissions_status_idx ON submissions (status) WHERE status = 'submitted';

CREATE TABLE survey_points (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code       text NOT NULL REFERENCES provinces (code),
    commune_code        text NOT NULL REFERENCES communes (code),
    village_name        text NOT NULL,
    village_key         text NOT NULL, -- folded name (no case, no diacritics) for duplicate checks
    ref_id              text,
    geom                geometry(Point, 4326) NOT NULL,
    source_crs          text NOT NULL DEFAULT 'EPSG:4326',
    households          integer NOT NULL CHECK (households >= 1),
    population          integer CHECK (population IS NULL OR population >= households),
    grid_power          text NOT NULL CHECK (grid_power IN ('yes', 'no', 'partial')),
    road_access         text CHECK (road_access IN ('all_year', 'seasonal', 'none')),
    terrain             text CHECK (terrain IN ('flat', 'hilly', 'mountainous')),
    dbkk                boolean,
    signal_viettel      text CHECK (signal_viettel IN ('none', '2g', '3g', '4g', '5g')),
    signal_vinaphone    text CHECK (signal_vinaphone IN ('none', '2g', '3g', '4g', '5g')),
    signal_mobifone     text CHECK (signal_mobifone IN ('none', '2g', '3g', '4g', '5g')),
    signal_vietnamobile text CHECK (signal_vietnamobile IN ('none', '2g', '3g', '4g', '5g')),
    rsrp_viettel        smallint CHECK (rsrp_viettel BETWEEN -140 AND -44),
    rsrp_vinaphone      smallint CHECK (rsrp_vinaphone BETWEEN -140 AND -44),
    rsrp_mobifone       smallint CHECK (rsrp_mobifone BETWEEN -140 AND -44),
    rsrp_vietnamobile   smallint CHECK (rsrp_vietnamobile BETWEEN -140 AND -44),
    facilities          text[] NOT NULL DEFAULT '{}',
    surveyed_on         date NOT NULL,
    surveyed_by         text NOT NULL DEFAULT '',
    notes               text NOT NULL DEFAULT '',
    category            text NOT NULL CHECK (category IN ('trang_song', 'lom_song')),
    status              text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'returned')),
    review_comment      text NOT NULL DEFAULT '',
    submission_id       bigint NOT NULL REFERENCES submissions (id),
    source_row          integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT survey_points_ref UNIQUE (province_code, ref_id)
);
CREATE INDEX survey_points_geom_gix ON survey_points USING gist (geom);
-- No separate (province_code, …) index: survey_points_ref leads with
-- province_code and serves "this province's points"; a second one cost
-- 0.7 s per million rows loaded and ~1.5 µs per row kept up (bench/README.md).
CREATE INDEX survey_points_submission_idx ON survey_points (submission_id);

-- +goose Down
DROP TABLE survey_points;
DROP TABLE submissions;
