-- The seller's dashboard and shop profile (issue 10).
--
-- A shop's own description, shown to shoppers and edited by the seller without review
-- (it changes no tax). NULL until the seller writes one.
ALTER TABLE shops ADD COLUMN description TEXT;

-- The dashboard's sales by day and the month's GST summary read a shop's invoices and credit
-- notes by their Indian date of issue: (shop, date) ranges, not the shop's whole history.
CREATE INDEX invoices_shop_issued ON invoices (shop_id, issued_on);
CREATE INDEX credit_notes_shop_issued ON credit_notes (shop_id, issued_on);
-- Low stock: a shop's active products by stock level.
CREATE INDEX products_shop_stock ON products (shop_id, stock);
