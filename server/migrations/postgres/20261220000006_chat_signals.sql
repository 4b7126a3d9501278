-- Wake-ups for every instance sharing this database (issue 17). NOTIFY is sent at
-- commit, only to instances listening then, and never replayed, so it carries no
-- message: only "conversation c has message seq", "c changed hands or closed" or
-- "a side has read up to seq". Each instance then reads what it has not delivered
-- from the tables, also after its listening connection comes back. Sent by
-- triggers, so a wake-up is part of the same transaction as the write it announces:
-- an acknowledged message always wakes the other instances, whoever wrote it.
-- The channel is `telepath_chat:<schema>`, so portals in different schemas of one
-- database never wake each other; the payloads are the `ChatSignal` enum of
-- server/src/store/signals.rs.

CREATE FUNCTION notify_chat_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telepath_chat:' || current_schema(), json_build_object(
        'kind', 'stored', 'conversation', NEW.conversation, 'seq', NEW.seq)::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER chat_message_stored AFTER INSERT ON chat_messages
    FOR EACH ROW EXECUTE FUNCTION notify_chat_message();

CREATE FUNCTION notify_conversation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state IS DISTINCT FROM NEW.state OR OLD.agent IS DISTINCT FROM NEW.agent THEN
        PERFORM pg_notify('telepath_chat:' || current_schema(), json_build_object(
            'kind', 'status_changed', 'conversation', NEW.id)::text);
    END IF;
    IF OLD.visitor_read_seq IS DISTINCT FROM NEW.visitor_read_seq THEN
        PERFORM pg_notify('telepath_chat:' || current_schema(), json_build_object(
            'kind', 'read', 'conversation', NEW.id, 'side', 'visitor', 'seq', NEW.visitor_read_seq)::text);
    END IF;
    IF OLD.agent_read_seq IS DISTINCT FROM NEW.agent_read_seq THEN
        PERFORM pg_notify('telepath_chat:' || current_schema(), json_build_object(
            'kind', 'read', 'conversation', NEW.id, 'side', 'agent', 'seq', NEW.agent_read_seq)::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER conversation_changed AFTER UPDATE ON conversations
    FOR EACH ROW EXECUTE FUNCTION notify_conversation_change();
