CREATE TABLE users (
  user_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  age_at_signup INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_day TEXT
);

CREATE TABLE clients (
  client_hash TEXT PRIMARY KEY,
  user_hash TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  label TEXT,
  created_at BIGINT NOT NULL,
  last_seen_day TEXT
);
CREATE INDEX clients_by_user ON clients(user_hash);
