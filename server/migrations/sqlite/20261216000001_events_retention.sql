-- Events past the retention limit (event_retention_days, at least one day) are
-- removed. The log stays append-only otherwise: no update, and no event younger
-- than a day can be deleted, so a mistaken or hostile DELETE cannot rewrite what
-- visitors just did.
DROP TRIGGER events_are_append_only_delete;

CREATE TRIGGER events_are_removed_only_past_retention BEFORE DELETE ON events
WHEN OLD.occurred_at_ms > CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 86400000
BEGIN
    SELECT RAISE(ABORT, 'only events older than a day can be removed');
END;

-- Retention removes by time, and the editors' insights read by period.
CREATE INDEX events_time ON events (occurred_at_ms);
