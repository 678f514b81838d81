-- owner: geo/admin
-- Administrative units after the 2025 reform (34 provinces, 3,321 communes),
-- and the pre-2025 units with the new units they went to. Codes are official
-- GSO/NSO statistical codes: strings with leading zeros. Names are NFC.
-- The rows are loaded by the Go migration 00003 from the data embedded in geo/admin.
-- +goose Up
CREATE TABLE provinces (
    code      text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    name      text NOT NULL,
    full_name text NOT NULL,
    name_en   text NOT NULL,
    boundary  geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX provinces_boundary_gix ON provinces USING gist (boundary);

CREATE TABLE communes (
    code          text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
    province_code text NOT NULL REFERENCES provinces (code),
    name          text NOT NULL,
    full_name     text NOT NULL,
    name_en       text NOT NULL,
    kind          text NOT NULL,               -- Phường | Xã | Đặc khu
    point         geometry(Point, 4326) NOT NULL, -- an interior point
    boundary      geometry(MultiPolygon, 4326)    -- simplified (~11 m)
);
CREATE INDEX communes_province_idx ON communes (province_code);
CREATE INDEX communes_boundary_gix ON communes USING gist (boundary);

-- The 63 provinces before 1 July 2025 and the 2025 province each went into.
CREATE TABLE old_provinces (
    code      text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
    full_name text NOT NULL,
    new_code  text NOT NULL REFERENCES provinces (code)
);

-- Pre-2025 communes and the 2025 communes they went to; more than one new
-- code means the old commune was split and an old code alone is ambiguous.
CREATE TABLE old_communes (
    code              text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
    full_name         text NOT NULL,
    old_province_code text NOT NULL,
    new_codes         text[] NOT NULL CHECK (cardinality(new_codes) >= 1)
);

-- +goose Down
DROP TABLE old_communes;
DROP TABLE old_provinces;
DROP TABLE communes;
DROP TABLE provinces;
