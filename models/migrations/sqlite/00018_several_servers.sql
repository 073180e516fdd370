-- The change counter gains graph, which counts the changes of the endorsement graph; it replaces
-- the setting trust_version, carried over so that tiers computed before stay current. PostgreSQL
-- spreads the counter over 32 rows so that concurrent writes do not queue on one row; SQLite has
-- one writer at a time anyway and keeps its one row (the counts are the sums on both engines).

-- +goose Up
ALTER TABLE change_counter ADD COLUMN graph INTEGER NOT NULL DEFAULT 0;
UPDATE change_counter SET graph = COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'trust_version'), 0)
    WHERE id = 1;
DELETE FROM settings WHERE key = 'trust_version';

-- The claims in force, which every server reads each second to take back the jobs of a server
-- that stopped: a handful of rows, however long the queue.
CREATE INDEX jobs_claimed ON jobs (id) WHERE leased_by IS NOT NULL AND done_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP INDEX jobs_claimed;
INSERT INTO settings (key, value) SELECT 'trust_version', CAST(graph AS TEXT) FROM change_counter WHERE id = 1 AND graph > 0;
ALTER TABLE change_counter DROP COLUMN graph;
