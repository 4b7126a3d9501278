-- Which agents are online (issue 17): kept in the database rather than in one
-- process, so every way into the console agrees. An agent's row goes with sign-out;
-- `heard_at_ms` is the console's last sign of life, and an online agent not heard
-- from within the timeout counts as away.
CREATE TABLE agent_presence (
    agent INTEGER PRIMARY KEY REFERENCES staff_accounts (id) ON DELETE CASCADE,
    online INTEGER NOT NULL CHECK (online IN (0, 1)),
    heard_at_ms INTEGER NOT NULL
);
