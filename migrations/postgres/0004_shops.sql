-- Shops (issue 4): a customer applies to sell, an administrator approves or rejects. Approval
-- turns the applicant into a SELLER; the shop's GSTIN fixes the supplier's state for GST.
--
-- `gstin` and the address are business data of the seller, written by one function
-- (`store_shop` in api/src/db/shops.rs) so the PII work can encrypt them in one place.
-- Times are unix seconds, as in 0003.
CREATE TABLE shops (
    id            UUID PRIMARY KEY,
    -- One shop per account: UNIQUE makes the database the judge of "already applied".
    owner_id      UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    legal_name    TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    -- Upper case, 15 characters, check character verified (contracts::gstin).
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
    decided_by    UUID REFERENCES users (id) ON DELETE SET NULL,
    decided_at    BIGINT,
    created_at    BIGINT NOT NULL
);
-- The back office lists applications by status, oldest first.
CREATE INDEX shops_status ON shops (status, created_at, id);
