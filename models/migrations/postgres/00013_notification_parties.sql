-- Notifications about an endorsement name the other party (the endorser for 'endorsement.received',
-- the endorsee for 'endorsement.accepted' and 'endorsement.declined') and the level endorsed.
-- The other party's row leaving the table leaves the notification without it (the page then
-- names nobody), it does not take the member's notification away.

-- +goose Up
ALTER TABLE notifications ADD COLUMN other_id BIGINT REFERENCES signatories (id) ON DELETE SET NULL;
ALTER TABLE notifications ADD COLUMN level TEXT CHECK (level IS NULL OR level = 'advocate' OR level = 'ambassador');

-- +goose Down
ALTER TABLE notifications DROP COLUMN level;
ALTER TABLE notifications DROP COLUMN other_id;
