-- Accounts, sessions, API tokens and the audit log.

-- A user belongs to one organisation. lead_ics is the ICS an ICS lead leads.
-- Passwords are argon2id PHC strings; the plain text is never stored.
CREATE TABLE app_user (
    id               TEXT   PRIMARY KEY,
    email            TEXT   NOT NULL UNIQUE,
    display_name     TEXT   NOT NULL,
    password_hash    TEXT   NOT NULL,
    role             TEXT   NOT NULL CHECK (role IN ('admin', 'board_reviewer', 'ics_lead', 'partner_editor', 'viewer')),
    organisation_id  TEXT   NOT NULL REFERENCES organisation (id),
    lead_ics         TEXT   REFERENCES ics (code),
    active           BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL
);

-- Sessions live in the database so several app instances share them. The
-- cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE user_session (
    token_hash  TEXT   PRIMARY KEY,
    user_id     TEXT   NOT NULL REFERENCES app_user (id),
    csrf_token  TEXT   NOT NULL,
    expires_at  TEXT   NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);

CREATE INDEX user_session_by_user ON user_session (user_id);

-- API tokens: shown once, stored as SHA-256, revocable.
CREATE TABLE api_token (
    id            TEXT   PRIMARY KEY,
    user_id       TEXT   NOT NULL REFERENCES app_user (id),
    name          TEXT   NOT NULL,
    token_hash    TEXT   NOT NULL UNIQUE,
    revoked_at    TEXT,
    last_used_at  TEXT,
    created_at    TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL
);

CREATE INDEX api_token_by_user ON api_token (user_id);

-- Append-only: the app inserts rows and never updates or deletes them (a test
-- checks that no SQL in the code base does). before/after are JSON snapshots.
CREATE TABLE audit_log (
    id           TEXT   PRIMARY KEY,
    occurred_at  TEXT   NOT NULL,
    actor_id     TEXT   REFERENCES app_user (id),
    actor_email  TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    entity       TEXT   NOT NULL,
    entity_id    TEXT   NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    created_at   TEXT   NOT NULL,
    updated_at   TEXT   NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (occurred_at);
CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id);
