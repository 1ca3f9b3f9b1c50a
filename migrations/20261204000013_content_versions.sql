-- Live load (issue 24): one version number per scope of content (a topic,
-- narrowed by ICS, quarter and commitment where the topic is kept that way;
-- see `domain::freshness`), raised by each write transaction that changed it,
-- just before it commits (`db::Write::commit`). A cached part sums the versions
-- of the scopes it rests on, so a write invalidates what it changed and
-- nothing else, whichever app instance made it, and writers of different
-- scopes never wait for one another (the single `data_version` row that every
-- write bumped first made PostgreSQL run all writes one at a time).
-- Empty strings stand for "not narrowed", so the key has no NULLs.
CREATE TABLE content_version (
    topic          TEXT   NOT NULL,
    ics_code       TEXT   NOT NULL,
    period         TEXT   NOT NULL,
    commitment_id  TEXT   NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (topic, ics_code, period, commitment_id)
);

-- What one period's views read: the period's own scopes and those with none.
CREATE INDEX content_version_by_period ON content_version (period, topic, ics_code, commitment_id, version);
