-- The email outbox (issue 3): mail the server has decided to send, such as the single-use,
-- expiring token of an email verification or password reset. The row is inserted in the same
-- transaction as the change that causes it, so a mail is never promised by a rolled-back
-- change nor lost after a committed one; a sender delivers it later and sets `sent_at`.
--
-- `body` will carry live tokens and `to_address` is personal data: the sender is expected to
-- purge delivered rows, and reading this table is an administrator's power.
--
-- STRICT: SQLite enforces the declared column types, as PostgreSQL does.
CREATE TABLE email_outbox (
    -- AUTOINCREMENT: ids are never reused after rows are purged, so an id in a log names one
    -- mail for good.
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- UTC, ISO 8601 with milliseconds: sorts as text in time order.
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- NULL until delivered.
    sent_at    TEXT
) STRICT;
