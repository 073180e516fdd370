-- A person's own badge goes ahead of bulk work: every outbox job has a priority, and the worker
-- takes open jobs by priority, then in the order they were queued. 0 is interactive work (a
-- signature, a verification, a withdrawal, an administrator's action), 1 bulk work (an import,
-- the demo, a tier recomputation that changes many tiers), 2 a job whose signing failed and is
-- tried again after everything else. The jobs open when this runs are an older backlog: bulk.
-- The index replaces issuance_outbox_pending (open jobs in id order) with the order the worker
-- reads, so that taking the next batch never sorts the whole backlog.

-- +goose Up
ALTER TABLE issuance_outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1, 2));
UPDATE issuance_outbox SET priority = 1 WHERE done_at IS NULL;
DROP INDEX issuance_outbox_pending;
CREATE INDEX issuance_outbox_pending ON issuance_outbox (priority, id) WHERE done_at IS NULL;

-- +goose Down
DROP INDEX issuance_outbox_pending;
CREATE INDEX issuance_outbox_pending ON issuance_outbox (id) WHERE done_at IS NULL;
ALTER TABLE issuance_outbox DROP COLUMN priority;
