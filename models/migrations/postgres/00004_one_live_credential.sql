-- Issuing is idempotent, whoever asks twice (two tier computations at once, two servers, a
-- worker retrying): a signatory holds at most one live credential per achievement, an
-- endorsement at most one live credential, and the outbox holds at most one open job per
-- signatory, achievement and action. Older databases may hold duplicates: the oldest live
-- credential is kept and the others revoked, the newest open job is kept and the others closed,
-- before the indexes are built.

-- +goose Up
UPDATE credentials SET revoked_at = now(), revoked_reason = 'duplicate'
WHERE revoked_at IS NULL AND kind <> 'endorsement' AND EXISTS (
    SELECT 1 FROM credentials o
    WHERE o.signatory_id = credentials.signatory_id AND o.kind = credentials.kind AND o.revoked_at IS NULL
      AND (o.issued_at < credentials.issued_at OR (o.issued_at = credentials.issued_at AND o.id < credentials.id)));
UPDATE credentials SET revoked_at = now(), revoked_reason = 'duplicate'
WHERE revoked_at IS NULL AND kind = 'endorsement' AND endorsement_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM credentials o
    WHERE o.endorsement_id = credentials.endorsement_id AND o.kind = 'endorsement' AND o.revoked_at IS NULL
      AND (o.issued_at < credentials.issued_at OR (o.issued_at = credentials.issued_at AND o.id < credentials.id)));
CREATE UNIQUE INDEX credentials_one_live ON credentials (signatory_id, kind) WHERE revoked_at IS NULL AND kind <> 'endorsement';
CREATE UNIQUE INDEX credentials_one_live_endorsement ON credentials (endorsement_id) WHERE revoked_at IS NULL AND kind = 'endorsement';

-- Looking for the open jobs of one signatory (closing duplicates here, and every queueing
-- afterwards) reads this index; it becomes unique once the duplicates are closed.
CREATE INDEX issuance_outbox_open_lookup ON issuance_outbox (signatory_id, kind, action) WHERE done_at IS NULL;
UPDATE issuance_outbox SET done_at = now(), last_error = 'duplicate'
WHERE done_at IS NULL AND EXISTS (
    SELECT 1 FROM issuance_outbox o
    WHERE o.done_at IS NULL AND o.signatory_id = issuance_outbox.signatory_id AND o.kind = issuance_outbox.kind
      AND o.action = issuance_outbox.action AND COALESCE(o.endorsement_id, 0) = COALESCE(issuance_outbox.endorsement_id, 0)
      AND o.id > issuance_outbox.id);
DROP INDEX issuance_outbox_open_lookup;
CREATE UNIQUE INDEX issuance_outbox_one_open ON issuance_outbox (signatory_id, kind, action, COALESCE(endorsement_id, 0)) WHERE done_at IS NULL;

-- +goose Down
DROP INDEX issuance_outbox_one_open;
DROP INDEX credentials_one_live_endorsement;
DROP INDEX credentials_one_live;
