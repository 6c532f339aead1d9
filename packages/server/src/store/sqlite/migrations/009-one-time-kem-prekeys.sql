-- One-time ML-KEM-768 prekeys (PQXDH): like one_time_prekeys, each handed out once with the bundle
-- and deleted in the same step; the signature is the device's over (id, key), checked by clients.
CREATE TABLE one_time_kem_prekeys (
  client_hash TEXT NOT NULL REFERENCES clients(client_hash) ON DELETE CASCADE,
  key_id INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (client_hash, key_id)
);
