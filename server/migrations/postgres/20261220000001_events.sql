-- Everything visitors do that the portal learns from: page views, searches, votes,
-- task errors. Anonymous (a random visitor id, no personal data) and append-only.
-- The same table as SQLite's after all of its migrations: each event's kind, the
-- schema version of its payload (a column, so it can be filtered and counted
-- without parsing JSON) and the payload. JSON payloads are of type JSON: checked
-- like SQLite's json_valid and kept as the very text written (JSONB would refuse
-- a string holding \u0000, which a visitor can type and SQLite stores).
CREATE TABLE events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visitor TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload_version BIGINT NOT NULL DEFAULT 1 CHECK (payload_version >= 1),
    payload JSON NOT NULL,
    occurred_at_ms BIGINT NOT NULL
);

-- The newest events of a kind; one visitor's trail from a moment on, newest first
-- (the id breaks ties in time, so the index gives the order without a sort);
-- retention removes by time.
CREATE INDEX events_kind ON events (kind, id);
CREATE INDEX events_visitor_time ON events (visitor, occurred_at_ms, id);
CREATE INDEX events_time ON events (occurred_at_ms);

CREATE FUNCTION events_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;

CREATE TRIGGER events_are_append_only BEFORE UPDATE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_rewrite();

-- Events past the retention limit (event_retention_days, at least one day) are
-- removed; no event younger than a day can be, so a mistaken or hostile DELETE
-- cannot rewrite what visitors just did. The database's clock is the right one
-- here: this guards against writers, whose clocks it cannot trust.
CREATE FUNCTION events_refuse_recent_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.occurred_at_ms > (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT - 86400000 THEN
        RAISE EXCEPTION 'only events older than a day can be removed';
    END IF;
    RETURN OLD;
END;
$$;

CREATE TRIGGER events_are_removed_only_past_retention BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_recent_removal();
