-- Evidence against commitments, the metric catalogue, and metric readings.

-- One entry per organisation, commitment (optionally one of its actions) and
-- period; `version` grows by one on every edit (optimistic concurrency), and
-- every version is kept in evidence_version.
CREATE TABLE evidence (
    id                   TEXT   PRIMARY KEY,
    commitment_id        TEXT   NOT NULL REFERENCES commitment (id),
    action_id            TEXT   REFERENCES commitment_action (id),
    organisation_id      TEXT   NOT NULL REFERENCES organisation (id),
    ics_code             TEXT   NOT NULL REFERENCES ics (code),
    period               TEXT   NOT NULL,
    narrative            TEXT   NOT NULL,
    delivery_status      TEXT   CHECK (delivery_status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'complete')),
    milestone            TEXT,
    milestone_due        TEXT,
    milestone_completed  TEXT,
    links                TEXT   NOT NULL,
    version              BIGINT NOT NULL,
    created_by           TEXT   REFERENCES app_user (id),
    updated_by           TEXT   REFERENCES app_user (id),
    created_at           TEXT   NOT NULL,
    updated_at           TEXT   NOT NULL
);

CREATE INDEX evidence_by_commitment ON evidence (commitment_id, period);
CREATE INDEX evidence_by_ics_period ON evidence (ics_code, period);
CREATE INDEX evidence_by_organisation ON evidence (organisation_id, period);

-- Every saved version of an evidence entry, as JSON, newest has the highest version.
CREATE TABLE evidence_version (
    evidence_id  TEXT   NOT NULL REFERENCES evidence (id),
    version      BIGINT NOT NULL,
    snapshot     TEXT   NOT NULL,
    saved_by     TEXT   REFERENCES app_user (id),
    created_at   TEXT   NOT NULL,
    updated_at   TEXT   NOT NULL,
    PRIMARY KEY (evidence_id, version)
);

-- The catalogue. `version` grows on every edit; metric_version keeps each
-- definition so a reading can show the one in force when it was made.
CREATE TABLE metric (
    id             TEXT   PRIMARY KEY,
    commitment_id  TEXT   NOT NULL REFERENCES commitment (id),
    name           TEXT   NOT NULL,
    kind           TEXT   NOT NULL CHECK (kind IN ('rate', 'percent', 'count', 'ratio', 'milestone')),
    unit           TEXT,
    direction      TEXT   CHECK (direction IN ('higher', 'lower')),
    target         DOUBLE PRECISION,
    amber          DOUBLE PRECISION,
    due_date       TEXT,
    note           TEXT,
    retired_at     TEXT,
    version        BIGINT NOT NULL,
    position       BIGINT NOT NULL,
    created_at     TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL
);

CREATE INDEX metric_by_commitment ON metric (commitment_id);

CREATE TABLE metric_version (
    metric_id   TEXT   NOT NULL REFERENCES metric (id),
    version     BIGINT NOT NULL,
    snapshot    TEXT   NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    PRIMARY KEY (metric_id, version)
);

-- Per-ICS targets override the catalogue's.
CREATE TABLE metric_ics_target (
    metric_id   TEXT   NOT NULL REFERENCES metric (id),
    ics_code    TEXT   NOT NULL REFERENCES ics (code),
    target      DOUBLE PRECISION NOT NULL,
    amber       DOUBLE PRECISION NOT NULL,
    created_at  TEXT   NOT NULL,
    updated_at  TEXT   NOT NULL,
    PRIMARY KEY (metric_id, ics_code)
);

-- One current value per metric, ICS, period and partner. partner_id is '' for
-- the ICS-level figure (NULLs are never equal in a UNIQUE constraint). A new
-- reading replaces the old; the old one stays in reading_history.
CREATE TABLE reading (
    id              TEXT   PRIMARY KEY,
    metric_id       TEXT   NOT NULL REFERENCES metric (id),
    metric_version  BIGINT NOT NULL,
    ics_code        TEXT   NOT NULL REFERENCES ics (code),
    period          TEXT   NOT NULL,
    partner_id      TEXT   NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    note            TEXT,
    entered_by      TEXT   REFERENCES app_user (id),
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL,
    UNIQUE (metric_id, ics_code, period, partner_id)
);

CREATE INDEX reading_by_ics_period ON reading (ics_code, period);
CREATE INDEX reading_by_period ON reading (period);

CREATE TABLE reading_history (
    id              TEXT   PRIMARY KEY,
    reading_id      TEXT   NOT NULL REFERENCES reading (id),
    metric_version  BIGINT NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    note            TEXT,
    entered_by      TEXT   REFERENCES app_user (id),
    replaced_at     TEXT   NOT NULL,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL
);

CREATE INDEX reading_history_by_reading ON reading_history (reading_id);
