-- owner: geo/area
-- Dead-zone areas: groups of accepted survey points, their proposed sites,
-- cost and priority. An area keeps its id across recomputations (see
-- geo/area: grown areas keep it, merged ones keep the oldest, a split keeps
-- it on the largest part); every change is a new row of area_versions,
-- which never changes afterwards — a bid package refers to one.
-- +goose Up
CREATE TABLE areas (
    id            bigint PRIMARY KEY,
    province_code text NOT NULL REFERENCES provinces (code),
    version       integer NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'merged', 'removed')),
    merged_into   bigint REFERENCES areas (id),
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    points        integer NOT NULL,
    villages      integer NOT NULL,
    households    integer NOT NULL,
    population    integer NOT NULL,
    trang_song    integer NOT NULL,
    lom_song      integer NOT NULL,
    sites         integer NOT NULL,
    cost_vnd      bigint NOT NULL,
    score         double precision NOT NULL,
    summary       jsonb NOT NULL, -- communes, grid power mix, facilities, score terms
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE areas_id_seq OWNED BY areas.id;
CREATE INDEX areas_province_idx ON areas (province_code, status);
CREATE INDEX areas_geom_gix ON areas USING gist (geom);

CREATE TABLE area_versions (
    area_id       bigint NOT NULL REFERENCES areas (id),
    version       integer NOT NULL,
    province_code text NOT NULL,
    change        text NOT NULL, -- created | grown | shrunk | changed | merged | split | removed
    reason        text NOT NULL,
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    point_ids     bigint[] NOT NULL,
    sites         jsonb NOT NULL, -- [{lon, lat, households, point_ids, terrain, cost_vnd}]
    summary       jsonb NOT NULL,
    households    integer NOT NULL,
    cost_vnd      bigint NOT NULL,
    score         double precision NOT NULL,
    job_id        bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (area_id, version)
);

-- Which active area each accepted point belongs to now.
CREATE TABLE area_points (
    point_id      bigint PRIMARY KEY REFERENCES survey_points (id) ON DELETE CASCADE,
    area_id       bigint NOT NULL REFERENCES areas (id),
    province_code text NOT NULL
);
CREATE INDEX area_points_area_idx ON area_points (area_id);

CREATE TABLE area_sites (
    area_id       bigint NOT NULL REFERENCES areas (id),
    n             integer NOT NULL,
    province_code text NOT NULL,
    geom          geometry(Point, 4326) NOT NULL,
    households    integer NOT NULL,
    points        integer NOT NULL,
    terrain       text NOT NULL,
    cost_vnd      bigint NOT NULL,
    PRIMARY KEY (area_id, n)
);
CREATE INDEX area_sites_geom_gix ON area_sites USING gist (geom);

-- Recomputation jobs: one province or all, with progress and result.
CREATE TABLE area_jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code text REFERENCES provinces (code), -- NULL: all provinces
    params        jsonb NOT NULL,
    status        text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    done          integer NOT NULL DEFAULT 0,
    total         integer NOT NULL DEFAULT 0,
    result        jsonb,
    error         text,
    requested_by  text NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

-- +goose Down
DROP TABLE area_jobs;
DROP TABLE area_sites;
DROP TABLE area_points;
DROP TABLE area_versions;
DROP TABLE areas;
