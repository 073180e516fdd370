-- What the registry has to tell a member on their next visit. The first kind is 'tier.lost': a
-- recomputation lowered the member's tier (from_tier → to_tier) after a change in the
-- endorsements it rested on. The notifications issue extends this table (e-mail, other kinds);
-- read_at is NULL until the member has seen or dismissed it. A notification is about one
-- entry and goes with it (account deletion erases them; the tombstone keeps none).

-- +goose Up
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    signatory_id INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind <> ''),
    from_tier    TEXT CHECK (from_tier IS NULL OR from_tier = 'signatory' OR from_tier = 'advocate' OR from_tier = 'ambassador'),
    to_tier      TEXT CHECK (to_tier IS NULL OR to_tier = 'signatory' OR to_tier = 'advocate' OR to_tier = 'ambassador'),
    created_at   TIMESTAMP NOT NULL,
    read_at      TIMESTAMP,
    CHECK (kind <> 'tier.lost' OR (from_tier IS NOT NULL AND to_tier IS NOT NULL))
);
-- Every signed-in page asks for the unread ones of one entry.
CREATE INDEX notifications_unread ON notifications (signatory_id, id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
