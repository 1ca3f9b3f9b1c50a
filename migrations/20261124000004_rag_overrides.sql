-- Board reviewers' manual RAG statuses: for one commitment in one ICS, from a
-- period up to and including `expires_after`. The newest one covering a period
-- is in force; older ones stay as history (and in the audit log).
CREATE TABLE rag_override (
    id             TEXT   PRIMARY KEY,
    commitment_id  TEXT   NOT NULL REFERENCES commitment (id),
    ics_code       TEXT   NOT NULL REFERENCES ics (code),
    period         TEXT   NOT NULL,
    expires_after  TEXT   NOT NULL,
    rag            TEXT   NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
    rationale      TEXT   NOT NULL,
    set_by         TEXT   NOT NULL,
    created_at     TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL
);

CREATE INDEX rag_override_by_period ON rag_override (period, expires_after);
