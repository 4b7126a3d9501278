-- Staff who sign in: agents, editors and admins, created with `telepath staff add`.
-- The email is stored as the sign-in form compares it (trimmed, lowercase), so
-- one person cannot get two accounts by changing case. The password is an argon2id
-- PHC string; an account is disabled, never deleted, so the log of who did what
-- keeps meaning something.
CREATE TABLE staff_accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (char_length(email) BETWEEN 3 AND 254),
    name TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    role TEXT NOT NULL CHECK (role IN ('agent', 'editor', 'admin')),
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    created_at_ms BIGINT NOT NULL,
    disabled_at_ms BIGINT
);

-- Signed-in staff. Only a SHA-256 digest of each session token is kept, so a copy
-- of the database signs nobody in. A session ends when its row goes: on sign-out,
-- when it has been idle or open too long, and with its account (disable, new password).
CREATE TABLE staff_sessions (
    token_digest BYTEA PRIMARY KEY CHECK (octet_length(token_digest) = 32),
    account_id BIGINT NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
    started_at_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);

CREATE INDEX staff_sessions_account ON staff_sessions (account_id);
CREATE INDEX staff_sessions_last_seen ON staff_sessions (last_seen_ms);
