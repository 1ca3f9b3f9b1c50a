-- The concordat and London's ICSs and partners: reference data, seeded at start-up.
--
-- Every migration here runs unchanged on SQLite and PostgreSQL (see README,
-- "Two databases"). The portable subset: TEXT, BIGINT and DOUBLE PRECISION columns;
-- no booleans (BIGINT 0/1); dates as 'YYYY-MM-DD' and times as RFC 3339 UTC text
-- written by the app, so both backends sort and compare them the same way.

CREATE TABLE concordat_text (
    kind        TEXT   NOT NULL CHECK (kind IN ('title', 'status', 'owner', 'review', 'vision', 'emphasis', 'aim')),
    position    BIGINT NOT NULL,
    text        TEXT   NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    PRIMARY KEY (kind, position)
);

CREATE TABLE principle (
    id          TEXT   PRIMARY KEY,
    position    BIGINT NOT NULL UNIQUE,
    title       TEXT   NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);

CREATE TABLE commitment (
    id            TEXT   PRIMARY KEY,
    principle_id  TEXT   NOT NULL REFERENCES principle (id),
    position      BIGINT NOT NULL,
    text          TEXT   NOT NULL,
    due_date      TEXT,
    created_at    TEXT   NOT NULL,
    updated_at    TEXT   NOT NULL,
    UNIQUE (principle_id, position)
);

CREATE TABLE commitment_action (
    id             TEXT   PRIMARY KEY,
    commitment_id  TEXT   NOT NULL REFERENCES commitment (id),
    position       BIGINT NOT NULL,
    text           TEXT   NOT NULL,
    created_at     TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL,
    UNIQUE (commitment_id, position)
);

CREATE TABLE ics (
    code        TEXT   PRIMARY KEY,
    name        TEXT   NOT NULL,
    position    BIGINT NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);

CREATE TABLE borough (
    ics_code    TEXT   NOT NULL REFERENCES ics (code),
    name        TEXT   NOT NULL,
    position    BIGINT NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    PRIMARY KEY (ics_code, name)
);

-- ics_code is NULL for London-wide partners (police, ambulance) serving every ICS.
CREATE TABLE organisation (
    id          TEXT   PRIMARY KEY,
    name        TEXT   NOT NULL UNIQUE,
    short_name  TEXT,
    kind        TEXT   NOT NULL CHECK (kind IN ('board', 'icb', 'mh_trust', 'acute_trust', 'community_provider',
                                                'local_authority', 'police', 'ambulance', 'vcse', 'healthwatch')),
    ics_code    TEXT   REFERENCES ics (code),
    position    BIGINT NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL
);

CREATE INDEX organisation_by_ics ON organisation (ics_code);
