-- E-mail about notifications. Every notification is written in its event's transaction; the ones
-- to be e-mailed carry mail = 'due' until a message holding them is sent ('sent'), or until
-- sending is no longer wanted ('skipped': the address is gone, unverified or the member turned
-- the category off). A message is recorded in mail_messages with its Message-ID and its
-- notifications *before* it goes to the SMTP server ('sending'), so that a process that dies
-- mid-send sends the same message again (same Message-ID, same notifications), never another
-- one for the same events; 'sent' once the server accepted it. mail_settings holds the
-- categories a member turned off; accounts.language the language their mail is written in.

-- +goose Up
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language <> '');

CREATE TABLE mail_settings (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category   TEXT NOT NULL CHECK (category <> ''),
    off_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, category)
);

CREATE TABLE mail_messages (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    category    TEXT NOT NULL CHECK (category <> ''),
    message_id  TEXT NOT NULL UNIQUE CHECK (message_id <> ''),
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
    -- How many notifications the message holds: more than one makes it a digest.
    notifications INTEGER NOT NULL DEFAULT 1 CHECK (notifications >= 0),
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
-- The hourly rule reads the last message of one member in one category.
CREATE INDEX mail_messages_latest ON mail_messages (account_id, category, id);

ALTER TABLE notifications ADD COLUMN mail TEXT CHECK (mail IS NULL OR mail IN ('due', 'sending', 'sent', 'skipped'));
ALTER TABLE notifications ADD COLUMN mail_message_id INTEGER REFERENCES mail_messages (id) ON DELETE SET NULL;
-- The Declaration version a 'declaration.version' notification asks the member to sign.
ALTER TABLE notifications ADD COLUMN version INTEGER CHECK (version IS NULL OR version > 0);
CREATE INDEX notifications_mail_due ON notifications (signatory_id, id) WHERE mail = 'due' OR mail = 'sending';

-- +goose Down
DROP INDEX notifications_mail_due;
ALTER TABLE notifications DROP COLUMN version;
ALTER TABLE notifications DROP COLUMN mail_message_id;
ALTER TABLE notifications DROP COLUMN mail;
DROP TABLE mail_messages;
DROP TABLE mail_settings;
ALTER TABLE accounts DROP COLUMN language;
