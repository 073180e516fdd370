-- Lists sort by name as well as newest first, by keyset in both directions: name_key is the
-- public name folded (every entry without a public name shares a key greater than any name),
-- written with the search words; migration 10 fills it for the entries already here. An
-- administrator may reject an organisation's signature with a reason the organisation reads.

-- +goose Up
ALTER TABLE signatories ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE signatories ADD COLUMN rejected_at TIMESTAMP;
ALTER TABLE signatories ADD COLUMN rejection TEXT NOT NULL DEFAULT '' CHECK (rejection = '' OR rejected_at IS NOT NULL);
CREATE INDEX signatories_name ON signatories (listed, name_key, id);
-- Countries and places can be small: sorting them by name must not walk the whole registry.
-- Kind and tier need no index of their own: each of their values is a large part of it.
CREATE INDEX signatories_name_country ON signatories (listed, country, name_key, id);
CREATE INDEX signatories_name_place ON signatories (listed, place_id, name_key, id);

-- +goose Down
DROP INDEX signatories_name_place;
DROP INDEX signatories_name_country;
DROP INDEX signatories_name;
ALTER TABLE signatories DROP COLUMN rejection;
ALTER TABLE signatories DROP COLUMN rejected_at;
ALTER TABLE signatories DROP COLUMN name_key;
