-- What the customer's own browser remembered when they started the conversation
-- (JSON, `VisitorContext`: their welcome kit's ticks, the notices they closed),
-- which lives only in their cookies and so could not be read later. Conversations
-- started before this column read as nothing remembered.
ALTER TABLE conversations ADD COLUMN visitor_context TEXT NOT NULL DEFAULT '{}';
