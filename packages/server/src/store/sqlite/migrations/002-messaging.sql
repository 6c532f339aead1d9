-- Active chats only: an ended chat is deleted, so the server cannot tell later who talked to whom.
CREATE TABLE chats (
  chat_id TEXT PRIMARY KEY,
  user_a TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  user_b TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  origin TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX chats_by_a ON chats(user_a);
CREATE INDEX chats_by_b ON chats(user_b);

-- Pending envelopes; a recipient client's pending envelopes, in id order, form its message blocks.
CREATE TABLE envelopes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient_client TEXT NOT NULL REFERENCES clients(client_hash) ON DELETE CASCADE,
  from_user TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  from_client TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  ciphertext TEXT NOT NULL,
  cf TEXT NOT NULL,
  rf TEXT NOT NULL,
  kid INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX envelopes_by_recipient ON envelopes(recipient_client, id);
CREATE INDEX envelopes_by_expiry ON envelopes(expires_at);

CREATE TABLE prekey_bundles (
  client_hash TEXT PRIMARY KEY REFERENCES clients(client_hash) ON DELETE CASCADE,
  bundle TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE one_time_prekeys (
  client_hash TEXT NOT NULL REFERENCES clients(client_hash) ON DELETE CASCADE,
  key_id INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  PRIMARY KEY (client_hash, key_id)
);

-- Server secrets for franking tags (rf); kept so reports can be verified after a restart.
CREATE TABLE server_keys (
  purpose TEXT NOT NULL,
  kid INTEGER NOT NULL,
  key_hex TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (purpose, kid)
);

-- MLBS pair layer: a keyed hash of the blocked pair, never the two user_hashes.
CREATE TABLE blocked_pairs (
  pair_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);
