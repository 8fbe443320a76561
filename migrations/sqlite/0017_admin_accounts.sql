-- no-transaction
-- The admin back office (issue 10).
--
-- `users.disabled_at`: unix seconds when an administrator disabled the account, NULL while it
-- is enabled. A disabled account cannot sign in nor refresh (403 `account_disabled`); its
-- refresh tokens are revoked when it is disabled, and an access token already issued lives out
-- its 15 minutes (tokens are not looked up per request).
--
-- `shops.owner_id` was UNIQUE, so a rejected applicant could never apply again. It becomes a
-- partial unique index, `shops_one_live_per_owner`: at most one PENDING or APPROVED shop per
-- owner, any number of REJECTED ones. SQLite cannot drop a column's UNIQUE in place: the table
-- is rebuilt (the 12-step procedure, as in 0009; foreign keys off outside a transaction, else
-- dropping `shops` would cascade into products, invoices and credit notes). The copy names
-- every column (0016's `description` too), and every index the table had (0004's `shops_status`, 0009's
-- `shops_gstin_index`) is made again; `shops` had no trigger.
PRAGMA foreign_keys = OFF;

BEGIN;

ALTER TABLE users ADD COLUMN disabled_at INTEGER;

CREATE TABLE shops_new (
    id            TEXT PRIMARY KEY NOT NULL,
    -- At most one live (pending or approved) shop per account: `shops_one_live_per_owner`.
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    legal_name    TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    -- Sealed (0009); upper case, 15 characters, check character verified (contracts::gstin).
    gstin         TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city          TEXT NOT NULL,
    -- The GST state code of the address, two digits; equal to the GSTIN's first two.
    state_code    TEXT NOT NULL,
    pincode       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    -- Why an application was rejected, shown to the applicant.
    decision_note TEXT,
    decided_by    TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_at    INTEGER,
    created_at    INTEGER NOT NULL,
    -- Blind index of the normalised GSTIN: 12 bits (0009).
    gstin_index   INTEGER,
    -- The seller's own words about the shop (0016).
    description   TEXT
) STRICT;

INSERT INTO shops_new (id, owner_id, legal_name, display_name, gstin, address_line1,
                       address_line2, city, state_code, pincode, status, decision_note,
                       decided_by, decided_at, created_at, gstin_index, description)
SELECT id, owner_id, legal_name, display_name, gstin, address_line1,
       address_line2, city, state_code, pincode, status, decision_note,
       decided_by, decided_at, created_at, gstin_index, description
FROM shops;

DROP TABLE shops;
ALTER TABLE shops_new RENAME TO shops;

-- The back office lists applications by status, oldest first (0004).
CREATE INDEX shops_status ON shops (status, created_at, id);
CREATE INDEX shops_gstin_index ON shops (gstin_index);
-- One live shop per owner; rejected applications stay as history.
CREATE UNIQUE INDEX shops_one_live_per_owner ON shops (owner_id)
    WHERE status IN ('PENDING', 'APPROVED');
-- An owner's shops, newest first (`db::shops::of_owner`).
CREATE INDEX shops_owner ON shops (owner_id, created_at);

-- `GET /admin/figures` reads the last 30 days by creation time: orders, accounts, refunds.
CREATE INDEX orders_created_figures ON orders (created_at);
CREATE INDEX users_created_figures ON users (created_at);
CREATE INDEX refunds_created_figures ON refunds (created_at);

COMMIT;

PRAGMA foreign_keys = ON;
