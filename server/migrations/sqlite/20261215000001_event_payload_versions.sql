-- Every event's payload has a schema version beside its kind, so a reader can tell
-- an old shape from a broken payload and an unknown version is a typed error, not a
-- guess. A column rather than a field inside the payload: the rows already stored
-- get version 1 from the DEFAULT without an UPDATE (the log is append-only and its
-- triggers refuse one), a reader can filter and count by version without parsing
-- JSON, and the payload stays exactly the kind's fields.
ALTER TABLE events ADD COLUMN payload_version INTEGER NOT NULL DEFAULT 1 CHECK (payload_version >= 1);
