-- The map's counts: one covering index over what it groups by, so that counting every listed
-- signatory by country, public place, tier and kind reads the index instead of the table.

-- +goose Up
CREATE INDEX signatories_map ON signatories (listed, country, vis_city, place_id, tier, kind);

-- +goose Down
DROP INDEX signatories_map;
