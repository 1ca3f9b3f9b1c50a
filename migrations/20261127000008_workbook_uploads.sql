-- Partner data entry (issue 13): a spreadsheet uploaded on /readings is read
-- and checked, and its preview kept here until the uploader looks at it and
-- imports (the import posts the readings again and checks them again). A form
-- posted without JavaScript gets the preview across the redirect this way, on
-- any app instance. Nothing here is a reading; previews older than a day are
-- deleted when the next one is stored.
CREATE TABLE workbook_upload (
    id          TEXT NOT NULL PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user (id),
    filename    TEXT NOT NULL,
    -- JSON: the preview (rows, problems by cell, notices) and the readings as CSV.
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX workbook_upload_created ON workbook_upload (created_at);
