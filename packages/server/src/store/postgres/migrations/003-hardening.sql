-- Pending envelopes per recipient device, kept by statement-level triggers (also through cascading
-- deletes), so the relay's quota check (core/relay/pending-quota.ts) is one indexed read. Rows are
-- upserted in client_hash order, so concurrent appends lock them in one order (no deadlocks).
-- `bytes` counts ciphertext bytes (base64, so bytes on the wire).
CREATE TABLE pending_totals (
  client_hash TEXT PRIMARY KEY REFERENCES clients(client_hash) ON DELETE CASCADE,
  envelopes BIGINT NOT NULL,
  bytes BIGINT NOT NULL
);

INSERT INTO pending_totals (client_hash, envelopes, bytes)
  SELECT recipient_client, COUNT(*), SUM(octet_length(ciphertext)) FROM envelopes GROUP BY recipient_client;

CREATE FUNCTION pending_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pending_totals AS t (client_hash, envelopes, bytes)
    SELECT recipient_client, COUNT(*), SUM(octet_length(ciphertext))
    FROM added GROUP BY recipient_client ORDER BY recipient_client
    ON CONFLICT (client_hash) DO UPDATE
      SET envelopes = t.envelopes + EXCLUDED.envelopes, bytes = t.bytes + EXCLUDED.bytes;
  RETURN NULL;
END $$;

CREATE FUNCTION pending_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM pending_totals
    WHERE client_hash IN (SELECT recipient_client FROM removed) ORDER BY client_hash FOR UPDATE;
  UPDATE pending_totals AS t
    SET envelopes = t.envelopes - r.n, bytes = t.bytes - r.b
    FROM (
      SELECT recipient_client, COUNT(*) AS n, SUM(octet_length(ciphertext)) AS b
      FROM removed GROUP BY recipient_client
    ) AS r
    WHERE t.client_hash = r.recipient_client;
  RETURN NULL;
END $$;

CREATE TRIGGER pending_totals_add AFTER INSERT ON envelopes
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION pending_totals_add();
CREATE TRIGGER pending_totals_remove AFTER DELETE ON envelopes
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION pending_totals_remove();
