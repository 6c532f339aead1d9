-- MLBS re-entry layer: the trust counter of probation (docs/atss.md). `chats` counts chats that
-- ended without a report upheld since `since` (the sign-up, or the last strike a person decided).
-- Accounts made before probation existed are trusted.
CREATE TABLE trust (
  user_hash TEXT PRIMARY KEY REFERENCES users(user_hash) ON DELETE CASCADE,
  chats INTEGER NOT NULL,
  since INTEGER NOT NULL
);
INSERT INTO trust (user_hash, chats, since) SELECT user_hash, 1000000, 0 FROM users;
