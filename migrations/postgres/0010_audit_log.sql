-- The audit log (seed 000 §12.1): one row per audited act, written by the use case in the same
-- transaction as the change it records, chained by SHA-256 and append-only.
--
-- `seq` is the chain's order: 1, 2, 3, ... with no gaps, assigned by `app::audit` while it holds
-- a transaction-level advisory lock (`db::audit::lock_head`), so concurrent appends form one
-- chain. `hash` = SHA-256(prev_hash ‖ the canonical encoding v1 of the row), hex;
-- docs/SECURITY.md defines the encoding. `prev_hash` is UNIQUE: two rows claiming the same
-- predecessor (a fork) cannot both be stored, whatever the locking does.
--
-- Times are unix seconds from the application's clock, like 0003's. Ids are TEXT on both
-- backends: a SYSTEM actor's id is its task's name (`sweeper`), not a row id.
--
-- `changes` is TEXT, not JSONB: JSONB reorders keys and drops whitespace, and the chain hashes
-- the exact text written. The price-changes query casts it (`changes::jsonb`).
CREATE TABLE audit_log (
    seq                BIGINT PRIMARY KEY CHECK (seq >= 1),
    at                 BIGINT NOT NULL,
    actor_type         TEXT NOT NULL CHECK (actor_type IN ('USER', 'ADMIN', 'SYSTEM')),
    actor_id           TEXT,
    action             TEXT NOT NULL,
    resource_type      TEXT NOT NULL,
    resource_id        TEXT,
    changes            TEXT NOT NULL,
    ip                 TEXT,
    user_agent         TEXT,
    impersonation_flag BOOLEAN NOT NULL,
    impersonated_by    TEXT,
    status             TEXT NOT NULL CHECK (status IN ('SUCCESS', 'FAILURE')),
    error_message      TEXT,
    prev_hash          TEXT NOT NULL UNIQUE,
    hash               TEXT NOT NULL UNIQUE
);

-- The viewer's filters: newest first by actor, by action, by resource, within a time range.
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only, first line: a trigger refuses UPDATE, DELETE and TRUNCATE from anyone,
-- the table's owner included.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Append-only, second line: the privilege. Production runs the API as a login role that is a
-- member of `bazaar_app` (docs/RUNBOOK.md), not as the owner that runs migrations: owners and
-- superusers can drop a trigger, a member of `bazaar_app` cannot (it owns nothing), and it holds
-- no UPDATE, DELETE or TRUNCATE on audit_log. Roles belong to the cluster, not the database, so
-- the role is created only when missing (many test databases share one cluster, and a second
-- migration racing the first may see either error).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bazaar_app') THEN
        CREATE ROLE bazaar_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO bazaar_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bazaar_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bazaar_app;
-- Tables of later migrations, created by the same owner, get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bazaar_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO bazaar_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM bazaar_app;
-- sqlx's migration table: the API checks it at startup, and must not rewrite history either.
REVOKE UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM bazaar_app;
