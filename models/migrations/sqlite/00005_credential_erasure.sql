-- A credential's hosted copy can be withdrawn: when the name it carries is no longer what its
-- holder shows the public, or when its holder deletes their account, its stored document is
-- overwritten with '{}' and its addresses answer 410 Gone. The row stays, revoked, so that the
-- status list keeps telling wallets that hold a copy.

-- +goose Up
ALTER TABLE credentials ADD COLUMN erased_at TIMESTAMP
    CHECK (erased_at IS NULL OR (revoked_at IS NOT NULL AND document = '{}'));

-- +goose Down
ALTER TABLE credentials DROP COLUMN erased_at;
