-- Logins in progress. The OAuth state a browser carries to its provider and back is stored here
-- (hashed) and taken once: a forged or replayed callback finds nothing.

-- +goose Up
CREATE TABLE login_states (
    state_hash TEXT PRIMARY KEY,
    provider   TEXT NOT NULL CHECK (provider <> ''),
    session    TEXT NOT NULL,
    return_to  TEXT NOT NULL DEFAULT '/',
    -- Set when a signed-in person attaches another provider to their account.
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX login_states_expires ON login_states (expires_at);

-- +goose Down
DROP TABLE login_states;
