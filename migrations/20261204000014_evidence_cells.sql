-- Live load (issue 24): what London's views need of each cell's evidence
-- (one ICS, commitment and period), kept beside it so that judging a whole
-- period reads one row a cell instead of every entry. A busy period has tens
-- of thousands of entries; reading them, even counted by the database, took
-- longer than the whole status may take. `tally` lists the cell's entries by
-- self-assessment and milestone dates, `status|due|completed|count` joined by
-- commas (dates as YYYYMMDD, empty parts for none); `organisations` the organisations whose
-- evidence it is, `organisation_id|count`. `db::evidence` rebuilds a cell's
-- row with this same statement in the transaction that changes its evidence.
CREATE TABLE evidence_cell (
    period         TEXT   NOT NULL,
    ics_code       TEXT   NOT NULL,
    commitment_id  TEXT   NOT NULL,
    entries        BIGINT NOT NULL,
    tally          TEXT   NOT NULL,
    organisations  TEXT   NOT NULL,
    PRIMARY KEY (period, ics_code, commitment_id)
);

INSERT INTO evidence_cell (period, ics_code, commitment_id, entries, tally, organisations)
SELECT c.period, c.ics_code, c.commitment_id, c.entries,
       COALESCE((SELECT string_agg(g.item, ',') FROM (
           SELECT COALESCE(e.delivery_status, '') || '|' || COALESCE(REPLACE(e.milestone_due, '-', ''), '') || '|'
                  || COALESCE(REPLACE(e.milestone_completed, '-', ''), '') || '|' || CAST(COUNT(*) AS TEXT) AS item
           FROM evidence e
           WHERE e.period = c.period AND e.ics_code = c.ics_code AND e.commitment_id = c.commitment_id
           GROUP BY e.delivery_status, e.milestone_due, e.milestone_completed) g), ''),
       COALESCE((SELECT string_agg(o.item, ',') FROM (
           SELECT e.organisation_id || '|' || CAST(COUNT(*) AS TEXT) AS item
           FROM evidence e
           WHERE e.period = c.period AND e.ics_code = c.ics_code AND e.commitment_id = c.commitment_id
           GROUP BY e.organisation_id) o), '')
FROM (SELECT period, ics_code, commitment_id, COUNT(*) AS entries FROM evidence
      GROUP BY period, ics_code, commitment_id) c;

-- Who sent partners' figures in a period, by ICS and metric: read for every
-- cell's sources, from the index alone.
CREATE INDEX reading_partner_sources ON reading (period, ics_code, metric_id, partner_id) WHERE partner_id <> '';

-- One ICS's ICS-level figures, after a write for that ICS, from the index alone.
CREATE INDEX reading_ics_level_by_ics ON reading (ics_code, metric_id, period, value, partner_id) WHERE partner_id = '';

-- Each ICS-level series (a metric in an ICS), kept as one row: `period=value`
-- pairs, comma-separated, written by `db::readings` in the transaction that
-- changes the series (values as Rust writes a double: every digit it needs,
-- which neither database's text cast gives on both). Judging a period reads
-- a few hundred of these rather than every reading. Filled for the readings
-- already stored by `db::readings::fill_missing_series` at start-up.
CREATE TABLE reading_series (
    metric_id  TEXT NOT NULL,
    ics_code   TEXT NOT NULL,
    points     TEXT NOT NULL,
    PRIMARY KEY (metric_id, ics_code)
);
