-- Accounts (issue 3). `email_lookup` is the normalised address (trimmed, lowercased) that sign-in
-- and the uniqueness check use; `email` is the address as given, for mail. Both are written by
-- one function, `store_email` in api/src/db/users.rs, so the PII-encryption work can encrypt
-- `email` and replace `email_lookup` by a keyed blind index in one place.
--
-- STRICT: SQLite enforces the declared column types, as PostgreSQL does.
CREATE TABLE users (
    -- A random UUID (v4) as text: ids reveal neither the order nor the number of accounts.
    id            TEXT PRIMARY KEY NOT NULL,
    -- UNIQUE makes the database, not a racy read-then-write, the judge of "email taken".
    email_lookup  TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    -- An argon2id PHC string: algorithm, parameters and salt travel with the hash, so
    -- parameters can be raised later without a migration.
    password_hash TEXT NOT NULL,
    -- The four roles of seed 000 section 3.1, spelt as on the wire.
    role          TEXT NOT NULL CHECK (role IN ('SUPER_ADMIN', 'ADMIN', 'SELLER', 'CUSTOMER')),
    -- UTC, ISO 8601 with milliseconds: sorts as text in time order.
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
