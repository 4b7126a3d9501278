-- Completed self-service tasks. The reference is what the customer quotes; the
-- idempotency key (one per rendered form) makes a double submit store one record.
CREATE TABLE task_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    task TEXT NOT NULL,
    visitor TEXT NOT NULL,
    fields TEXT NOT NULL CHECK (json_valid(fields)),
    idempotency_key TEXT UNIQUE,
    submitted_at_ms INTEGER NOT NULL
);

CREATE INDEX task_submissions_task_time ON task_submissions (task, submitted_at_ms);
