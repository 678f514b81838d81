-- owner: bids
-- Bid packages (gói thầu). A package's row is its working copy, which
-- reviewers edit; publishing freezes that copy as an immutable version
-- (package_versions) with its generated files (package_files), so what an
-- operator downloaded can always be downloaded again, byte for byte.
-- +goose Up
CREATE TABLE package_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    params      jsonb NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE packages (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_code     text NOT NULL REFERENCES provinces (code),
    name              text NOT NULL CHECK (name <> ''),
    status            text NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    rule_id           bigint REFERENCES package_rules (id),
    deadline          timestamptz,
    ceiling_vnd       bigint CHECK (ceiling_vnd IS NULL OR ceiling_vnd > 0),
    technology        text NOT NULL DEFAULT '4G',
    min_rsrp_dbm      double precision NOT NULL DEFAULT -110,
    coverage_deadline timestamptz,
    requirements      text NOT NULL DEFAULT '',
    criteria          jsonb NOT NULL DEFAULT '[]',
    published_version integer,               -- latest published version, NULL while never published
    changed           boolean NOT NULL DEFAULT true, -- the working copy differs from the latest version
    withdrawn_reason  text NOT NULL DEFAULT '',
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX packages_province_idx ON packages (province_code, status);

-- The areas of a package's working copy, each pinned to the area version it
-- was added at: what is published is that version, whatever happens to the
-- area afterwards. An area is in one working copy at most; withdrawing a
-- package empties its working copy (its versions keep their areas), which
-- frees the areas for other packages.
CREATE TABLE package_areas (
    package_id   bigint NOT NULL REFERENCES packages (id),
    area_id      bigint NOT NULL REFERENCES areas (id),
    area_version integer NOT NULL,
    position     integer NOT NULL,
    PRIMARY KEY (package_id, area_id),
    CONSTRAINT package_areas_one_package UNIQUE (area_id),
    FOREIGN KEY (area_id, area_version) REFERENCES area_versions (area_id, version)
);

CREATE TABLE package_versions (
    package_id      bigint NOT NULL REFERENCES packages (id),
    version         integer NOT NULL CHECK (version >= 1),
    province_code   text NOT NULL,
    name            text NOT NULL,
    snapshot        jsonb NOT NULL, -- the working copy as published: fields, areas with versions, totals
    change_note     text NOT NULL DEFAULT '',
    published_by    text NOT NULL,
    published_at    timestamptz NOT NULL,
    zip_name        text NOT NULL,
    zip_sha256      text NOT NULL,
    manifest_sha256 text NOT NULL,
    PRIMARY KEY (package_id, version)
);

CREATE TABLE package_version_areas (
    package_id   bigint NOT NULL,
    version      integer NOT NULL,
    area_id      bigint NOT NULL,
    area_version integer NOT NULL,
    position     integer NOT NULL,
    PRIMARY KEY (package_id, version, area_id),
    FOREIGN KEY (package_id, version) REFERENCES package_versions (package_id, version),
    FOREIGN KEY (area_id, area_version) REFERENCES area_versions (area_id, version)
);

-- The files of a published version, stored once. The ZIP is one of them.
CREATE TABLE package_files (
    package_id   bigint NOT NULL,
    version      integer NOT NULL,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    PRIMARY KEY (package_id, version, name),
    FOREIGN KEY (package_id, version) REFERENCES package_versions (package_id, version)
);
-- Files are large and written once: keep them out of line, uncompressed
-- (ZIP, XLSX and PDF are compressed already).
ALTER TABLE package_files ALTER COLUMN data SET STORAGE EXTERNAL;

-- Published versions and their files never change: refuse UPDATE and
-- DELETE like the audit trail does.
-- +goose StatementBegin
CREATE FUNCTION package_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'published package versions are immutable (%)', TG_TABLE_NAME USING ERRCODE = '42501';
END $$;
-- +goose StatementEnd
CREATE TRIGGER package_versions_immutable BEFORE UPDATE OR DELETE ON package_versions
    FOR EACH ROW EXECUTE FUNCTION package_immutable();
CREATE TRIGGER package_version_areas_immutable BEFORE UPDATE OR DELETE ON package_version_areas
    FOR EACH ROW EXECUTE FUNCTION package_immutable();
CREATE TRIGGER package_files_immutable BEFORE UPDATE OR DELETE ON package_files
    FOR EACH ROW EXECUTE FUNCTION package_immutable();

CREATE TABLE package_downloads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id  bigint NOT NULL,
    version     integer NOT NULL,
    name        text NOT NULL,
    username    text NOT NULL,
    role        text NOT NULL,
    operator    text,
    bytes       bigint NOT NULL,
    ranged      boolean NOT NULL DEFAULT false,
    at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (package_id, version) REFERENCES package_versions (package_id, version)
);
CREATE INDEX package_downloads_package_idx ON package_downloads (package_id, at DESC);

-- +goose Down
DROP TABLE package_downloads;
DROP TABLE package_files;
DROP TABLE package_version_areas;
DROP TABLE package_versions;
DROP FUNCTION package_immutable();
DROP TABLE package_areas;
DROP TABLE packages;
DROP TABLE package_rules;
