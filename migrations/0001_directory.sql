-- Up Migration
-- The directory: nodes (connected systems and peer hubs), their credentials, the organizations they
-- serve, and the signer certificates pinned per organization. Runs unchanged on Postgres 15+ and
-- on PGlite (Postgres 18 in WASM); no extension is needed.

CREATE TABLE nodes (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
  name text NOT NULL,
  -- system: an e-office installation or test client; peer_hub: a child hub serving a subtree;
  -- parent_hub: the hub above this one (at most one).
  kind text NOT NULL DEFAULT 'system' CHECK (kind IN ('system', 'peer_hub', 'parent_hub')),
  -- require: packages must carry a valid, trusted, bound signature. legacy-unsigned: SDK placeholder
  -- signatures pass and are never reported as verified.
  signature_policy text NOT NULL DEFAULT 'require' CHECK (signature_policy IN ('require', 'legacy-unsigned')),
  -- Push delivery (used by the delivery engine); null = the node polls its inbox.
  webhook_url text,
  webhook_secret text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- "At most one parent hub" (architecture, hubs of hubs), enforced by the database.
CREATE UNIQUE INDEX nodes_single_parent_hub ON nodes ((kind)) WHERE kind = 'parent_hub';

-- Bearer tokens (SHA-256 of the token text) and mTLS client certificates (SHA-256 of the DER).
-- Plain tokens are never stored; a rotated token keeps its row with revoked_at set.
CREATE TABLE node_credentials (
  id uuid PRIMARY KEY,
  node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('token', 'client_cert')),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE UNIQUE INDEX node_credentials_active ON node_credentials (kind, sha256) WHERE revoked_at IS NULL;
CREATE INDEX node_credentials_node ON node_credentials (node_id);

-- Organizations by their QĐ 20/2020 electronic identifier. parent_id and successor_id are not
-- foreign keys: a hub holds part of the national directory, and a parent or successor may be known
-- only to another hub. The directory import reports dangling references as warnings.
CREATE TABLE organizations (
  organ_id text PRIMARY KEY CHECK (organ_id ~ '^[0-9A-Z]+(\.[0-9A-Z]+)*$' AND length(organ_id) <= 35),
  name text NOT NULL CHECK (length(name) > 0),
  level text NOT NULL CHECK (level IN ('central', 'province', 'district', 'commune', 'unit')),
  parent_id text,
  node_id text REFERENCES nodes (id) ON DELETE SET NULL,
  -- Calendar days in Vietnam time, both inclusive; null = open-ended.
  valid_from date,
  valid_to date,
  successor_id text CHECK (successor_id <> organ_id),
  -- True when the organ id was derived by a documented rule rather than taken from an official list.
  synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE INDEX organizations_node ON organizations (node_id);

-- Child hubs: a peer_hub node serves every organ id under these subtree roots (e.g. 000.00.00.H29:
-- everything whose level-1 group is H29), besides the organizations assigned to it by node_id.
CREATE TABLE node_subtrees (
  node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  root_organ_id text NOT NULL CHECK (root_organ_id ~ '^[0-9A-Z]+(\.[0-9A-Z]+)*$'),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (node_id, root_organ_id)
);

-- Signer certificates pinned for the organizations a node sends as (SHA-256 of the DER certificate).
CREATE TABLE signer_bindings (
  node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  organ_id text NOT NULL REFERENCES organizations (organ_id) ON DELETE CASCADE,
  cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
  subject text,
  not_after timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (node_id, organ_id, cert_sha256)
);
CREATE INDEX signer_bindings_organ ON signer_bindings (organ_id);

-- Down Migration
DROP TABLE signer_bindings;
DROP TABLE node_subtrees;
DROP TABLE organizations;
DROP TABLE node_credentials;
DROP TABLE nodes;
