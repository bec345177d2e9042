-- Up Migration
-- Large bodies beside the database (src/store/blob-store.ts): embedded Postgres keeps a body of
-- 1 MiB or more as a file named by its SHA-256, and the row says so instead of holding the bytes.
ALTER TABLE message_bodies
  ALTER COLUMN raw DROP NOT NULL,
  ADD COLUMN blob_sha256 text,
  ADD CONSTRAINT message_bodies_raw_or_blob CHECK ((raw IS NULL) <> (blob_sha256 IS NULL));

-- Down Migration
-- Rows whose bytes are in files cannot go back: refuse rather than lose them.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM message_bodies WHERE raw IS NULL) THEN
    RAISE EXCEPTION 'message bodies are kept as files; copy them back into raw before migrating down';
  END IF;
END
$$;
ALTER TABLE message_bodies
  DROP CONSTRAINT message_bodies_raw_or_blob,
  DROP COLUMN blob_sha256,
  ALTER COLUMN raw SET NOT NULL;
