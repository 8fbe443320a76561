-- GST credit notes (issue 15, point 8; CGST Act section 34, Rule 53(1A)): a refund of an
-- invoiced order issues one per seller whose invoice it credits, in the transaction that
-- records the refund. Numbers are consecutive per seller per financial year in a series of
-- their own (CN-2627-000001), apart from the invoices': a counter row of their own, bumped in
-- that same transaction. The supplier and recipient are those of the invoice (never changed
-- once issued) and of its order, joined when read; only what the note credits is kept here.
CREATE TABLE credit_note_counters (
    shop_id        UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    -- The calendar year the financial year starts in (2026 for 2026-27).
    financial_year INTEGER NOT NULL,
    last_serial    BIGINT NOT NULL,
    PRIMARY KEY (shop_id, financial_year)
);

CREATE TABLE credit_notes (
    id             UUID PRIMARY KEY,
    invoice_id     UUID NOT NULL REFERENCES invoices (id),
    order_id       UUID NOT NULL REFERENCES orders (id),
    shop_id        UUID NOT NULL REFERENCES shops (id),
    refund_id      UUID NOT NULL REFERENCES refunds (id),
    number         TEXT NOT NULL,
    financial_year INTEGER NOT NULL,
    serial         BIGINT NOT NULL,
    -- YYYY-MM-DD, the Indian date of issue.
    issued_on      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    UNIQUE (shop_id, number),
    -- One note per seller per refund.
    UNIQUE (refund_id, shop_id)
);
CREATE INDEX credit_notes_order ON credit_notes (order_id);

-- What a note credits of each invoice line (the order line at `position`): its share of the
-- refund, split into taxable value and the line's own taxes (contracts::gst::credit).
CREATE TABLE credit_note_lines (
    credit_note_id UUID NOT NULL REFERENCES credit_notes (id),
    position       INTEGER NOT NULL,
    taxable        BIGINT NOT NULL CHECK (taxable >= 0),
    cgst           BIGINT NOT NULL CHECK (cgst >= 0),
    sgst           BIGINT NOT NULL CHECK (sgst >= 0),
    igst           BIGINT NOT NULL CHECK (igst >= 0),
    total          BIGINT NOT NULL CHECK (total = taxable + cgst + sgst + igst),
    PRIMARY KEY (credit_note_id, position)
);
