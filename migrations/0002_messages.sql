-- Up Migration
-- Messages as received (exact bytes, SHA-256, parsed summary, verdict), their deliveries, delivery
-- attempts, business statuses, the outbox for the delivery engine, and the append-only event log.
-- Everything a 2xx promises is written in one transaction (invariant 1).

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('package', 'status')),
  sender_node_id text NOT NULL REFERENCES nodes (id),
  -- From/OrganId of the package or status.
  sender_organ_id text NOT NULL,
  -- Package: MessageHeader/DocumentId. Status: ResponseFor/DocumentId (the document it is about).
  document_id text NOT NULL,
  -- BussinessDocType 0 new, 1 revoke, 2 update, 3 replace (packages only).
  business_doc_type smallint CHECK (business_doc_type BETWEEN 0 AND 3),
  status_code text,
  priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 4),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  summary jsonb NOT NULL,
  verdict jsonb NOT NULL,
  -- The receipt the sender got, returned again when the same bytes are sent again (invariant 2).
  receipt jsonb,
  -- Hubs this message passed before reaching this one (transport metadata, never inside the bytes).
  hops jsonb NOT NULL DEFAULT '[]',
  received_at timestamptz NOT NULL,
  CHECK ((kind = 'package') = (business_doc_type IS NOT NULL)),
  CHECK ((kind = 'status') = (status_code IS NOT NULL))
);
-- The same bytes are one message, whoever sends them again (duplicate detection, race-safe).
CREATE UNIQUE INDEX messages_sha256 ON messages (sha256);
-- A new document (type 0) exists once per sender organization and DocumentId (the 409 rule).
CREATE UNIQUE INDEX messages_new_document ON messages (sender_organ_id, document_id)
  WHERE kind = 'package' AND business_doc_type = 0;
CREATE INDEX messages_document ON messages (sender_organ_id, document_id, received_at);
-- Statuses by the document they are about (ResponseFor/DocumentId).
CREATE INDEX messages_status_document ON messages (document_id) WHERE kind = 'status';

-- The exact bytes, apart from the row the queries read, so that they can move to a blob store.
CREATE TABLE message_bodies (
  message_id uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw bytea NOT NULL
);

CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  -- The organization that receives (after following successors).
  recipient_organ_id text NOT NULL,
  -- The organ id as addressed in the package; differs when a successor took over.
  addressed_organ_id text NOT NULL,
  node_id text NOT NULL REFERENCES nodes (id),
  route text NOT NULL CHECK (route IN ('local', 'child-hub', 'parent-hub')),
  state text NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'retrying', 'failed', 'revoked', 'forwarded')),
  priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 4),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  -- ack (the node acknowledged), webhook (push accepted), peer (the next hub reported delivery).
  delivered_by text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  delivered_at timestamptz,
  forwarded_at timestamptz,
  UNIQUE (message_id, recipient_organ_id)
);
-- The inbox: most urgent first, then oldest (invariant 6).
CREATE INDEX deliveries_inbox ON deliveries (node_id, priority DESC, created_at, id)
  WHERE state IN ('queued', 'retrying', 'sending');
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('queued', 'retrying');

CREATE TABLE delivery_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL CHECK (attempt >= 1),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'retryable', 'permanent')),
  http_status integer,
  error text,
  UNIQUE (delivery_id, attempt)
);

-- Business statuses (01..06, 13, 15, 16) per (document message, recipient organization). Codes out
-- of order are kept and flagged, never dropped.
CREATE TABLE business_statuses (
  id uuid PRIMARY KEY,
  document_message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  recipient_organ_id text NOT NULL,
  status_code text NOT NULL CHECK (status_code IN ('01', '02', '03', '04', '05', '06', '13', '15', '16')),
  status_message_id uuid REFERENCES messages (id) ON DELETE CASCADE,
  -- The Timestamp the status package carries (when the agency says it happened).
  at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  inconsistent boolean NOT NULL DEFAULT false,
  note text
);
CREATE INDEX business_statuses_document ON business_statuses (document_message_id, recipient_organ_id, at);
CREATE UNIQUE INDEX business_statuses_once ON business_statuses (status_message_id, recipient_organ_id)
  WHERE status_message_id IS NOT NULL;

-- Transactional outbox: written with the deliveries, relayed to the queue by the delivery engine.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  priority smallint NOT NULL,
  available_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  dispatched_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (priority DESC, id) WHERE dispatched_at IS NULL;
CREATE INDEX outbox_delivery ON outbox (delivery_id);

-- Every change of state, with a time and an actor (invariant 7). Append-only: see the trigger.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  type text NOT NULL,
  actor text NOT NULL,
  message_id uuid,
  delivery_id uuid,
  node_id text,
  organ_id text,
  document_id text,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_message ON events (message_id, id) WHERE message_id IS NOT NULL;
CREATE INDEX events_delivery ON events (delivery_id, id) WHERE delivery_id IS NOT NULL;
CREATE INDEX events_document ON events (document_id, id) WHERE document_id IS NOT NULL;
CREATE INDEX events_node ON events (node_id, id) WHERE node_id IS NOT NULL;

CREATE FUNCTION lienthong_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION lienthong_events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION lienthong_events_append_only();

-- Down Migration
DROP TABLE events;
DROP FUNCTION lienthong_events_append_only();
DROP TABLE outbox;
DROP TABLE business_statuses;
DROP TABLE delivery_attempts;
DROP TABLE deliveries;
DROP TABLE message_bodies;
DROP TABLE messages;
