-- Pending envelopes of an ended chat are found by chat id, to shorten how long they are kept.
CREATE INDEX IF NOT EXISTS envelopes_by_chat ON envelopes(chat_id);
