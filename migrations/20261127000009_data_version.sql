-- Scale (issue 14): one row that every write transaction bumps first thing
-- (`db::begin_write`), so an app instance can tell with one primary-key read
-- whether anything it has cached (a period's judged status, the board pack)
-- may have changed — whichever instance made the change. `database_id` tells
-- databases apart, so one process serving several (the tests) never mixes
-- their caches. The row itself is written by `db::migrate`, which can make a
-- random id on either backend.
CREATE TABLE data_version (
    id           BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    database_id  TEXT   NOT NULL,
    version      BIGINT NOT NULL
);
