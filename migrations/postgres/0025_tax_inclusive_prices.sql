-- Tax-inclusive prices, round-offs and business buyers (issue 14, contracts 1.7).
--
-- A seller says per product whether its price includes GST. Existing products keep the
-- meaning their prices had (before tax): false by default. Order lines snapshot the flag with
-- the price, as they snapshot the rate, so a later change of the product never re-reads an
-- order.
ALTER TABLE products ADD COLUMN price_includes_gst BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE order_lines ADD COLUMN price_includes_gst BOOLEAN NOT NULL DEFAULT FALSE;

-- What the rounded taxes of a tax-inclusive line leave of its shelf price (0 to 2 paise,
-- contracts::gst::inclusive): part of the line's total, printed as the invoice's round-off.
-- Zero for every line priced before tax, so every older row is right as it is.
ALTER TABLE order_lines ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0 CHECK (round_off >= 0);
ALTER TABLE orders ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0 CHECK (round_off >= 0);

-- A business buyer's GSTIN, printed on its invoices as the recipient's. Personal data like
-- the address (DESIGN.md lists GSTINs): sealed (orders.buyer_gstin, api/src/crypto), never
-- looked up, so no blind index. NULL for a consumer.
ALTER TABLE orders ADD COLUMN buyer_gstin TEXT;

-- A credit note reverses a round-off in proportion, like the taxes (contracts::gst::credit),
-- so its lines get the column too, and the total's CHECK must count it.
ALTER TABLE credit_note_lines ADD COLUMN round_off BIGINT NOT NULL DEFAULT 0
    CHECK (round_off >= 0);
ALTER TABLE credit_note_lines DROP CONSTRAINT credit_note_lines_check;
ALTER TABLE credit_note_lines ADD CONSTRAINT credit_note_lines_total_parts
    CHECK (total = taxable + cgst + sgst + igst + round_off);
