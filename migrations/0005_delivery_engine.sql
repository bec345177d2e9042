-- Up Migration
-- The delivery engine: per-node push settings, the send lease that keeps two workers from pushing
-- the same delivery at once, attempt durations, receipt events for senders (with their own outbox
-- rows), and the indexes the relay and the reconciler read.

-- Per-node delivery settings; NULL = the hub's default (docs/operations.md lists them).
ALTER TABLE nodes
  ADD COLUMN retry_max_attempts integer CHECK (retry_max_attempts BETWEEN 1 AND 1000),
  ADD COLUMN retry_max_age_seconds integer CHECK (retry_max_age_seconds BETWEEN 1 AND 31536000),
  ADD COLUMN retry_base_delay_ms integer CHECK (retry_base_delay_ms BETWEEN 1 AND 86400000),
  ADD COLUMN retry_max_delay_ms integer CHECK (retry_max_delay_ms BETWEEN 1 AND 86400000),
  ADD COLUMN breaker_failure_threshold integer CHECK (breaker_failure_threshold BETWEEN 1 AND 1000),
  ADD COLUMN breaker_open_ms integer CHECK (breaker_open_ms BETWEEN 1 AND 86400000),
  -- Receipt events pushed to this node's webhook about the messages it sent (default on).
  ADD COLUMN receipts boolean NOT NULL DEFAULT true;

-- A worker that starts a push holds the delivery until send_lease_until (`sending`). Another worker
-- takes it over only once the lease has run out (the first one died): never two pushes at once.
ALTER TABLE deliveries
  ADD COLUMN send_lease_until timestamptz,
  -- HTTP status of the last attempt, when one came (the failed receipt reports it).
  ADD COLUMN last_http_status integer,
  -- Attempts made before the last operator retry: the retry budget (maximum attempts and age)
  -- counts from the attempt after them, while attempt numbers keep growing.
  ADD COLUMN retry_base_attempts integer NOT NULL DEFAULT 0;

ALTER TABLE delivery_attempts
  ADD COLUMN duration_ms integer CHECK (duration_ms >= 0),
  -- Short safe detail (socket error code, start of the receiver's refusal).
  ADD COLUMN error_detail text;

-- The unfinished deliveries, by id: what the reconciler pages through.
CREATE INDEX deliveries_unfinished ON deliveries (id) WHERE state IN ('queued', 'retrying', 'sending');
-- Failed deliveries by node: what operators list, count and retry.
CREATE INDEX deliveries_failed ON deliveries (node_id, updated_at) WHERE state = 'failed';

-- Receipt events for the sender node of a message (docs/webhooks.md, "Receipt events"): one per
-- delivery that became delivered, failed or forwarded, pushed to the sender's webhook like a package.
-- Written by the trigger below in the transaction that changes the delivery, whoever changes it
-- (a webhook worker, a polling node's ack, an operator).
CREATE TABLE receipts (
  id uuid PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  -- The node the receipt goes to: the message's sender node.
  node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  event text NOT NULL CHECK (event IN ('delivered', 'failed', 'forwarded')),
  occurred_at timestamptz NOT NULL,
  -- Attempts the delivery had made when it settled, its error code and the receiver's HTTP status.
  delivery_attempts integer NOT NULL,
  error_code text,
  http_status integer,
  state text NOT NULL CHECK (state IN ('queued', 'sending', 'delivered', 'retrying', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  first_attempt_at timestamptz,
  next_attempt_at timestamptz,
  send_lease_until timestamptz,
  last_error text,
  last_http_status integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  delivered_at timestamptz
);
CREATE INDEX receipts_delivery ON receipts (delivery_id);
CREATE INDEX receipts_unfinished ON receipts (id) WHERE state IN ('queued', 'retrying', 'sending');

-- The outbox carries receipts too: exactly one of delivery_id, receipt_id.
ALTER TABLE outbox ALTER COLUMN delivery_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN receipt_id uuid REFERENCES receipts (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD CONSTRAINT outbox_one_target CHECK ((delivery_id IS NULL) <> (receipt_id IS NULL));

CREATE FUNCTION lienthong_delivery_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  receipt uuid;
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('delivered', 'failed', 'forwarded') THEN
    INSERT INTO receipts (id, delivery_id, message_id, node_id, event, occurred_at, delivery_attempts,
                          error_code, http_status, state, created_at, updated_at)
    SELECT gen_random_uuid(), NEW.id, NEW.message_id, n.id, NEW.state, NEW.updated_at, NEW.attempts,
           CASE WHEN NEW.state = 'failed' THEN NEW.last_error END,
           CASE WHEN NEW.state = 'failed' THEN NEW.last_http_status END,
           'queued', NEW.updated_at, NEW.updated_at
    FROM messages m JOIN nodes n ON n.id = m.sender_node_id
    WHERE m.id = NEW.message_id AND n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL AND n.receipts
    RETURNING id INTO receipt;
    IF receipt IS NOT NULL THEN
      INSERT INTO outbox (receipt_id, priority, available_at, created_at)
      VALUES (receipt, 0, NEW.updated_at, NEW.updated_at);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER deliveries_receipt AFTER UPDATE OF state ON deliveries
  FOR EACH ROW EXECUTE FUNCTION lienthong_delivery_receipt();

-- Down Migration
DROP TRIGGER deliveries_receipt ON deliveries;
DROP FUNCTION lienthong_delivery_receipt();
ALTER TABLE outbox DROP CONSTRAINT outbox_one_target;
ALTER TABLE outbox DROP COLUMN receipt_id;
DELETE FROM outbox WHERE delivery_id IS NULL;
ALTER TABLE outbox ALTER COLUMN delivery_id SET NOT NULL;
DROP TABLE receipts;
DROP INDEX deliveries_failed;
DROP INDEX deliveries_unfinished;
ALTER TABLE delivery_attempts DROP COLUMN error_detail, DROP COLUMN duration_ms;
ALTER TABLE deliveries DROP COLUMN retry_base_attempts, DROP COLUMN last_http_status, DROP COLUMN send_lease_until;
ALTER TABLE nodes
  DROP COLUMN receipts, DROP COLUMN breaker_open_ms, DROP COLUMN breaker_failure_threshold,
  DROP COLUMN retry_max_delay_ms, DROP COLUMN retry_base_delay_ms, DROP COLUMN retry_max_age_seconds,
  DROP COLUMN retry_max_attempts;
