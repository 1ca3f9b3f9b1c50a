-- Making Data Count (issue 12): metrics reported monthly as well as quarterly,
-- how a monthly metric's months make the quarter's figure, and the points from
-- which a board reviewer has had an SPC chart's limits recalculated.

-- 'monthly' readings are for calendar months (2024-04); 'quarterly' ones for
-- financial quarters (2024-25-Q1). rollup: how a quarter's months become its
-- figure for RAG ('latest', 'mean' or 'sum').
ALTER TABLE metric ADD COLUMN frequency TEXT NOT NULL DEFAULT 'quarterly'
    CHECK (frequency IN ('monthly', 'quarterly'));
ALTER TABLE metric ADD COLUMN rollup TEXT NOT NULL DEFAULT 'latest'
    CHECK (rollup IN ('latest', 'mean', 'sum'));

-- The seed catalogue's figures that the NHS publishes monthly. Only metrics
-- still without readings change frequency, so no stored quarter is orphaned.
UPDATE metric SET frequency = 'monthly', rollup = 'sum'
 WHERE id IN ('m_ed_mh_attendances', 'm_inappropriate_oap_days')
   AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.metric_id = metric.id);
UPDATE metric SET frequency = 'monthly', rollup = 'mean'
 WHERE id IN ('m_ed_12h_mh')
   AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.metric_id = metric.id);
UPDATE metric SET frequency = 'monthly', rollup = 'latest'
 WHERE id IN ('m_community_access', 'm_los_over_60', 'm_clinically_ready')
   AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.metric_id = metric.id);

-- A rebase: from `period` on (a month or quarter at the metric's frequency),
-- the chart of `metric_id` in `ics_code` has new limits. Removing one deletes
-- the row; both are in the audit log.
CREATE TABLE spc_rebase (
    metric_id   TEXT NOT NULL REFERENCES metric (id),
    ics_code    TEXT NOT NULL REFERENCES ics (code),
    period      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  TEXT REFERENCES app_user (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (metric_id, ics_code, period)
);
