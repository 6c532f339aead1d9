-- Active chats only: an ended chat is deleted, so the server cannot tell later who talked to whom.
CREATE TABLE chats (
  chat_id TEXT PRIMARY KEY,
  user_a TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  user_b TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  origin TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX chats_by_a ON chats(user_a);
CREATE INDEX chats_by_b ON chats(user_b);

CREATE TABLE envelopes (
  id BIGSERIAL PRIMARY KEY,
  recipient_client TEXT NOT NULL REFERENCES clients(client_hash) ON DELETE CASCADE,
  from_user TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  from_client TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  ciphertext TEXT NOT NULL,
  cf TEXT NOT NULL,
  rf TEXT NOT NULL,
  kid INTEGER NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX envelopes_by_recipient ON envelopes(recipient_client, id);
CREATE INDEX envelopes_by_expiry ON envelopes(expires_at);

CREATE TABLE prekey_bundles (
  client_hash TEXT PRIMARY KEY REFERENCES clients(client_hash) ON DELETE CASCADE,
  bundle TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE one_time_prekeys (
  client_hash TEXT NOT NULL REFERENCES clients(client_hash) ON DELETE CASCADE,
  key_id INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  PRIMARY KEY (client_hash, key_id)
);

CREATE TABLE server_keys (
  purpose TEXT NOT NULL,
  kid INTEGER NOT NULL,
  key_hex TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (purpose, kid)
);

CREATE TABLE blocked_pairs (
  pair_hash TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL
);
