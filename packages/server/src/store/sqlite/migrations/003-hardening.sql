-- Pending envelopes per recipient device, kept by triggers (also through cascading deletes), so
-- the relay's quota check (core/relay/pending-quota.ts) is one indexed read, not a scan of a backlog.
-- `bytes` counts ciphertext characters (base64, so bytes on the wire).
CREATE TABLE pending_totals (
  client_hash TEXT PRIMARY KEY REFERENCES clients(client_hash) ON DELETE CASCADE,
  envelopes INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);

INSERT INTO pending_totals (client_hash, envelopes, bytes)
  SELECT recipient_client, COUNT(*), SUM(LENGTH(ciphertext)) FROM envelopes GROUP BY recipient_client;

CREATE TRIGGER pending_totals_add AFTER INSERT ON envelopes BEGIN
  INSERT INTO pending_totals (client_hash, envelopes, bytes)
    VALUES (NEW.recipient_client, 1, LENGTH(NEW.ciphertext))
    ON CONFLICT (client_hash) DO UPDATE
      SET envelopes = envelopes + 1, bytes = bytes + excluded.bytes;
END;

CREATE TRIGGER pending_totals_remove AFTER DELETE ON envelopes BEGIN
  UPDATE pending_totals
    SET envelopes = envelopes - 1, bytes = bytes - LENGTH(OLD.ciphertext)
    WHERE client_hash = OLD.recipient_client;
END;
