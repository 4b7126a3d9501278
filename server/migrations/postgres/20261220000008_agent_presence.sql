-- Which agents are online, shared by every instance (issue 17): an agent who says
-- "online" in a console served by one instance is offered chats by all of them.
-- An agent's row goes with sign-out; `heard_at_ms` is the console's last sign of
-- life, and an online agent not heard from within the timeout counts as away.
CREATE TABLE agent_presence (
    agent BIGINT PRIMARY KEY REFERENCES staff_accounts (id) ON DELETE CASCADE,
    online BOOLEAN NOT NULL,
    heard_at_ms BIGINT NOT NULL
);
