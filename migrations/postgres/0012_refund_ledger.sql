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
ALTER TABLE payment_events ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0
    CHECK (refunded >= 0 AND refunded <= amount);
-- Until now an order had one payment event at most, the applied one, and its refunds.
UPDATE payment_events
SET refunded = (SELECT o.refunded FROM orders o WHERE o.id = payment_events.order_id)
WHERE outcome = 'SUCCESS';
-- An order's payments, for its read model.
CREATE INDEX payment_events_order ON payment_events (order_id, received_at);

-- The refund ledger: a refund is a row from the moment it is decided, PENDING with no gateway
-- id, then DONE with one, or FAILED. (The SQLite twin rebuilds the table; here it is altered.)
ALTER TABLE refunds ALTER COLUMN gateway_ref DROP NOT NULL;
-- The captured payment it gives back: the order's own, or a capture no order took.
ALTER TABLE refunds ADD COLUMN payment_txn_id TEXT REFERENCES payment_events (gateway_txn_id);
ALTER TABLE refunds ADD COLUMN state TEXT NOT NULL DEFAULT 'DONE'
    CHECK (state IN ('PENDING', 'DONE', 'FAILED'));
-- The shop's own refund of a capture no order took (no administrator asked).
ALTER TABLE refunds ADD COLUMN automatic BOOLEAN NOT NULL DEFAULT FALSE;
-- The idempotency key the gateway is called with (Razorpay's X-Refund-Idempotency), the same on
-- every call for this refund: a retry after a crash refunds once.
ALTER TABLE refunds ADD COLUMN gateway_key TEXT UNIQUE;
-- The administrator's Idempotency-Key and a hash of the request it came with: one refund per
-- key and order, however often it is clicked. NULL for automatic refunds.
ALTER TABLE refunds ADD COLUMN request_key TEXT;
ALTER TABLE refunds ADD COLUMN request_hash TEXT;
-- When it became DONE or FAILED.
ALTER TABLE refunds ADD COLUMN settled_at BIGINT;
UPDATE refunds r SET
    payment_txn_id = (SELECT e.gateway_txn_id FROM payment_events e
                      WHERE e.order_id = r.order_id AND e.outcome = 'SUCCESS'),
    gateway_key = 'legacy-' || r.id::text,
    settled_at = r.created_at;
ALTER TABLE refunds ALTER COLUMN payment_txn_id SET NOT NULL;
ALTER TABLE refunds ALTER COLUMN gateway_key SET NOT NULL;
-- The defaults were for the rows above; a new refund always says what it is.
ALTER TABLE refunds ALTER COLUMN state DROP DEFAULT;
ALTER TABLE refunds ALTER COLUMN automatic DROP DEFAULT;
-- The reason stays free text an administrator typed; never copied into the audit log.
ALTER TABLE refunds ADD CONSTRAINT refunds_request_key UNIQUE (order_id, request_key);
ALTER TABLE refunds ADD CONSTRAINT refunds_done_has_gateway_ref
    CHECK ((state = 'DONE') = (gateway_ref IS NOT NULL));
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
    amount          BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
