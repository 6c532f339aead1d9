-- Identity v2 (issue 10). `secret_kind` says what `secret_hash` hashes: 'raw' = the secret itself
-- (accounts made while the server generated secrets, or imported from v1: the server knew it),
-- 'authenticator' = the HKDF authenticator the device derives (the server never sees the secret).
-- `legacy_secret` marks accounts that must rotate at their next sign-in; `identity_key` is the
-- account's Ed25519 identity key (public, base64) that certifies its devices.
ALTER TABLE users ADD COLUMN secret_kind TEXT NOT NULL DEFAULT 'raw';
ALTER TABLE users ADD COLUMN legacy_secret BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN identity_key TEXT;
-- A client signed in with a legacy secret may only rotate it.
ALTER TABLE clients ADD COLUMN rotation_only BOOLEAN NOT NULL DEFAULT FALSE;
