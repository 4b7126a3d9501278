-- Wake-ups for event subscriptions on every instance sharing this database
-- (issue 17): the agent's live "now on" follows a customer whose page views another
-- instance records. One per INSERT statement, naming the newest id it added; each
-- instance's subscription then reads the events after the last it saw from the
-- table, as it does for its own appends. Sent on the chat channel, which every
-- instance already listens on (payload: `EventsAppended` in
-- server/src/store/signals.rs).

CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telepath_chat:' || current_schema(), json_build_object(
        'kind', 'events_appended', 'newest', (SELECT max(id) FROM appended))::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_appended AFTER INSERT ON events
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
