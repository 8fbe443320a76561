-- GST tax invoices (issue 4): one per confirmed order per seller, issued in the transaction
-- that confirms the payment. Numbers are consecutive per seller per financial year (CGST Rule
-- 46): the counter row is bumped in that same transaction, so a rolled-back confirmation leaves
-- no gap. The supplier's particulars are copied at issue (a shop may move later; its invoices
-- may not change); the recipient, place of supply and lines are the order's, frozen already.
CREATE TABLE invoice_counters (
    shop_id        UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    -- The calendar year the financial year starts in (2026 for 2026-27).
    financial_year INTEGER NOT NULL,
    last_serial    BIGINT NOT NULL,
    PRIMARY KEY (shop_id, financial_year)
);

CREATE TABLE invoices (
    id               UUID PRIMARY KEY,
    order_id         UUID NOT NULL REFERENCES orders (id),
    shop_id          UUID NOT NULL REFERENCES shops (id),
    number           TEXT NOT NULL,
    financial_year   INTEGER NOT NULL,
    serial           BIGINT NOT NULL,
    -- YYYY-MM-DD, the Indian date of issue.
    issued_on        TEXT NOT NULL,
    supplier_name    TEXT NOT NULL,
    supplier_gstin   TEXT NOT NULL,
    -- Address lines, city and PIN code, one per line.
    supplier_address TEXT NOT NULL,
    supplier_state   TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (shop_id, number),
    UNIQUE (order_id, shop_id)
);
CREATE INDEX invoices_order ON invoices (order_id);
