-- Completed self-service tasks. The reference is what the customer quotes; the
-- idempotency key (one per rendered form) makes a double submit store one record.
-- It is unique per visitor, not across everyone: another visitor re-sending a
-- copied key gets a submission of their own. Submissions without a key never
-- collide (NULLs are distinct in a UNIQUE constraint).
CREATE TABLE task_submissions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    task TEXT NOT NULL,
    visitor TEXT NOT NULL,
    fields JSON NOT NULL,
    idempotency_key TEXT,
    submitted_at_ms BIGINT NOT NULL,
    UNIQUE (visitor, idempotency_key)
);

CREATE INDEX task_submissions_task_time ON task_submissions (task, submitted_at_ms);
