-- Up Migration
-- The evidence log (docs/evidence.md): every event (acceptance with its verdict and SHA-256,
-- forwarding, delivery, acknowledgement, status, operator action…) becomes an entry of an
-- append-only hash chain, and the hub signs the chain's head from time to time.
--
-- Events are chained by the hub after their transaction has ended, in the order of the transaction
-- that wrote them (xact_id) and then of their id, up to the oldest transaction still running: a
-- running transaction holds back the events after it, and none can slip in behind the chain's end
-- (the cursor is the event of the last entry). The database itself refuses an entry that does not
-- extend the chain (wrong seq, wrong previous hash, a hash that is not the formula's) and any
-- update, delete or truncate of the log or of the signed heads.

-- The writing transaction of every event (the existing ones get the migration's).
ALTER TABLE events ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_xact ON events (xact_id, id);

CREATE TABLE evidence_log (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  event_id bigint NOT NULL UNIQUE REFERENCES events (id),
  message_id uuid,
  prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  -- The entry as JSON text, hashed as stored (UTF-8).
  body text NOT NULL
);
CREATE INDEX evidence_log_message ON evidence_log (message_id, seq) WHERE message_id IS NOT NULL;

-- hash = SHA-256("lienthong-evidence/1" LF ‖ seq as 8 bytes big-endian ‖ prev_hash
--                 ‖ SHA-256(message id as text, '' when none) ‖ SHA-256(body)).
-- The message id is hashed apart so that a bundle can show another message's entry by its two
-- digests, and a checker can still see that entry is not about the bundle's message.
CREATE FUNCTION lienthong_evidence_entry_hash(seq bigint, prev_hash bytea, message_id uuid, body text)
  RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(convert_to(E'lienthong-evidence/1\n', 'UTF8') || int8send(seq) || prev_hash
    || sha256(convert_to(COALESCE(message_id::text, ''), 'UTF8')) || sha256(convert_to(body, 'UTF8')))
$$;

CREATE FUNCTION lienthong_evidence_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash bytea;
BEGIN
  -- One writer at a time extends the chain: the lock makes "the last entry" stable until commit.
  -- Keyed by schema: hubs in other schemas of the same database keep their own chains.
  PERFORM pg_advisory_xact_lock(7462001, hashtext(current_schema()));
  SELECT seq, hash INTO last_seq, last_hash FROM evidence_log ORDER BY seq DESC LIMIT 1;
  IF NEW.seq <> COALESCE(last_seq, 0) + 1 THEN
    RAISE EXCEPTION 'evidence entry % does not follow entry %', NEW.seq, COALESCE(last_seq, 0)
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.prev_hash <> COALESCE(last_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) THEN
    RAISE EXCEPTION 'evidence entry % does not carry the hash of the entry before it', NEW.seq
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.hash IS DISTINCT FROM lienthong_evidence_entry_hash(NEW.seq, NEW.prev_hash, NEW.message_id, NEW.body) THEN
    RAISE EXCEPTION 'evidence entry % has a hash that is not the hash of its content', NEW.seq
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER evidence_log_extends_chain BEFORE INSERT ON evidence_log
  FOR EACH ROW EXECUTE FUNCTION lienthong_evidence_extends_chain();

CREATE FUNCTION lienthong_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the evidence log is append-only (% on % refused)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER evidence_log_append_only BEFORE UPDATE OR DELETE ON evidence_log
  FOR EACH ROW EXECUTE FUNCTION lienthong_evidence_append_only();
CREATE TRIGGER evidence_log_no_truncate BEFORE TRUNCATE ON evidence_log
  FOR EACH STATEMENT EXECUTE FUNCTION lienthong_evidence_append_only();

-- Signed heads of the chain: the hub's signature over (hub, seq, hash, signed_at), and an RFC 3161
-- timestamp token when a timestamping authority is configured.
CREATE TABLE evidence_heads (
  seq bigint PRIMARY KEY REFERENCES evidence_log (seq),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  hub_id text NOT NULL,
  signed_at timestamptz NOT NULL,
  algorithm text NOT NULL,
  signature bytea NOT NULL,
  certificate text NOT NULL,
  timestamp_token bytea
);
CREATE TRIGGER evidence_heads_append_only BEFORE UPDATE OR DELETE ON evidence_heads
  FOR EACH ROW EXECUTE FUNCTION lienthong_evidence_append_only();
CREATE TRIGGER evidence_heads_no_truncate BEFORE TRUNCATE ON evidence_heads
  FOR EACH STATEMENT EXECUTE FUNCTION lienthong_evidence_append_only();

-- The key the hub signs heads with when none is configured (LIENTHONG_EVIDENCE_KEY/_CERT): made
-- once, at the first signing. Production hubs configure a key certified by their CA instead.
CREATE TABLE evidence_signer (
  id smallint PRIMARY KEY CHECK (id = 1),
  key_pem text NOT NULL,
  certificate_pem text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE evidence_signer;
DROP TABLE evidence_heads;
DROP TABLE evidence_log;
DROP FUNCTION lienthong_evidence_append_only();
DROP FUNCTION lienthong_evidence_extends_chain();
DROP FUNCTION lienthong_evidence_entry_hash(bigint, bytea, uuid, text);
DROP INDEX events_xact;
ALTER TABLE events DROP COLUMN xact_id;
