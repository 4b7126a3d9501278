-- Live chat. A conversation belongs to one anonymous visitor; `last_seq` is the
-- sequence number of its newest message, raised in the same transaction that
-- stores the message (the UPDATE's row lock queues concurrent senders), so
-- numbers are dense, ordered and never reused. `opened_because` holds the reasons
-- chat was offered (the domain's `OfferReason` list) so the agent sees why the
-- customer came; `visitor_context` what the customer's browser remembered
-- (`VisitorContext`), which lives only in their cookies.
CREATE TABLE conversations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    visitor TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'closed')),
    level TEXT CHECK (level IN ('newcomer', 'technical', 'expert', 'all')),
    opened_because JSON NOT NULL DEFAULT '[]',
    visitor_context JSON NOT NULL DEFAULT '{}',
    agent BIGINT REFERENCES staff_accounts (id),
    last_seq BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    visitor_read_seq BIGINT NOT NULL DEFAULT 0,
    agent_read_seq BIGINT NOT NULL DEFAULT 0,
    resolution TEXT CHECK (resolution IN ('solved', 'follow_up', 'visitor_left', 'not_support')),
    opened_at_ms BIGINT NOT NULL,
    claimed_at_ms BIGINT,
    closed_at_ms BIGINT,
    CHECK ((state = 'closed') = (closed_at_ms IS NOT NULL)),
    CHECK (state <> 'active' OR agent IS NOT NULL)
);

-- The queue, oldest first; a visitor's conversations; an agent's load.
CREATE INDEX conversations_state ON conversations (state, opened_at_ms, id);
CREATE INDEX conversations_visitor ON conversations (visitor, opened_at_ms, id);
CREATE INDEX conversations_agent ON conversations (agent, state);

-- Every message once: the sender's own id for it (`client_id`) is unique per
-- conversation and side, so a retried send finds the message already stored.
-- `kind` 'article' is a link card an agent sent: `body` is the title, `slug` the article.
CREATE TABLE chat_messages (
    conversation BIGINT NOT NULL REFERENCES conversations (id),
    seq BIGINT NOT NULL CHECK (seq > 0),
    side TEXT NOT NULL CHECK (side IN ('visitor', 'agent')),
    agent BIGINT REFERENCES staff_accounts (id),
    client_id TEXT NOT NULL CHECK (char_length(client_id) BETWEEN 1 AND 64),
    kind TEXT NOT NULL CHECK (kind IN ('text', 'article')),
    body TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    slug TEXT,
    sent_at_ms BIGINT NOT NULL,
    PRIMARY KEY (conversation, seq),
    UNIQUE (conversation, side, client_id),
    CHECK ((kind = 'article') = (slug IS NOT NULL))
);

-- Stored messages are a record of what was said: never rewritten.
CREATE FUNCTION chat_messages_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'chat messages are append-only';
END;
$$;

CREATE TRIGGER chat_messages_append_only BEFORE UPDATE ON chat_messages
    FOR EACH STATEMENT EXECUTE FUNCTION chat_messages_refuse_rewrite();

-- Agents' notes to each other, never shown to the customer: kept apart from the
-- messages so no query for the customer's side can ever return one.
CREATE TABLE chat_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation BIGINT NOT NULL REFERENCES conversations (id),
    agent BIGINT NOT NULL REFERENCES staff_accounts (id),
    body TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    written_at_ms BIGINT NOT NULL
);

CREATE INDEX chat_notes_conversation ON chat_notes (conversation, id);

-- Who handed a conversation to whom, and when: the console shows it in the trail.
CREATE TABLE chat_transfers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation BIGINT NOT NULL REFERENCES conversations (id),
    from_agent BIGINT NOT NULL REFERENCES staff_accounts (id),
    to_agent BIGINT NOT NULL REFERENCES staff_accounts (id),
    transferred_at_ms BIGINT NOT NULL
);
