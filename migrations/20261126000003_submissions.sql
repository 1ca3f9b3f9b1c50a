-- Each organisation's return for a reporting period and its review (issue 11).
-- submission holds the current state; submission_step keeps every step taken,
-- for ever (rows are only inserted).
CREATE TABLE submission (
    organisation_id  TEXT   NOT NULL REFERENCES organisation (id),
    period           TEXT   NOT NULL,
    version          BIGINT NOT NULL,
    state            TEXT   NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'queried', 'returned')),
    submitted_at     TEXT,
    decided_at       TEXT,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    PRIMARY KEY (organisation_id, period)
);

CREATE INDEX submission_by_period ON submission (period, state);

CREATE TABLE submission_step (
    id               TEXT   PRIMARY KEY,
    organisation_id  TEXT   NOT NULL REFERENCES organisation (id),
    period           TEXT   NOT NULL,
    version          BIGINT NOT NULL,
    step             TEXT   NOT NULL CHECK (step IN ('submit', 'answer', 'accept', 'query', 'return')),
    state            TEXT   NOT NULL,
    note             TEXT,
    by_user_id       TEXT   REFERENCES app_user (id),
    by_email         TEXT   NOT NULL,
    by_organisation  TEXT   NOT NULL REFERENCES organisation (id),
    at               TEXT   NOT NULL,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL
);

CREATE INDEX submission_step_by_submission ON submission_step (organisation_id, period, at);
