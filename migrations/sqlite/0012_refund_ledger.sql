-- Money is never lost (issue 15, points 2 and 3): every gateway event is recorded with what the
-- shop did with it, money is accounted per captured payment, and a refund is written before
-- the gateway is asked to make it.

-- What the shop did with each event (contracts::payments::PaymentDisposition). The default is
-- for the rows from before this migration: until now only applied events were kept.
ALTER TABLE payment_events ADD COLUMN disposition TEXT NOT NULL DEFAULT 'APPLIED'
    CHECK (disposition IN ('APPLIED', 'LATE', 'MISMATCHED', 'DUPLICATE', 'IGNORED'));
-- What of a captured payment is given back or reserved by a refund in flight. A refund
-- reserves here first, by a conditional UPDATE, so concurrent refunds never exceed what the
-- payment captured. Per payment rather than per order: a capture of another amount can exceed
-- the order's total, which `orders.refunded` (CHECK refunded <= total) could not hold.
ALTER TABLE payment_events ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0
    CHECK (refunded >= 0 AND refunded <= amount);
-- Until now an order had one payment event at most, the applied one, and its refunds.
UPDATE payment_events
SET refunded = (SELECT o.refunded FROM orders o WHERE o.id = payment_events.order_id)
WHERE outcome = 'SUCCESS';
-- An order's payments, for its read model.
CREATE INDEX payment_events_order ON payment_events (order_id, received_at);

-- The refund ledger, rebuilt (SQLite cannot relax NOT NULL in place): a refund is a row from
-- the moment it is decided, PENDING with no gateway id, then DONE with one, or FAILED.
CREATE TABLE refund_ledger (
    id             TEXT PRIMARY KEY NOT NULL,
    order_id       TEXT NOT NULL REFERENCES orders (id),
    -- The captured payment it gives back: the order's own, or a capture no order took.
    payment_txn_id TEXT NOT NULL REFERENCES payment_events (gateway_txn_id),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    -- Free text an administrator typed; never copied into the audit log.
    reason         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('PENDING', 'DONE', 'FAILED')),
    -- The shop's own refund of a capture no order took (no administrator asked).
    automatic      INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    -- The idempotency key the gateway is called with (Razorpay's X-Refund-Idempotency), the
    -- same on every call for this refund: a retry after a crash refunds once.
    gateway_key    TEXT NOT NULL UNIQUE,
    -- The administrator's Idempotency-Key and a hash of the request it came with: one refund
    -- per key and order, however often it is clicked. NULL for automatic refunds.
    request_key    TEXT,
    request_hash   TEXT,
    -- The gateway's id of the refund, known once it is DONE.
    gateway_ref    TEXT,
    created_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    -- When it became DONE or FAILED.
    settled_at     INTEGER,
    UNIQUE (order_id, request_key),
    CHECK ((state = 'DONE') = (gateway_ref IS NOT NULL))
) STRICT;
INSERT INTO refund_ledger (id, order_id, payment_txn_id, amount, reason, state, automatic,
    gateway_key, gateway_ref, created_by, created_at, settled_at)
SELECT r.id, r.order_id,
    (SELECT e.gateway_txn_id FROM payment_events e
     WHERE e.order_id = r.order_id AND e.outcome = 'SUCCESS'),
    r.amount, r.reason, 'DONE', 0, 'legacy-' || r.id, r.gateway_ref, r.created_by,
    r.created_at, r.created_at
FROM refunds r;
DROP TABLE refunds;
ALTER TABLE refund_ledger RENAME TO refunds;
-- An order's refunds; the reconciler's scan of pending ones; a payment's refunds.
CREATE INDEX refunds_order ON refunds (order_id, created_at);
CREATE INDEX refunds_state ON refunds (state, created_at);
CREATE INDEX refunds_payment ON refunds (payment_txn_id);

-- The mock gateway's refunds (PAYMENT_PROVIDER=mock only), keyed by the idempotency key it was
-- asked with, as Razorpay keeps them: the same key returns the same refund and moves no money
-- twice; the same key with another payment or amount is refused.
CREATE TABLE mock_gateway_refunds (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    id              TEXT NOT NULL UNIQUE,
    -- The payment refunded (mock_gateway_sessions.txn_id).
    txn_id          TEXT NOT NULL,
    amount          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
