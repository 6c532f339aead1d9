-- Moderation (MLBS): reports with verified evidence, strikes, appeals, moderators, audit.
-- What is kept and for how long: docs/security.md. Rules: docs/moderation.md.

-- A sealed proof that a chat existed, one row per member, kept for the report window after the
-- chat ended. Without the chat id (kept only by the two members) a row says nothing about who talked.
CREATE TABLE report_windows (
  lookup TEXT PRIMARY KEY,
  box TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX report_windows_by_expiry ON report_windows(expires_at);

-- reporter, reported, reporter_band and note are cleared when the evidence is purged; the rest is
-- the decision record. No foreign keys to users: a report outlives the deletion of either account.
CREATE TABLE reports (
  report_id TEXT PRIMARY KEY,
  dedupe TEXT NOT NULL UNIQUE,
  reporter TEXT,
  reported TEXT,
  reporter_band TEXT,
  reason TEXT NOT NULL,
  severity INTEGER NOT NULL,
  note TEXT,
  created_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  resolution TEXT,
  resolved_at BIGINT,
  resolved_by TEXT,
  strike_id TEXT,
  evidence_expires_at BIGINT NOT NULL,
  purged BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX reports_queue ON reports(status, severity, created_at);
CREATE INDEX reports_by_reported ON reports(reported, created_at);
CREATE INDEX reports_by_reporter ON reports(reporter, created_at);
CREATE INDEX reports_by_expiry ON reports(purged, evidence_expires_at);

CREATE TABLE report_evidence (
  report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  msg_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  kid INTEGER NOT NULL,
  body TEXT NOT NULL,
  kf TEXT NOT NULL,
  cf TEXT NOT NULL,
  rf TEXT NOT NULL,
  PRIMARY KEY (report_id, seq)
);

-- Every warning, restriction and ban, with its statement of reasons (JSON).
CREATE TABLE strikes (
  strike_id TEXT PRIMARY KEY,
  appeal_id TEXT NOT NULL UNIQUE,
  user_hash TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  automated BOOLEAN NOT NULL,
  report_id TEXT,
  created_at BIGINT NOT NULL,
  ends_at BIGINT,
  status TEXT NOT NULL,
  lifted_at BIGINT,
  decided_by TEXT NOT NULL,
  statement TEXT NOT NULL,
  applied_at BIGINT
);
CREATE INDEX strikes_by_user ON strikes(user_hash, created_at);
CREATE INDEX strikes_unapplied ON strikes(created_at) WHERE applied_at IS NULL;

CREATE TABLE appeals (
  appeal_id TEXT PRIMARY KEY REFERENCES strikes(appeal_id) ON DELETE CASCADE,
  strike_id TEXT NOT NULL,
  user_hash TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  decided_at BIGINT,
  decided_by TEXT,
  decision_reason TEXT
);
CREATE INDEX appeals_queue ON appeals(status, created_at);
CREATE INDEX appeals_by_user ON appeals(user_hash);

CREATE TABLE moderators (
  moderator_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE moderation_audit (
  seq BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT,
  target_id TEXT,
  reason TEXT NOT NULL
);
CREATE INDEX moderation_audit_by_at ON moderation_audit(at);

CREATE TABLE moderation_notes (
  note_id TEXT PRIMARY KEY,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX moderation_notes_by_target ON moderation_notes(target_kind, target_id, created_at);

-- A ban deletes the pending envelopes its account sent (and account deletion cascades on it).
CREATE INDEX envelopes_by_sender ON envelopes(from_user);
