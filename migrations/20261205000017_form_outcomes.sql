-- What a form posted without JavaScript was told (its error, and what was
-- typed), kept for a few minutes for the page it comes back to. The address
-- carries only this row's id (`?problem=`), never the message or the text
-- typed, so no link can put words in the app's mouth and partners' text stays
-- out of logs and browser history. Only the browser that posted reads it back:
-- `owner_hash` is the SHA-256 of its session or flash cookie.
CREATE TABLE form_outcome (
    id          TEXT PRIMARY KEY,
    owner_hash  TEXT NOT NULL,
    query       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX form_outcome_by_expiry ON form_outcome (expires_at);
