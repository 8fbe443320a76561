-- Tax-inclusive prices, round-offs and business buyers (issue 14, contracts 1.7).
--
-- A seller says per product whether its price includes GST. Existing products keep the
-- meaning their prices had (before tax): 0 by default. Order lines snapshot the flag with the
-- price, as they snapshot the rate, so a later change of the product never re-reads an order.
ALTER TABLE products ADD COLUMN price_includes_gst INTEGER NOT NULL DEFAULT 0
    CHECK (price_includes_gst IN (0, 1));
ALTER TABLE order_lines ADD COLUMN price_includes_gst INTEGER NOT NULL DEFAULT 0
    CHECK (price_includes_gst IN (0, 1));

-- What the rounded taxes of a tax-inclusive line leave of its shelf price (0 to 2 paise,
-- contracts::gst::inclusive): part of the line's total, printed as the invoice's round-off.
-- Zero for every line priced before tax, so every older row is right as it is.
ALTER TABLE order_lines ADD COLUMN round_off INTEGER NOT NULL DEFAULT 0 CHECK (round_off >= 0);
ALTER TABLE orders ADD COLUMN round_off INTEGER NOT NULL DEFAULT 0 CHECK (round_off >= 0);

-- A business buyer's GSTIN, printed on its invoices as the recipient's. Personal data like
-- the address (DESIGN.md lists GSTINs): sealed (orders.buyer_gstin, api/src/crypto), never
-- looked up, so no blind index. NULL for a consumer.
ALTER TABLE orders ADD COLUMN buyer_gstin TEXT;

-- A credit note reverses a round-off in proportion, like the taxes (contracts::gst::credit),
-- so its lines get the column too, and the total's CHECK must count it. SQLite cannot change
-- a CHECK in place: the table (a leaf, nothing references it) is rebuilt.
CREATE TABLE credit_note_lines_new (
    credit_note_id TEXT NOT NULL REFERENCES credit_notes (id),
    position       INTEGER NOT NULL,
    taxable        INTEGER NOT NULL CHECK (taxable >= 0),
    cgst           INTEGER NOT NULL CHECK (cgst >= 0),
    sgst           INTEGER NOT NULL CHECK (sgst >= 0),
    igst           INTEGER NOT NULL CHECK (igst >= 0),
    round_off      INTEGER NOT NULL DEFAULT 0 CHECK (round_off >= 0),
    total          INTEGER NOT NULL CHECK (total = taxable + cgst + sgst + igst + round_off),
    PRIMARY KEY (credit_note_id, position)
) STRICT;
INSERT INTO credit_note_lines_new (credit_note_id, position, taxable, cgst, sgst, igst, total)
    SELECT credit_note_id, position, taxable, cgst, sgst, igst, total FROM credit_note_lines;
DROP TABLE credit_note_lines;
ALTER TABLE credit_note_lines_new RENAME TO credit_note_lines;
