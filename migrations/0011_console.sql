-- Up Migration
-- The operator console (docs/console.md): operator accounts with a role and a scrypt password hash,
-- their sessions (only a SHA-256 of the cookie is stored; the CSRF token is bound to the session),
-- lock-out after repeated failed logins. Nodes get a pause flag (no push while paused; the inbox
-- still serves) and the last time they called the hub (written at most every 30 s per process).
CREATE TABLE operators (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  password_hash text NOT NULL,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL,
  password_changed_at timestamptz NOT NULL
);

CREATE TABLE operator_sessions (
  id_sha256 text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
  operator_name text NOT NULL REFERENCES operators (name) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  address text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);

ALTER TABLE nodes
  ADD COLUMN paused_at timestamptz,
  ADD COLUMN last_seen_at timestamptz;

-- The audit view: changes made by people (CLI `operator:<user>`, console `console:<name>`).
CREATE INDEX events_audit ON events (id) WHERE actor LIKE 'operator:%' OR actor LIKE 'console:%';
-- Statistics and overdue lists read deliveries by when their message arrived and their state.
CREATE INDEX messages_received ON messages (received_at);
CREATE INDEX messages_document_id ON messages (document_id);
CREATE INDEX delivery_attempts_started ON delivery_attempts (started_at);

-- Down Migration
DROP INDEX delivery_attempts_started;
DROP INDEX messages_received;
DROP INDEX messages_document_id;
DROP INDEX events_audit;
ALTER TABLE nodes DROP COLUMN paused_at, DROP COLUMN last_seen_at;
DROP TABLE operator_sessions;
DROP TABLE operators;
