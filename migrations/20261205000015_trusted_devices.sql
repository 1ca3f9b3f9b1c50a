-- Browsers that have signed in to an account (OWASP's device cookie): while a
-- client address is locked after many failures, such a browser may still try
-- its own account, whose own limit still applies. The cookie holds a random
-- token; only its SHA-256 is kept, with the account's throttle key (a hash of
-- the email address), never the address itself.
CREATE TABLE trusted_device (
    token_hash   TEXT NOT NULL,
    account_key  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    PRIMARY KEY (token_hash, account_key)
);

CREATE INDEX trusted_device_by_expiry ON trusted_device (expires_at);
