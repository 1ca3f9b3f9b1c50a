-- When a session was last used: sessions idle for longer than the configured
-- timeout (30 minutes by default) end, beside their absolute 12-hour lifetime.
-- Empty for sessions opened before this column: their creation counts.
ALTER TABLE user_session ADD COLUMN last_seen_at TEXT;
