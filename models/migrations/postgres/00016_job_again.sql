-- A job asked for again while it runs (jobs.again): a queue worked off by one job at a time
-- (the credential outbox) queues its job in the transaction of each change; when that job is
-- already running, the change may have come after the run read the queue, so the run does not
-- close the job but puts it back, due at once. The claim clears the flag: a run reads the queue
-- after its claim, so it sees every change committed before.

-- +goose Up
ALTER TABLE jobs ADD COLUMN again BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE jobs DROP COLUMN again;
