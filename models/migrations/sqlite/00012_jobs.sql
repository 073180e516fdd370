-- One table for the registry's background work (package jobs): every job is a row of a kind with
-- a JSON payload, due at run_at. Workers claim the most urgent due job (priority 0, interactive
-- work a person waits for, before 1, bulk work; then the earliest due, then the oldest) by
-- setting a lease (lease_until, leased_by) and counting the attempt; a job whose lease ran out
-- (its process died) is claimed again. A run that fails records last_error and is due again
-- after a backoff; after max_attempts attempts it is dead (failed_at) and waits for an
-- administrator. unique_key, when set, allows one open job per key: a periodic job is one row
-- per kind ('periodic:<kind>') that is never done, only rescheduled.

-- +goose Up
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind <> ''),
    payload      TEXT NOT NULL DEFAULT '{}',
    priority     INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
    unique_key   TEXT CHECK (unique_key IS NULL OR unique_key <> ''),
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL DEFAULT 10 CHECK (max_attempts > 0),
    last_error   TEXT NOT NULL DEFAULT '',
    lease_until  TIMESTAMP,
    leased_by    TEXT,
    done_at      TIMESTAMP,
    failed_at    TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    CHECK (done_at IS NULL OR failed_at IS NULL),
    CHECK ((lease_until IS NULL) = (leased_by IS NULL))
);
-- The claim reads open jobs in this order.
CREATE INDEX jobs_due ON jobs (priority, run_at, id) WHERE done_at IS NULL AND failed_at IS NULL;
-- One open job per unique key.
CREATE UNIQUE INDEX jobs_unique_open ON jobs (unique_key) WHERE unique_key IS NOT NULL AND done_at IS NULL AND failed_at IS NULL;
-- The administrators' view: dead jobs, and open jobs that have failed at least once.
CREATE INDEX jobs_trouble ON jobs (id) WHERE failed_at IS NOT NULL OR (done_at IS NULL AND last_error <> '');
-- Finished jobs are pruned after a while.
CREATE INDEX jobs_done ON jobs (done_at) WHERE done_at IS NOT NULL;

-- +goose Down
DROP TABLE jobs;
