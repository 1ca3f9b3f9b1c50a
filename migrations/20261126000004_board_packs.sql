-- Board packs frozen as presented to a meeting (issue 11). A row is only ever
-- inserted: later edits, readings or overrides never change a frozen pack.
CREATE TABLE board_pack_snapshot (
    id            TEXT PRIMARY KEY,
    period        TEXT NOT NULL,
    meeting_date  TEXT NOT NULL,
    pack_json     TEXT NOT NULL,
    saved_by      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX board_pack_snapshot_by_meeting ON board_pack_snapshot (meeting_date);
