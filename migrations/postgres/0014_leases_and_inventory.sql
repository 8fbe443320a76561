-- Issue 15, points 1 and 5: idempotency keys are leased, stock changes are versioned and kept
-- in an inventory history.

-- A claim of an idempotency key is a short lease (`app::checkout::idempotency`): `holder` is
-- the attempt holding it (a random id per request), `leased_at` when it took the key. Once the
-- lease has passed, a retry takes the key over (a conditional upsert: one retry wins) and
-- continues from `order_id`, the order the key placed, written in the placement transaction
-- itself: with it a retry knows whether an order exists and never places a second one.
ALTER TABLE idempotency_keys ADD COLUMN holder UUID;
ALTER TABLE idempotency_keys ADD COLUMN leased_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE idempotency_keys ADD COLUMN order_id UUID REFERENCES orders (id);
-- Keys in progress before this migration have no order id on record: they may have placed an
-- order, so they stay refused (409) until their 24 hours are over, as before, rather than be
-- taken over into a second order.
UPDATE idempotency_keys SET leased_at = created_at + 86400 WHERE status_code IS NULL;

-- The mock gateway opens one payment per order, as a real gateway's order (receipt) id does:
-- a checkout resumed after a crash gets the session it opened before, not a second one.
CREATE UNIQUE INDEX mock_gateway_sessions_order ON mock_gateway_sessions (order_id);

-- Every change of a product's stock bumps its version: a seller who sets the stock absolutely
-- names the version they read, and a stale one is refused (409) instead of overwriting a
-- reservation or release made since.
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0);

-- The inventory history: one row per change of a product's stock, written in the change's
-- transaction. Who (`actor_type` and `actor_id` as in the audit log: a user's id or a task's
-- name), why, by how much, the level it left, and the order that caused it. Append-only.
CREATE TABLE inventory_events (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    actor_type TEXT NOT NULL CHECK (actor_type IN ('USER', 'ADMIN', 'SYSTEM')),
    actor_id   TEXT,
    reason     TEXT NOT NULL CHECK (reason IN ('created', 'restock', 'damaged', 'lost',
                 'returned', 'correction', 'recount', 'order_reserved', 'order_released')),
    delta      BIGINT NOT NULL,
    level      BIGINT NOT NULL CHECK (level >= 0),
    order_id   UUID REFERENCES orders (id),
    at         BIGINT NOT NULL
);
-- A product's history, newest first (keyset by seq).
CREATE INDEX inventory_events_product ON inventory_events (product_id, seq);
CREATE FUNCTION inventory_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'inventory_events is append-only';
END;
$$;
CREATE TRIGGER inventory_events_no_update BEFORE UPDATE ON inventory_events
    FOR EACH ROW EXECUTE FUNCTION inventory_events_append_only();
-- The application role appends, never rewrites (as for audit_log, 0010).
REVOKE UPDATE, TRUNCATE ON inventory_events FROM bazaar_app;
