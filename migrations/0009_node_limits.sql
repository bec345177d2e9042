-- Up Migration
-- A node's own request limits (docs/security.md): requests per second and burst, package uploads
-- and bytes of uploads in flight at once. NULL = the hub's default (LIENTHONG_NODE_RATE, …);
-- 0 = no limit for this node. Set with `lienthong node set ID --rate … --burst … --max-uploads …
-- --max-upload-bytes …`.
ALTER TABLE nodes
  ADD COLUMN rate_limit integer CHECK (rate_limit >= 0),
  ADD COLUMN burst_limit integer CHECK (burst_limit >= 0),
  ADD COLUMN upload_limit integer CHECK (upload_limit >= 0),
  ADD COLUMN upload_bytes_limit bigint CHECK (upload_bytes_limit >= 0);

-- Down Migration
ALTER TABLE nodes
  DROP COLUMN rate_limit,
  DROP COLUMN burst_limit,
  DROP COLUMN upload_limit,
  DROP COLUMN upload_bytes_limit;
