-- Scale (issue 14): an ICS's page shows its most recently saved evidence,
-- read along this index instead of sorting all of the ICS's entries.
CREATE INDEX evidence_by_ics_updated ON evidence (ics_code, updated_at);
