-- badges counts the badges signed and revoked, apart from the registry's other changes: they show
-- on a signatory's own pages, not in the counts of the home page, the map and the lists, so a
-- backlog of badges being signed does not make every server recount the registry after each batch.

-- +goose Up
ALTER TABLE change_counter ADD COLUMN badges INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE change_counter DROP COLUMN badges;
