-- The registry's schema. Tables that later features fill (identities, sessions, roles,
-- endorsements, credentials, the issuance outbox, the audit log) exist from the start so that
-- those features extend the schema instead of rewriting it.

-- Enumerations are checked as "x = 'a' OR x = 'b'" rather than "x IN ('a', 'b')": SQLite builds
-- a temporary table for an IN list each time a statement runs, which made every CHECK of a
-- bulk insert cost more than the row itself.

-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A single counter bumped by every write transaction. Other processes (a CLI import, a second
-- server) poll it to notice changes they did not make.
CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    blocked_at     TIMESTAMP,
    deleted_at     TIMESTAMP
);
CREATE INDEX accounts_email ON accounts (email) WHERE email <> '';

-- A login is keyed by (provider, subject), never by e-mail alone.
CREATE TABLE identities (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL CHECK (provider <> ''),
    subject        TEXT NOT NULL CHECK (subject <> ''),
    email          TEXT NOT NULL DEFAULT '',
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_account ON identities (account_id);

-- Server-side sessions; only a hash of the token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE roles (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role = 'admin'),
    granted_at TIMESTAMP NOT NULL,
    granted_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    PRIMARY KEY (account_id, role)
);

-- Published declaration texts. A version, once published, never changes: signatures point at it.
CREATE TABLE declarations (
    version      INTEGER NOT NULL CHECK (version > 0),
    lang         TEXT NOT NULL CHECK (length(lang) = 2),
    title        TEXT NOT NULL CHECK (title <> ''),
    body         TEXT NOT NULL CHECK (body <> ''),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (version, lang)
);

CREATE TABLE signatories (
    id                 INTEGER PRIMARY KEY,
    public_id          TEXT NOT NULL UNIQUE CHECK (length(public_id) = 36),
    account_id         INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    source             TEXT NOT NULL DEFAULT '',
    ref                TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL CHECK (kind = 'person' OR kind = 'organisation'),
    name               TEXT NOT NULL,
    representative     TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    city               TEXT NOT NULL DEFAULT '',
    affiliation        TEXT NOT NULL DEFAULT '',
    website            TEXT NOT NULL DEFAULT '',
    statement          TEXT NOT NULL DEFAULT '',
    vis_name           TEXT NOT NULL DEFAULT 'public' CHECK (vis_name = 'public' OR vis_name = 'members' OR vis_name = 'hidden'),
    vis_city           TEXT NOT NULL DEFAULT 'public' CHECK (vis_city = 'public' OR vis_city = 'members' OR vis_city = 'hidden'),
    vis_affiliation    TEXT NOT NULL DEFAULT 'public' CHECK (vis_affiliation = 'public' OR vis_affiliation = 'members' OR vis_affiliation = 'hidden'),
    vis_representative TEXT NOT NULL DEFAULT 'public' CHECK (vis_representative = 'public' OR vis_representative = 'members' OR vis_representative = 'hidden'),
    vis_website        TEXT NOT NULL DEFAULT 'public' CHECK (vis_website = 'public' OR vis_website = 'members' OR vis_website = 'hidden'),
    vis_statement      TEXT NOT NULL DEFAULT 'public' CHECK (vis_statement = 'public' OR vis_statement = 'members' OR vis_statement = 'hidden'),
    place_id           INTEGER,
    lat                REAL,
    lon                REAL,
    tier               TEXT NOT NULL DEFAULT 'signatory' CHECK (tier = 'signatory' OR tier = 'advocate' OR tier = 'ambassador'),
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'withdrawn' OR status = 'hidden' OR status = 'deleted'),
    verified           BOOLEAN NOT NULL,
    -- listed is derived, but stored so that every public query uses one index; the CHECK keeps it honest.
    listed             BOOLEAN NOT NULL,
    signed_at          TIMESTAMP NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    CHECK (name <> '' OR status = 'deleted' OR vis_name <> 'public'),
    CHECK (kind = 'organisation' OR verified),
    CHECK (listed = (status = 'active' AND verified))
);
CREATE UNIQUE INDEX signatories_account ON signatories (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX signatories_listed ON signatories (listed, signed_at DESC, id DESC);
CREATE INDEX signatories_country ON signatories (listed, country, signed_at DESC, id DESC);
CREATE INDEX signatories_kind ON signatories (listed, kind, signed_at DESC, id DESC);
CREATE INDEX signatories_tier ON signatories (listed, tier, signed_at DESC, id DESC);
CREATE INDEX signatories_place ON signatories (listed, place_id, signed_at DESC, id DESC);
CREATE INDEX signatories_email ON signatories (email) WHERE email <> '';

-- Words of the fields a signatory made public, folded; search never sees anything else.
CREATE TABLE search_terms (
    term         TEXT NOT NULL,
    signatory_id INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    PRIMARY KEY (term, signatory_id)
) WITHOUT ROWID;
CREATE INDEX search_terms_signatory ON search_terms (signatory_id);

-- What each signatory signed: one row per declaration version.
CREATE TABLE signatures (
    id                  INTEGER PRIMARY KEY,
    signatory_id        INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    declaration_version INTEGER NOT NULL,
    lang                TEXT NOT NULL,
    text_sha256         TEXT NOT NULL CHECK (length(text_sha256) = 64),
    signed_at           TIMESTAMP NOT NULL,
    FOREIGN KEY (declaration_version, lang) REFERENCES declarations (version, lang),
    UNIQUE (signatory_id, declaration_version)
);

CREATE TABLE withdrawals (
    id           INTEGER PRIMARY KEY,
    signatory_id INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    withdrawn_at TIMESTAMP NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    resigned_at  TIMESTAMP
);
CREATE INDEX withdrawals_signatory ON withdrawals (signatory_id);

-- Founding Ambassadors: the trust computation's seeds.
CREATE TABLE seeds (
    signatory_id INTEGER PRIMARY KEY REFERENCES signatories (id) ON DELETE CASCADE,
    appointed_at TIMESTAMP NOT NULL,
    appointed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);

CREATE TABLE endorsements (
    id         INTEGER PRIMARY KEY,
    from_id    INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    to_id      INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (level = 'advocate' OR level = 'ambassador'),
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'accepted' OR status = 'declined' OR status = 'withdrawn'),
    comment    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id)
);
CREATE INDEX endorsements_to ON endorsements (to_id);

