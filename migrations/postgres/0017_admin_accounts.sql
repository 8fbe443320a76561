-- The admin back office (issue 10).
--
-- `users.disabled_at`: unix seconds when an administrator disabled the account, NULL while it
-- is enabled. A disabled account cannot sign in nor refresh (403 `account_disabled`); its
-- refresh tokens are revoked when it is disabled, and an access token already issued lives out
-- its 15 minutes (tokens are not looked up per request).
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

-- `shops.owner_id` was UNIQUE, so a rejected applicant could never apply again. It becomes a
-- partial unique index: at most one PENDING or APPROVED shop per owner, any number of
-- REJECTED ones.
ALTER TABLE shops DROP CONSTRAINT shops_owner_id_key;
CREATE UNIQUE INDEX shops_one_live_per_owner ON shops (owner_id)
    WHERE status IN ('PENDING', 'APPROVED');
-- An owner's shops, newest first (`db::shops::of_owner`).
CREATE INDEX shops_owner ON shops (owner_id, created_at);

-- `GET /admin/figures` reads the last 30 days by creation time: orders, accounts, refunds.
CREATE INDEX orders_created_figures ON orders (created_at);
CREATE INDEX users_created_figures ON users (created_at);
CREATE INDEX refunds_created_figures ON refunds (created_at);
