-- Up Migration
-- A status package's Description (e.g. why a 02 refused the document) is the recipient's own words,
-- kept apart from `note`, which says why the hub flagged the code as inconsistent.

ALTER TABLE business_statuses ADD COLUMN description text;

-- Down Migration
ALTER TABLE business_statuses DROP COLUMN description;
