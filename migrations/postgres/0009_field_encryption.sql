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
-- writing transaction instead: an advisory lock per index value (`pg_advisory_xact_lock`)
-- serialises the writers of one value, which then open and compare the candidates. They are
-- NULL until a legacy row is sealed.
ALTER TABLE users DROP COLUMN email_lookup;
-- Blind index of the address as sign-in compares it (trimmed, lowercased): 16 bits.
ALTER TABLE users ADD COLUMN email_index BIGINT;
CREATE INDEX users_email_index ON users (email_index);

-- Blind index of the normalised GSTIN: 12 bits.
ALTER TABLE shops ADD COLUMN gstin_index BIGINT;
CREATE INDEX shops_gstin_index ON shops (gstin_index);
