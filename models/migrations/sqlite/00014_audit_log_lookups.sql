-- What a member's network page and the download of their data read from the audit log: the
-- entries about one entry or account (subject) and those one account made (actor). Without
-- these, both read the whole log, which grows with every change in the registry.

-- +goose Up
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
CREATE INDEX audit_log_actor ON audit_log (actor_account_id);

-- +goose Down
DROP INDEX audit_log_actor;
DROP INDEX audit_log_subject;
