-- Up Migration
-- Organ ids in the wild are not all QĐ 20/2020-shaped (the SDK's SaaS gateway sends as `vxp.saas.03`):
-- the directory decides which ids exist, and the shape is only a warning (src/routing/organ-id.ts).
-- An organization's id becomes any identifier the hub can store and route: 1-64 characters of
-- 0-9 A-Z a-z . _ -, the first a letter or digit (isOrganId). Child-hub subtree roots keep the
-- QĐ 20/2020 rule (node_subtrees_root_organ_id_check is unchanged): subtrees are read from that
-- structure. The constraint name is the one Postgres (and PGlite) gave the inline check of 0001.

ALTER TABLE organizations DROP CONSTRAINT organizations_organ_id_check;
ALTER TABLE organizations ADD CONSTRAINT organizations_organ_id_check
  CHECK (organ_id ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$');

-- Down Migration
-- Fails while an organization has an id outside QĐ 20/2020's alphabet: retire those first.
ALTER TABLE organizations DROP CONSTRAINT organizations_organ_id_check;
ALTER TABLE organizations ADD CONSTRAINT organizations_organ_id_check
  CHECK (organ_id ~ '^[0-9A-Z]+(\.[0-9A-Z]+)*$' AND length(organ_id) <= 35);
