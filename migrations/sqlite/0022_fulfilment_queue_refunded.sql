-- The fulfilment queue (0021) loses a wholly refunded order's parts when the refund completes,
-- so the seller's dashboard counts the queue from its index alone instead of joining every
-- queued row to its order. Rows already queued for such orders (or any not confirmed) go now.
DELETE FROM fulfilment_queue WHERE order_id IN (
    SELECT id FROM orders WHERE refunded >= total OR status <> 'ORDER_CONFIRMED');
