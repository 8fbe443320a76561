-- Order fulfilment (issue 10): past ORDER_CONFIRMED each shop's part of an order is packed,
-- shipped (carrier and tracking number) and delivered on its own, and the customer may cancel
-- the whole order before any part has shipped (refunded in full, credit notes issued, stock
-- given back).
--
-- `orders.status` keeps seed 000's payment machine and ends at ORDER_CONFIRMED, as in the SQLite
-- twin (whose CHECK cannot grow without rebuilding `orders`), so both backends hold the same
-- rows. What happened after payment lives beside it:
--   * `order_parts`, one row per shop part once it is packed;
--   * `orders.fulfilment`, the order's own standing derived from its parts
--     (contracts::fulfilment::order_status), written in the same transaction as the part, so
--     lists filter on it without recomputing;
--   * `order_cancellations`, the customer's cancellation;
--   * `order_history` rows for every step, naming the shop part and the shipment.

CREATE TABLE order_parts (
    order_id        UUID NOT NULL REFERENCES orders (id),
    shop_id         UUID NOT NULL REFERENCES shops (id),
    status          TEXT NOT NULL CHECK (status IN ('PACKED', 'SHIPPED', 'DELIVERED')),
    -- Set together when the part ships; neither is personal data.
    carrier         TEXT,
    tracking_number TEXT,
    packed_at       BIGINT NOT NULL,
    shipped_at      BIGINT,
    delivered_at    BIGINT,
    PRIMARY KEY (order_id, shop_id),
    CHECK ((status = 'PACKED') = (shipped_at IS NULL)),
    CHECK ((carrier IS NULL) = (shipped_at IS NULL) AND (tracking_number IS NULL) = (shipped_at IS NULL)),
    CHECK ((status = 'DELIVERED') = (delivered_at IS NOT NULL))
);
-- A shop's parts by standing (the seller's orders to fulfil).
CREATE INDEX order_parts_shop ON order_parts (shop_id, status);

-- NULL while every part is ORDER_CONFIRMED (or the order is not paid); else the least
-- advanced of its parts' statuses, or CANCELLED.
ALTER TABLE orders ADD COLUMN fulfilment TEXT
    CHECK (fulfilment IN ('PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'));

-- The customer's cancellation: one per order, under the Idempotency-Key it was asked with (a
-- repeat with the same key and reason is answered again; the refund it made carries the same
-- key, `refunds.request_key`). The reason is free text the customer typed, never audited.
CREATE TABLE order_cancellations (
    order_id     UUID PRIMARY KEY NOT NULL REFERENCES orders (id),
    reason       TEXT NOT NULL,
    cancelled_by UUID REFERENCES users (id) ON DELETE SET NULL,
    request_key  TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    -- The refund of what was captured, when anything was left to refund.
    refund_id    UUID REFERENCES refunds (id),
    cancelled_at BIGINT NOT NULL
);

-- A fulfilment step's particulars: whose part moved, and the shipment.
ALTER TABLE order_history ADD COLUMN shop_id UUID REFERENCES shops (id);
ALTER TABLE order_history ADD COLUMN carrier TEXT;
ALTER TABLE order_history ADD COLUMN tracking_number TEXT;
