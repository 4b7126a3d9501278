-- Everything visitors do that the portal learns from: page views, searches, votes,
-- task errors. Anonymous (a random visitor id, no personal data) and append-only.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visitor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    occurred_at_ms INTEGER NOT NULL
);

CREATE INDEX events_kind_time ON events (kind, occurred_at_ms);
CREATE INDEX events_visitor_time ON events (visitor, occurred_at_ms);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