-- Issued credentials. The signed document is stored as issued: a credential cannot be redacted.
CREATE TABLE credentials (
    id             TEXT PRIMARY KEY CHECK (length(id) = 36),
    signatory_id   INTEGER NOT NULL REFERENCES signatories (id),
    kind           TEXT NOT NULL CHECK (kind = 'signatory' OR kind = 'advocate' OR kind = 'ambassador' OR kind = 'endorsement'),
    endorsement_id INTEGER REFERENCES endorsements (id) ON DELETE SET NULL,
    signature_id   INTEGER REFERENCES signatures (id) ON DELETE SET NULL,
    status_list    INTEGER NOT NULL CHECK (status_list > 0),
    status_index   INTEGER NOT NULL CHECK (status_index >= 0),
    document       TEXT NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (status_list, status_index)
);
CREATE INDEX credentials_signatory ON credentials (signatory_id);

-- Durable outbox: a row written in the same transaction as the change that earns (or loses)
-- a credential; a worker signs outside any write transaction and marks the row done.
CREATE TABLE issuance_outbox (
    id             INTEGER PRIMARY KEY,
    signatory_id   INTEGER NOT NULL REFERENCES signatories (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind = 'signatory' OR kind = 'advocate' OR kind = 'ambassador' OR kind = 'endorsement'),
    action         TEXT NOT NULL CHECK (action = 'issue' OR action = 'revoke'),
    endorsement_id INTEGER REFERENCES endorsements (id) ON DELETE CASCADE,
    reason         TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    done_at        TIMESTAMP
);
CREATE INDEX issuance_outbox_pending ON issuance_outbox (id) WHERE done_at IS NULL;

-- Append-only record of every state change: who, what, when (UTC). Never e-mails or tokens.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    at               TIMESTAMP NOT NULL,
    actor_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    actor            TEXT NOT NULL,
    action           TEXT NOT NULL CHECK (action <> ''),
    subject_type     TEXT NOT NULL DEFAULT '',
    subject_id       TEXT NOT NULL DEFAULT '',
    detail           TEXT NOT NULL DEFAULT ''
);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE issuance_outbox;
DROP TABLE credentials;
DROP TABLE endorsements;
DROP TABLE seeds;
DROP TABLE withdrawals;
DROP TABLE signatures;
DROP TABLE search_terms;
DROP TABLE signatories;
DROP TABLE declarations;
DROP TABLE roles;
DROP TABLE sessions;
DROP TABLE identities;
DROP TABLE accounts;
DROP TABLE change_counter;
DROP TABLE settings;
