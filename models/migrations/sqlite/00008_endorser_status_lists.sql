-- Every endorsement credential is revocable by an independent verifier. An endorsement is issued
-- by the endorser's custodial did:web, and verifiers refuse a status list issued by anyone but
-- the credential's issuer, so each endorser has a status list of their own, signed with their
-- key and served at /signatories/{id}/status. status_issuer is the endorser whose list holds the
-- credential, issuer_index its entry there (given in order from 0; 131072 entries per list).
-- The registry's own list entry (status_list, status_index) stays allocated as for every
-- credential but is not what the endorsement's document points at.
--
-- Endorsement credentials are issued by the credential worker, never on request: the accepted
-- endorsements that have no live credential yet are queued here, as bulk work.

-- +goose Up
ALTER TABLE credentials ADD COLUMN issuer_index INTEGER CHECK (issuer_index IS NULL OR (issuer_index >= 0 AND issuer_index < 131072));
ALTER TABLE credentials ADD COLUMN status_issuer INTEGER REFERENCES signatories (id)
    CHECK ((status_issuer IS NULL) = (issuer_index IS NULL) AND (status_issuer IS NULL OR kind = 'endorsement'));
CREATE UNIQUE INDEX credentials_issuer_status ON credentials (status_issuer, issuer_index) WHERE status_issuer IS NOT NULL;
INSERT INTO issuance_outbox (signatory_id, kind, action, endorsement_id, reason, created_at, attempts, last_error, priority)
SELECT e.to_id, 'endorsement', 'issue', e.id, '', strftime('%Y-%m-%d %H:%M:%S+00:00', 'now'), 0, '', 1 FROM endorsements e
WHERE e.status = 'accepted'
  AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.endorsement_id = e.id AND c.revoked_at IS NULL AND c.kind = 'endorsement')
ON CONFLICT DO NOTHING;

-- +goose Down
DROP INDEX credentials_issuer_status;
ALTER TABLE credentials DROP COLUMN status_issuer;
ALTER TABLE credentials DROP COLUMN issuer_index;
