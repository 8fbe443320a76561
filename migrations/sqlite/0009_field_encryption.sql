-- no-transaction
-- PII field encryption (issue 9). From here on every personal-data column holds a sealed
-- value, `v1:<key id>:<base64url>` (AES-256-GCM, table/column/row id as associated data; see
-- api/src/crypto): users.email, the shop's gstin and address, the order's recipient, phone
-- and address, the invoice's supplier gstin and address, the TOTP secrets, and the outbox's
-- recipient and body. Those columns keep their names and TEXT type; values written before
-- this migration are still clear text, and the server seals them at startup
-- (`app::keys::seal_clear_rows`) before it serves a request.
--
-- Lookups go through keyed blind indexes (HMAC-SHA256, truncated; api/src/crypto/blind_index.rs
-- explains the bit widths): `users.email_index` replaces the clear `email_lookup`, and
-- `shops.gstin_index` is new. Neither is UNIQUE: a truncated index is shared by design, so a
-- UNIQUE constraint would answer "taken" for another address. Uniqueness is decided in the
-- writing transaction instead (candidates opened and compared; SQLite's write lock, and on
-- PostgreSQL an advisory lock per index value, serialise writers). They are NULL until a
-- legacy row is sealed.
--
-- `email_lookup` held the address in clear under a UNIQUE constraint, which SQLite cannot
-- drop in place: the table is rebuilt (the documented 12-step procedure, hence
-- `no-transaction` above: foreign keys can only be turned off outside a transaction, and with
-- them on, dropping `users` would cascade into every table that references it).
PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE users_new (
    id             TEXT PRIMARY KEY NOT NULL,
    -- Sealed (users.email); the address as given, for mail.
    email          TEXT NOT NULL,
    -- Blind index of the address as sign-in compares it (trimmed, lowercased): 16 bits.
    email_index    INTEGER,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('SUPER_ADMIN', 'ADMIN', 'SELLER', 'CUSTOMER')),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
    mfa_enabled_at INTEGER
) STRICT;

INSERT INTO users_new (id, email, display_name, password_hash, role, created_at,
                       failed_logins, locked_until, mfa_enabled_at)
SELECT id, email, display_name, password_hash, role, created_at,
       failed_logins, locked_until, mfa_enabled_at
FROM users;

DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE INDEX users_email_index ON users (email_index);

-- Blind index of the normalised GSTIN: 12 bits.
ALTER TABLE shops ADD COLUMN gstin_index INTEGER;
CREATE INDEX shops_gstin_index ON shops (gstin_index);

COMMIT;

PRAGMA foreign_keys = ON;
