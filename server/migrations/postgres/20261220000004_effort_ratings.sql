-- Customer Effort Score: "How much effort did you personally have to put forth to
-- handle your request?", 1 (very low) to 5 (very high), one per visitor per
-- touchpoint. A task is rated by its request's reference, a chat by its
-- conversation; rating again replaces the score, so a mis-click can be corrected.
-- The scale version keeps a reworded question from mixing with the old series.
-- A chat's agent is a staff account (never deleted, only disabled); its offer
-- reasons are the names of why chat was offered, a JSON array (empty for a task).
-- As in SQLite, the conversation is only a number here, not a reference.
CREATE TABLE effort_ratings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visitor TEXT NOT NULL,
    touchpoint_kind TEXT NOT NULL CHECK (touchpoint_kind IN ('task', 'chat')),
    task TEXT,
    reference TEXT,
    conversation BIGINT,
    agent BIGINT REFERENCES staff_accounts (id),
    offer_reasons JSON NOT NULL DEFAULT '[]' CHECK (json_typeof(offer_reasons) = 'array'),
    score BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    scale_version BIGINT NOT NULL CHECK (scale_version >= 1),
    rated_at_ms BIGINT NOT NULL,
    CHECK (
        (touchpoint_kind = 'task' AND task IS NOT NULL AND reference IS NOT NULL
            AND conversation IS NULL AND agent IS NULL AND offer_reasons::text = '[]')
        OR (touchpoint_kind = 'chat' AND conversation IS NOT NULL AND task IS NULL AND reference IS NULL)
    )
);

-- One rating per visitor per touchpoint: a partial unique index per kind, since
-- every row has a NULL in the other kind's key.
CREATE UNIQUE INDEX effort_ratings_one_per_request ON effort_ratings (visitor, reference)
    WHERE touchpoint_kind = 'task';
CREATE UNIQUE INDEX effort_ratings_one_per_conversation ON effort_ratings (visitor, conversation)
    WHERE touchpoint_kind = 'chat';

-- Insights read a period at a time.
CREATE INDEX effort_ratings_time ON effort_ratings (rated_at_ms);
