-- When a signatory reached the tier they hold: the awardedDate of their Advocate or Ambassador
-- badge, which stays the same when the badge is signed again later. Set by each recomputation
-- that changes the tier; NULL when unknown (the badge then says it was awarded when issued).
-- Signatories who hold a tier already take the time their live badge of it was issued.

-- +goose Up
ALTER TABLE signatories ADD COLUMN tier_since TIMESTAMPTZ;
UPDATE signatories SET tier_since = (SELECT min(c.issued_at) FROM credentials c
    WHERE c.signatory_id = signatories.id AND c.kind = signatories.tier AND c.revoked_at IS NULL)
WHERE tier <> 'signatory';

-- +goose Down
ALTER TABLE signatories DROP COLUMN tier_since;
