-- Up Migration
-- The national-axis (VXP) endpoint: which nodes are VXP systems and with what shared secret,
-- IP allow-list and agency policy; and the registerAgency/deleteAgency requests that wait for an
-- operator. Failure reports and transport remarks of VXP systems are events (delivery_id set), so
-- they need no table of their own.

-- A VXP system is a node (same id: the systemId configured in the SDK) that authenticates with the
-- SDK's XroadVnpt-* HMAC. The scheme is a shared-key HMAC, so the hub must keep the secret itself
-- (not a hash of it): treat this column like a password store. It is never logged, never put in an
-- event and never shown again after `lienthong node add --vxp` printed it.
CREATE TABLE vxp_systems (
  node_id text PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
  secret text NOT NULL CHECK (length(secret) >= 16 AND secret ~ '^[\x21-\x7e]+$'),
  -- Addresses or CIDR blocks (IPv4/IPv6) the system may call from; empty = any address.
  ip_allow_list text[] NOT NULL DEFAULT '{}',
  -- refuse: registerAgency/deleteAgency are refused; pending-approval: they are filed for an operator.
  agency_policy text NOT NULL DEFAULT 'refuse' CHECK (agency_policy IN ('refuse', 'pending-approval')),
  -- Set to stop the system from authenticating without deleting it (its data stays).
  disabled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- registerAgency / deleteAgency from systems whose policy allows them. Nothing here is routable:
-- an operator's approval creates (or retires) the organization, served by the requesting node.
CREATE TABLE vxp_agency_requests (
  id uuid PRIMARY KEY,
  node_id text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  action text NOT NULL CHECK (action IN ('register', 'delete')),
  organ_id text NOT NULL,
  -- register only: what the SDK body said (pcode, name, mail, mobile, fax).
  parent_id text,
  name text,
  mail text,
  mobile text,
  fax text,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected', 'superseded')),
  requested_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text
);
-- One open request per (node, action, organization): a repeat is recognised, a change supersedes.
CREATE UNIQUE INDEX vxp_agency_requests_open ON vxp_agency_requests (node_id, action, organ_id)
  WHERE state = 'pending';
CREATE INDEX vxp_agency_requests_state ON vxp_agency_requests (state, requested_at);

-- Down Migration
DROP TABLE vxp_agency_requests;
DROP TABLE vxp_systems;
