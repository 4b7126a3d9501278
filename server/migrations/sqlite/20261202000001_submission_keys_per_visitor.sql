-- A form's one-time key is unique per visitor, not across everyone: another visitor
-- re-sending a copied key must get a submission of their own, never the first
-- visitor's reference (and their own answers must not be dropped). SQLite cannot
-- drop a column's UNIQUE, so the table is rebuilt; every row keeps its id and key.
CREATE TABLE task_submissions_keyed_per_visitor (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    task TEXT NOT NULL,
    visitor TEXT NOT NULL,
    fields TEXT NOT NULL CHECK (json_valid(fields)),
    idempotency_key TEXT,
    submitted_at_ms INTEGER NOT NULL,
    UNIQUE (visitor, idempotency_key)
);

INSERT INTO task_submissions_keyed_per_visitor
    (id, reference, task, visitor, fields, idempotency_key, submitted_at_ms)
SELECT id, reference, task, visitor, fields, idempotency_key, submitted_at_ms FROM task_submissions;

DROP TABLE task_submissions;
ALTER TABLE task_submissions_keyed_per_visitor RENAME TO task_submissions;
CREATE INDEX task_submissions_task_time ON task_submissions (task, submitted_at_ms);
