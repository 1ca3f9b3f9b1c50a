-- Account lifecycle and sign-in throttling (issue 10).

-- Failed sign-ins, counted per key so every app instance sees the same count:
-- 'account:<SHA-256 of the email typed>' or 'address:<client address>'.
-- locked_until is when sign-in opens again for the key (NULL: not locked).
CREATE TABLE sign_in_throttle (
    throttle_key     TEXT   PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failure_at  TEXT   NOT NULL,
    locked_until     TEXT,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL
);

-- For sweeping counts that are too old to matter.
CREATE INDEX sign_in_throttle_by_last_failure ON sign_in_throttle (last_failure_at);

-- One-time links for setting a password: an admin creates an account without
-- knowing its password, and the user sets it. Only the SHA-256 of the link's
-- secret is stored; a link works once, before it expires.
CREATE TABLE password_link (
    token_hash  TEXT   PRIMARY KEY,
    user_id     TEXT   NOT NULL REFERENCES app_user (id),
    expires_at  TEXT   NOT NULL,
    used_at     TEXT,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);

CREATE INDEX password_link_by_user ON password_link (user_id);

-- API tokens may expire (NULL: they do not).
ALTER TABLE api_token ADD COLUMN expires_at TEXT;
