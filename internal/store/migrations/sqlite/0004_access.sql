-- Who may use the web portal and the API (package access): accounts with
-- a role, browser sessions and API tokens. Secrets are never stored: a
-- session or token row holds the SHA-256 of its secret (hex), a password
-- only its bcrypt hash. Changes to accounts are written to events.

-- One row per account. name is unique whatever its case. password_hash
-- is empty for accounts that sign in only through OIDC. role is viewer,
-- developer, reviewer or admin; disabled is 1 for an account that may no
-- longer sign in. oidc_issuer and oidc_subject name the OIDC identity the
-- account belongs to (both NULL for password accounts).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'developer', 'reviewer', 'admin')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    oidc_issuer   TEXT,
    oidc_subject  TEXT,
    UNIQUE (oidc_issuer, oidc_subject)
);
CREATE UNIQUE INDEX users_name ON users (lower(name));

-- A signed-in browser. secret_hash is the SHA-256 of the cookie's value;
-- csrf is the token forms of the session must carry.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    csrf        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- An API token. prefix is the start of the secret, shown in lists so a
-- token can be recognised; expires_at is NULL for a token without end.
-- A revoked token's row is deleted (the events log keeps its history).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
