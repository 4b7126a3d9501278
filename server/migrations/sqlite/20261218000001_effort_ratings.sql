-- Customer Effort Score: "How much effort did you personally have to put forth to
-- handle your request?", 1 (very low) to 5 (very high), one per visitor per
-- touchpoint. A task is rated by its request's reference, a chat by its
-- conversation; rating again replaces the score, so a mis-click can be corrected.
-- The scale version keeps a reworded question from mixing with the old series.
-- A chat's agent is a staff account (never deleted, only disabled); its offer
-- reasons are the names of why chat was offered, a JSON array (empty for a task).
CREATE TABLE effort_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visitor TEXT NOT NULL,
    touchpoint_kind TEXT NOT NULL CHECK (touchpoint_kind IN ('task', 'chat')),
    task TEXT,
    reference TEXT,
    conversation INTEGER,
    agent INTEGER REFERENCES staff_accounts (id),
    offer_reasons TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(offer_reasons) AND json_type(offer_reasons) = 'array'),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    scale_version INTEGER NOT NULL CHECK (scale_version >= 1),
    rated_at_ms INTEGER NOT NULL,
    CHECK (
        (touchpoint_kind = 'task' AND task IS NOT NULL AND reference IS NOT NULL
            AND conversation IS NULL AND agent IS NULL AND offer_reasons = '[]')
        OR (touchpoint_kind = 'chat' AND conversation IS NOT NULL AND task IS NULL AND reference IS NULL)
    )
);

-- One rating per visitor per touchpoint. Two partial indexes rather than one over
-- (visitor, touchpoint_kind, reference, conversation): SQLite's UNIQUE lets rows
-- whose key holds a NULL repeat, and every row has one of the two NULL.
CREATE UNIQUE INDEX effort_ratings_one_per_request ON effort_ratings (visitor, reference)
    WHERE touchpoint_kind = 'task';
CREATE UNIQUE INDEX effort_ratings_one_per_conversation ON effort_ratings (visitor, conversation)
    WHERE touchpoint_kind = 'chat';

-- Insights read a period at a time.
CREATE INDEX effort_ratings_time ON effort_ratings (rated_at_ms);
