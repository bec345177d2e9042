-- Up Migration
-- Hubs of hubs (docs/federation.md): this hub's own settings (its hub id when LIENTHONG_HUB_ID is
-- not set), its peer hubs and how to reach them, which organizations a child hub reported, the
-- downstream path of each delivery handed to another hub, and receipts for peer hubs.

CREATE TABLE hub_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- A peer hub is a node of kind peer_hub (a child) or parent_hub (the parent); this row says how this
-- hub reaches it. Its token to call this hub is an ordinary node token (node_credentials).
CREATE TABLE peer_hubs (
  node_id text PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
  -- lienthong: its node API with a bearer token; vxp: a VXP endpoint (the national axis) with the
  -- system id and secret it issued to this hub.
  protocol text NOT NULL DEFAULT 'lienthong' CHECK (protocol IN ('lienthong', 'vxp')),
  -- Base URL; null when this hub cannot reach it (a child behind a network that allows no inbound
  -- connection pulls instead).
  url text,
  -- Credentials this hub presents to it; kept in clear because they are sent (like webhook secrets).
  token text,
  system_id text,
  secret text,
  -- How often a VXP parent is polled for packages, ms.
  poll_interval_ms integer NOT NULL DEFAULT 30000 CHECK (poll_interval_ms BETWEEN 100 AND 86400000),
  -- Directory exchange. On a parent's row: the version and organ ids this hub last reported to it.
  -- On a child's row: the version the child last reported to this hub.
  directory_version bigint NOT NULL DEFAULT 0,
  directory_reported jsonb NOT NULL DEFAULT '[]',
  last_contact_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (protocol = 'lienthong' OR (system_id IS NOT NULL AND secret IS NOT NULL))
);

-- Organizations a child hub reported serving (assigned to it by node_id); a later report that drops
-- one unassigns it, while an operator's own assignment is never touched by a report.
ALTER TABLE organizations ADD COLUMN reported_by text REFERENCES nodes (id) ON DELETE SET NULL;

ALTER TABLE deliveries
  -- The path beyond this hub as the next hubs reported it: [{ hub, acceptedAt, deliveredAt }].
  ADD COLUMN hops jsonb NOT NULL DEFAULT '[]',
  -- For a message forwarded to this hub: the recipient as the hub before this one named it (its
  -- receipts are keyed by it), when this hub resolved it further (a successor it knows of).
  ADD COLUMN upstream_organ_id text;

-- Receipts also go to peer hubs (with or without a webhook): the hub before this one on a message's
-- path learns from them that its forwarded delivery was delivered, failed, or went one hop further.
CREATE OR REPLACE FUNCTION lienthong_delivery_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
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
    WHERE m.id = NEW.message_id
      AND ((n.kind <> 'system'
            -- a VXP parent has no receipts in its protocol: it learns nothing from them
            AND NOT EXISTS (SELECT 1 FROM peer_hubs p WHERE p.node_id = n.id AND p.protocol = 'vxp'))
           OR (n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL AND n.receipts))
    RETURNING id INTO receipt;
    IF receipt IS NOT NULL THEN
      INSERT INTO outbox (receipt_id, priority, available_at, created_at)
      VALUES (receipt, 0, NEW.updated_at, NEW.updated_at);
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

-- A receipt going back to a peer hub takes the others waiting for that hub along (one request).
CREATE INDEX receipts_unfinished_node ON receipts (node_id, id) WHERE state IN ('queued', 'retrying', 'sending');

-- Down Migration
DROP INDEX receipts_unfinished_node;
CREATE OR REPLACE FUNCTION lienthong_delivery_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
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
ALTER TABLE deliveries DROP COLUMN upstream_organ_id, DROP COLUMN hops;
ALTER TABLE organizations DROP COLUMN reported_by;
DROP TABLE peer_hubs;
DROP TABLE hub_settings;
