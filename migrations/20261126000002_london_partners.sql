-- Every London partner (issue 11): codes, the ICSs an organisation serves
-- beyond its own, mergers, retirement and edit versions; and the concordat's
-- sign-up register.

-- A new kind, nhs_region (NHS England's London region). SQLite cannot change a
-- CHECK constraint in place; renaming the column, adding it again with the new
-- check, copying and dropping the old one works the same on both databases.
ALTER TABLE organisation RENAME COLUMN kind TO kind_before_2026;
ALTER TABLE organisation ADD COLUMN kind TEXT NOT NULL DEFAULT 'board'
    CHECK (kind IN ('board', 'icb', 'mh_trust', 'acute_trust', 'community_provider', 'local_authority',
                    'police', 'ambulance', 'vcse', 'healthwatch', 'nhs_region'));
UPDATE organisation SET kind = kind_before_2026;
ALTER TABLE organisation DROP COLUMN kind_before_2026;

-- ods: NHS ODS code; ons: ONS GSS code. started_on / retired_on ('YYYY-MM-DD'):
-- mergers and retirement; a retired organisation stays for history and may
-- name its successor. version grows on every edit; organisation_version keeps
-- each one.
ALTER TABLE organisation ADD COLUMN ods TEXT;
ALTER TABLE organisation ADD COLUMN ons TEXT;
ALTER TABLE organisation ADD COLUMN started_on TEXT;
ALTER TABLE organisation ADD COLUMN retired_on TEXT;
ALTER TABLE organisation ADD COLUMN successor_id TEXT REFERENCES organisation (id);
ALTER TABLE organisation ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- ICSs an organisation serves besides its own (SLaM, in SEL, serves Croydon in SWL).
CREATE TABLE organisation_also_serves (
    organisation_id  TEXT NOT NULL REFERENCES organisation (id),
    ics_code         TEXT NOT NULL REFERENCES ics (code),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, ics_code)
);

CREATE TABLE organisation_version (
    organisation_id  TEXT   NOT NULL REFERENCES organisation (id),
    version          BIGINT NOT NULL,
    snapshot_json    TEXT   NOT NULL,
    changed_by       TEXT   NOT NULL,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL,
    PRIMARY KEY (organisation_id, version)
);

-- Who has signed the concordat: one row per organisation, for the ICSs listed
-- in concordat_signup_ics. Recorded by board reviewers; every change audited.
CREATE TABLE concordat_signup (
    organisation_id  TEXT   PRIMARY KEY REFERENCES organisation (id),
    signed_on        TEXT   NOT NULL,
    signatory_name   TEXT   NOT NULL,
    signatory_role   TEXT   NOT NULL,
    created_at       TEXT   NOT NULL,
    updated_at       TEXT   NOT NULL
);

CREATE TABLE concordat_signup_ics (
    organisation_id  TEXT NOT NULL REFERENCES concordat_signup (organisation_id),
    ics_code         TEXT NOT NULL REFERENCES ics (code),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, ics_code)
);
