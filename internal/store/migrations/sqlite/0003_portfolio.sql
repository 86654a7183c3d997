-- The organisation's inventory (package portfolio): registered projects,
-- every scan of each with its components, licenses, decisions and
-- vulnerabilities, and an append-only log of who did what and why.

-- One row per registered project. source is the clone path, repository
-- URL or "upload"; latest_scan_id points at the newest scan (NULL before
-- the first). criticality is low, medium, high or critical; kind is own,
-- vendor, legacy or proprietary.
CREATE TABLE projects (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    owner          TEXT NOT NULL DEFAULT '',
    distribution   TEXT NOT NULL DEFAULT '',
    criticality    TEXT NOT NULL DEFAULT 'medium',
    kind           TEXT NOT NULL DEFAULT 'own',
    supplier       TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    latest_scan_id INTEGER
);

CREATE INDEX projects_latest_scan ON projects (latest_scan_id);

-- One row per scan of a project, with its counts, kept for history.
-- health is the repo-check score (0–10) when one was taken; risk is
-- ospo's project score and dt_risk Dependency-Track's, for comparison.
CREATE TABLE scans (
    id              INTEGER PRIMARY KEY,
    project_id      INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    scanned_at      TIMESTAMP NOT NULL,
    origin          TEXT NOT NULL,
    actor           TEXT NOT NULL DEFAULT '',
    tool            TEXT NOT NULL DEFAULT '',
    components      INTEGER NOT NULL DEFAULT 0,
    allowed         INTEGER NOT NULL DEFAULT 0,
    review          INTEGER NOT NULL DEFAULT 0,
    denied          INTEGER NOT NULL DEFAULT 0,
    no_license      INTEGER NOT NULL DEFAULT 0,
    vuln_critical   INTEGER NOT NULL DEFAULT 0,
    vuln_high       INTEGER NOT NULL DEFAULT 0,
    vuln_medium     INTEGER NOT NULL DEFAULT 0,
    vuln_low        INTEGER NOT NULL DEFAULT 0,
    vuln_unknown    INTEGER NOT NULL DEFAULT 0,
    health          REAL,
    risk            REAL NOT NULL DEFAULT 0,
    dt_risk         REAL NOT NULL DEFAULT 0,
    problems_json   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX scans_project ON scans (project_id, id);

-- Each distinct package version seen anywhere in the organisation.
-- purl_base is the package URL without version, qualifiers and subpath,
-- so a versionless package URL finds every version.
CREATE TABLE components (
    id        INTEGER PRIMARY KEY,
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    version   TEXT NOT NULL,
    purl      TEXT NOT NULL DEFAULT '',
    purl_base TEXT NOT NULL DEFAULT '',
    UNIQUE (ecosystem, name, version)
);
CREATE INDEX components_name ON components (name, version);
CREATE INDEX components_purl ON components (purl_base, purl);

-- A component as one scan found it: license and decision with reasons,
-- dependency paths (JSON array of arrays), risk with its parts (JSON).
-- newest_release is when the newest release known was published (NULL
-- when unknown): long ago means no maintainer activity since. vulns
-- counts the findings the policy does not ignore.
CREATE TABLE scan_components (
    scan_id         INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    component_id    INTEGER NOT NULL REFERENCES components (id),
    license         TEXT NOT NULL DEFAULT '',
    license_source  TEXT NOT NULL DEFAULT '',
    needs_review    INTEGER NOT NULL DEFAULT 0,
    license_reason  TEXT NOT NULL DEFAULT '',
    verdict         TEXT NOT NULL DEFAULT '',
    rule            TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    scope           TEXT NOT NULL DEFAULT '',
    direct          INTEGER NOT NULL DEFAULT 0,
    repository      TEXT NOT NULL DEFAULT '',
    paths_json      TEXT NOT NULL DEFAULT '[]',
    upgrade         TEXT NOT NULL DEFAULT '',
    vulns_unchecked TEXT NOT NULL DEFAULT '',
    newest_release  TIMESTAMP,
    vulns           INTEGER NOT NULL DEFAULT 0,
    risk            REAL NOT NULL DEFAULT 0,
    risk_json       TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (scan_id, component_id)
);
CREATE INDEX scan_components_component ON scan_components (component_id, scan_id);
-- The filters of the component lists (denied, no license, vulnerable,
-- inactive) read these instead of every row.
CREATE INDEX scan_components_verdict ON scan_components (verdict, scan_id);
CREATE INDEX scan_components_license ON scan_components (license, scan_id);
CREATE INDEX scan_components_vulnerable ON scan_components (scan_id) WHERE vulns > 0;
CREATE INDEX scan_components_release ON scan_components (newest_release, scan_id);
CREATE INDEX scan_components_risk ON scan_components (risk, scan_id, component_id);

-- Components of a scan by license category, for the dashboard.
CREATE TABLE scan_licenses (
    scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    components INTEGER NOT NULL,
    PRIMARY KEY (scan_id, category)
);

-- A vulnerability of a component in a scan. aliases and fixed are
-- space-separated; ignored holds the policy's reason when it ignores it.
CREATE TABLE findings (
    scan_id      INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    component_id INTEGER NOT NULL REFERENCES components (id),
    vuln_id      TEXT NOT NULL,
    aliases      TEXT NOT NULL DEFAULT '',
    severity     TEXT NOT NULL,
    score        REAL,
    summary      TEXT NOT NULL DEFAULT '',
    fixed        TEXT NOT NULL DEFAULT '',
    ignored      TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scan_id, component_id, vuln_id)
);
CREATE INDEX findings_vuln ON findings (vuln_id);

-- Every identifier of a vulnerability (id and aliases) to the id findings
-- use, so a search by CVE finds a GHSA finding.
CREATE TABLE vuln_ids (
    alias   TEXT NOT NULL,
    vuln_id TEXT NOT NULL,
    PRIMARY KEY (alias, vuln_id)
);

-- The append-only log: who did what to which subject, when and why.
-- Rows are never updated or deleted (the triggers refuse it).
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    at      TIMESTAMP NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events (at);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
