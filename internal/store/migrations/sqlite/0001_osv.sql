-- The offline OSV database (package vuln/db).

-- One row per OSV record, as imported. json is the record as published
-- (YAML records re-encoded as JSON); content_hash is the SHA-256 of that
-- JSON without insignificant whitespace, used to compare records whose
-- modified time is zero. match_json is the same record without what
-- matching and reports never read (details, per-ecosystem symbol lists),
-- so that lookups decode a fraction of it; it comes before json so that
-- reading it never walks json's overflow pages. withdrawn is set for
-- withdrawn records, which stay stored but are never matched.
CREATE TABLE osv_records (
    id             TEXT PRIMARY KEY,
    ecosystem_base TEXT NOT NULL,
    modified       TIMESTAMP NOT NULL,
    withdrawn      TIMESTAMP,
    imported_at    TIMESTAMP NOT NULL,
    source         TEXT NOT NULL,
    content_hash   BLOB NOT NULL,
    match_json     BLOB NOT NULL,
    json           BLOB NOT NULL
);
CREATE INDEX osv_records_ecosystem ON osv_records (ecosystem_base);

-- The packages a record affects. ecosystem is as written (Debian:12);
-- ecosystem_base drops the suffix (Debian); name is normalised where the
-- ecosystem compares names case-insensitively (PyPI, NuGet, Packagist).
CREATE TABLE osv_affected (
    record_id      TEXT NOT NULL REFERENCES osv_records (id) ON DELETE CASCADE,
    ecosystem      TEXT NOT NULL,
    ecosystem_base TEXT NOT NULL,
    name           TEXT NOT NULL,
    PRIMARY KEY (record_id, ecosystem, name)
) WITHOUT ROWID;
CREATE INDEX osv_affected_package ON osv_affected (ecosystem_base, name, record_id);

-- Where records came from: one row per dump URL or imported path, with
-- the validators the server sent so an update can skip an unchanged dump.
CREATE TABLE osv_sources (
    name          TEXT PRIMARY KEY,
    location      TEXT NOT NULL,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    crc32c        TEXT NOT NULL DEFAULT '',
    imported_at   TIMESTAMP NOT NULL,
    checked_at    TIMESTAMP NOT NULL,
    records       INTEGER NOT NULL DEFAULT 0
);
