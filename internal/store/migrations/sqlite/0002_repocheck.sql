-- Repository check history (package repocheck/monitor). Append-only:
-- every monitor run or Scorecard import adds rows and never rewrites
-- older ones, so any two results of a repository can be compared.

-- One row per monitor run or import. trigger_kind says what started it
-- (manual, schedule, import, …); scope names what was checked (a
-- directory of clones, a scope file, an import).
CREATE TABLE repo_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    scope        TEXT NOT NULL DEFAULT '',
    trigger_kind TEXT NOT NULL DEFAULT ''
);

-- One row per repository per run: the aggregate and who computed it.
-- source is "ospo" or "scorecard"; tool is the computing tool's version.
-- score is 0–10, or -1 when no check was conclusive.
CREATE TABLE repo_results (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES repo_runs (id) ON DELETE CASCADE,
    repo_name  TEXT NOT NULL,
    repo_path  TEXT NOT NULL DEFAULT '',
    commit_sha TEXT NOT NULL DEFAULT '',
    date       TIMESTAMP NOT NULL,
    score      REAL NOT NULL,
    rating     TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,
    tool       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX repo_results_repo ON repo_results (repo_name, source, id);
CREATE INDEX repo_results_run ON repo_results (run_id);

-- One row per check of a result, seq keeping the order the checks came
-- in. exact is 1 when the check applies Scorecard's own rule; exempt
-- holds the user's reason for not applying it; findings_json is the
-- probes' findings as a JSON array.
CREATE TABLE repo_checks (
    result_id     INTEGER NOT NULL REFERENCES repo_results (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    score         REAL NOT NULL,
    risk          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    exact         INTEGER NOT NULL DEFAULT 0,
    exempt        TEXT NOT NULL DEFAULT '',
    doc_url       TEXT NOT NULL DEFAULT '',
    findings_json TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (result_id, name)
) WITHOUT ROWID;
