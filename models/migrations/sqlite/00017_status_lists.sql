-- Each status list credential, signed once and stored for every server on the database: the
-- registry's own lists (status_list, the number in /status/{n}) and each endorser's
-- (status_issuer, the signatory whose custodial identity signs /signatories/{id}/status).
--
-- version counts the changes of the list's bits; signed_version is the version the stored
-- document was signed from. A list is stale while signed_version < version: servers then sign
-- it afresh on request instead of serving the stored copy, and the credentials.status job signs
-- it and stores it under a compare-and-swap on signed_version, so a list revoked again while it
-- was being signed stays stale. The triggers below bump version in the very transaction that
-- revokes a credential (or imports a revoked one), whichever code path writes it: no write can
-- forget to, and a verifier never gets a copy older than a committed revocation. Issuing a
-- credential sets no bit, so it leaves the stored copy valid.

-- +goose Up
CREATE TABLE status_lists (
    id             INTEGER PRIMARY KEY,
    status_list    INTEGER UNIQUE CHECK (status_list > 0),
    status_issuer  INTEGER UNIQUE REFERENCES signatories (id),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    signed_version INTEGER NOT NULL DEFAULT 0 CHECK (signed_version >= 0 AND signed_version <= version),
    document       TEXT,
    signed_by      TEXT,
    signed_at      TIMESTAMP,
    CHECK ((status_list IS NULL) <> (status_issuer IS NULL)),
    CHECK ((document IS NULL) = (signed_version = 0) AND (document IS NULL) = (signed_by IS NULL)
        AND (document IS NULL) = (signed_at IS NULL))
);
-- The credentials.status job reads the stale lists in this order.
CREATE INDEX status_lists_stale ON status_lists (id) WHERE signed_version < version;

-- +goose StatementBegin
CREATE TRIGGER credentials_revoked_status AFTER UPDATE OF revoked_at ON credentials
WHEN OLD.revoked_at IS NOT NEW.revoked_at
BEGIN
    INSERT INTO status_lists (status_list) VALUES (NEW.status_list)
        ON CONFLICT (status_list) DO UPDATE SET version = version + 1;
    INSERT INTO status_lists (status_issuer) SELECT NEW.status_issuer WHERE NEW.status_issuer IS NOT NULL
        ON CONFLICT (status_issuer) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER credentials_inserted_revoked_status AFTER INSERT ON credentials
WHEN NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO status_lists (status_list) VALUES (NEW.status_list)
        ON CONFLICT (status_list) DO UPDATE SET version = version + 1;
    INSERT INTO status_lists (status_issuer) SELECT NEW.status_issuer WHERE NEW.status_issuer IS NOT NULL
        ON CONFLICT (status_issuer) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER credentials_inserted_revoked_status;
DROP TRIGGER credentials_revoked_status;
DROP TABLE status_lists;
