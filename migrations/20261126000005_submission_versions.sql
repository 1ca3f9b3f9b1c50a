-- What each accepted version of a return contained, as accepted (issue 11).
-- A change to the return's evidence or readings after acceptance opens a new
-- version for review; the accepted one stays readable from here. Rows are
-- only inserted.
CREATE TABLE submission_version (
    organisation_id  TEXT   NOT NULL REFERENCES organisation (id),
    period           TEXT   NOT NULL,
    version          BIGINT NOT NULL,
    content_json     TEXT   NOT NULL,
    accepted_at      TEXT   NOT NULL,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    PRIMARY KEY (organisation_id, period, version)
);
