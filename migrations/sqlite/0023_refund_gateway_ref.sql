-- The refund the gateway knows by its own id (Razorpay's `rfnd_...`): `refund.processed`
-- webhooks without our receipt find their refund by it (`db::refunds::by_gateway_ref`), inside
-- the webhook's write transaction, which scanned the whole table without this index. Partial:
-- only settled refunds carry the id. Not UNIQUE, so that ledgers carried over from before the
-- refund ledger (legacy rows) cannot make the migration fail.
CREATE INDEX refunds_gateway_ref ON refunds (gateway_ref) WHERE gateway_ref IS NOT NULL;
