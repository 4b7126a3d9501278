-- Secrets every instance sharing this database must agree on (the form-token
-- key): the first instance to start keeps its own, the others read it. Whoever can
-- read this table can read the rest of the portal's data too.
CREATE TABLE shared_secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
