-- The change counter was one row that every write transaction updated: on PostgreSQL each write
-- then waited for the one before it to commit, whatever it wrote. It is now spread over 32 rows
-- (slots): a write transaction bumps the slot its transaction id picks, so concurrent writes
-- rarely meet, and the registry's count is the sum of the slots, which still moves on every
-- committed write and never goes back.
--
-- graph counts the changes of the endorsement graph the same way; it replaces the setting
-- trust_version, a second single row bumped by every signature and endorsement. The graph's
-- version is the sum of the column, carried over so that tiers computed before stay current.

-- +goose Up
ALTER TABLE change_counter DROP CONSTRAINT IF EXISTS change_counter_id_check;
ALTER TABLE change_counter ADD CONSTRAINT change_counter_slot CHECK (id BETWEEN 1 AND 32);
ALTER TABLE change_counter ADD COLUMN graph BIGINT NOT NULL DEFAULT 0;
UPDATE change_counter SET graph = COALESCE((SELECT CAST(value AS BIGINT) FROM settings WHERE key = 'trust_version'), 0)
    WHERE id = 1;
DELETE FROM settings WHERE key = 'trust_version';
INSERT INTO change_counter (id, value, graph) SELECT slot, 0, 0 FROM generate_series(2, 32) AS slot;

-- The claims in force, which every server reads each second to take back the jobs of a server
-- that stopped: a handful of rows, however long the queue.
CREATE INDEX jobs_claimed ON jobs (id) WHERE leased_by IS NOT NULL AND done_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP INDEX jobs_claimed;
UPDATE change_counter SET value = (SELECT SUM(value) FROM change_counter) WHERE id = 1;
INSERT INTO settings (key, value) SELECT 'trust_version', CAST(SUM(graph) AS TEXT) FROM change_counter HAVING SUM(graph) > 0;
DELETE FROM change_counter WHERE id > 1;
ALTER TABLE change_counter DROP COLUMN graph;
ALTER TABLE change_counter DROP CONSTRAINT change_counter_slot;
ALTER TABLE change_counter ADD CONSTRAINT change_counter_id_check CHECK (id = 1);
