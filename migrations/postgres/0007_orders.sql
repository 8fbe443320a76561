-- Orders and payments (issue 4). An order freezes what was bought: each line keeps its price,
-- its GST slab, rate and amounts as computed at placement, so later price or rate changes never
-- touch it. Money is integer paise, rates basis points, times unix seconds.
CREATE TABLE orders (
    id             UUID PRIMARY KEY,
    customer_id    UUID NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL CHECK (status IN ('INITIATED', 'PAYMENT_PENDING', 'SUCCESS',
                     'ORDER_CONFIRMED', 'FAILED', 'PAYMENT_FAILED', 'TIMEOUT', 'PAYMENT_TIMEOUT')),
    -- The delivery address, written by one function (`store_delivery_address` in
    -- api/src/db/orders.rs) so the PII work can encrypt it in one place. `state_code` is the
    -- place of supply.
    recipient      TEXT NOT NULL,
    phone          TEXT NOT NULL,
    address_line1  TEXT NOT NULL,
    address_line2  TEXT,
    city           TEXT NOT NULL,
    state_code     TEXT NOT NULL,
    pincode        TEXT NOT NULL,
    taxable        BIGINT NOT NULL,
    cgst           BIGINT NOT NULL,
    sgst           BIGINT NOT NULL,
    igst           BIGINT NOT NULL,
    total          BIGINT NOT NULL,
    refunded       BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
    -- Which gateway, its reference for the payment it opened, and where the shopper pays.
    payment_provider TEXT NOT NULL,
    payment_ref    TEXT UNIQUE,
    payment_url    TEXT,
    created_at     BIGINT NOT NULL,
    -- When an unpaid order times out (the sweeper cancels it and releases its stock).
    pay_by         BIGINT NOT NULL
);
-- A customer's orders, newest first; the sweeper's scan of unpaid orders.
CREATE INDEX orders_customer ON orders (customer_id, created_at, id);
CREATE INDEX orders_unpaid ON orders (status, pay_by);

CREATE TABLE order_lines (
    order_id   UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    product_id UUID NOT NULL REFERENCES products (id),
    shop_id    UUID NOT NULL REFERENCES shops (id),
    name       TEXT NOT NULL,
    hsn        TEXT NOT NULL,
    unit_price BIGINT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    -- The slab applied (contracts::gst::SLABS id) and its rate at the order date.
    gst_slab   TEXT NOT NULL,
    gst_rate   INTEGER NOT NULL,
    -- 'INTRA' (CGST + SGST) or 'INTER' (IGST): the seller's state against the place of supply.
    supply     TEXT NOT NULL CHECK (supply IN ('INTRA', 'INTER')),
    taxable    BIGINT NOT NULL,
    cgst       BIGINT NOT NULL,
    sgst       BIGINT NOT NULL,
    igst       BIGINT NOT NULL,
    total      BIGINT NOT NULL,
    PRIMARY KEY (order_id, position)
);
-- A seller's orders: only those with its lines.
CREATE INDEX order_lines_shop ON order_lines (shop_id, order_id);

-- Every status an order went through, in order.
CREATE TABLE order_history (
    order_id UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    status   TEXT NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- Idempotency-Key of POST /orders (Stripe's semantics): the first successful answer is kept
-- for 24 hours and replayed for the same key and body; another body with the key is refused.
CREATE TABLE idempotency_keys (
    customer_id  UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key     TEXT NOT NULL,
    -- SHA-256 (hex) of the request body as sent.
    request_hash TEXT NOT NULL,
    -- NULL while the first request with this key is still being answered.
    status_code  INTEGER,
    response     TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (customer_id, idem_key)
);

-- What gateways told us, one row per gateway transaction: the UNIQUE id makes a repeated
-- webhook a no-op.
CREATE TABLE payment_events (
    gateway_txn_id TEXT PRIMARY KEY NOT NULL,
    order_id       UUID NOT NULL REFERENCES orders (id),
    outcome        TEXT NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILED')),
    amount         BIGINT NOT NULL,
    received_at    BIGINT NOT NULL
);

-- Refunds, full or partial, through the order's gateway.
CREATE TABLE refunds (
    id          UUID PRIMARY KEY,
    order_id    UUID NOT NULL REFERENCES orders (id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    reason      TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    created_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL
);

-- The mock gateway's own ledger (PAYMENT_PROVIDER=mock only): the payment sessions it opened,
-- as a real gateway would keep them on its side.
CREATE TABLE mock_gateway_sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    order_id   TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    return_url TEXT NOT NULL,
    -- NULL until the shopper approves or declines on the pay page.
    outcome    TEXT CHECK (outcome IN ('SUCCESS', 'FAILED')),
    txn_id     TEXT UNIQUE,
    refunded   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
