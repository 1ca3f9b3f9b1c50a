-- Scale (issue 14): indexes for the pages that read a slice of years of data.
-- A commitment's page lists each ICS's newest evidence, a page at a time.
CREATE INDEX evidence_by_commitment_ics ON evidence (commitment_id, ics_code, period, updated_at);
