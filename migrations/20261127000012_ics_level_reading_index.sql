-- Scale (issue 14): charts, sparklines and the status read ICS-level readings
-- (no partner) by metric and period. Partners' readings far outnumber them, so
-- this partial index holds only the ICS-level ones, with every column those
-- reads need: a commitment page's sparklines read a few hundred index entries
-- instead of looking up thousands of its metrics' rows in the table.
-- partner_id is listed too: without it SQLite does not see that the index
-- covers a query that names partner_id.
CREATE INDEX reading_ics_level ON reading (metric_id, period, ics_code, value, partner_id) WHERE partner_id = '';
