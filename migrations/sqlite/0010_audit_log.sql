-- The audit log (seed 000 §12.1): one row per audited act, written by the use case in the same
-- transaction as the change it records, chained by SHA-256 and append-only.
--
-- `seq` is the chain's order: 1, 2, 3, ... with no gaps, assigned by `app::audit` under the
-- write lock (every SQLite write transaction is BEGIN IMMEDIATE, so appends are serialised).
-- `hash` = SHA-256(prev_hash ‖ the canonical encoding v1 of the row), hex; docs/SECURITY.md
-- defines the encoding. `prev_hash` is UNIQUE: two rows claiming the same predecessor (a fork)
-- cannot both be stored, whatever the locking does.
--
-- Times are unix seconds from the application's clock, like 0003's. Ids are TEXT on both
-- backends: a SYSTEM actor's id is its task's name (`sweeper`), not a row id.
--
-- `changes` is the JSON text exactly as hashed ({"field": {"before": .., "after": ..}}, personal
-- data masked or left out); TEXT rather than JSON so that what is read back is byte for byte
-- what was hashed.
CREATE TABLE audit_log (
    seq                INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
    at                 INTEGER NOT NULL,
    actor_type         TEXT NOT NULL CHECK (actor_type IN ('USER', 'ADMIN', 'SYSTEM')),
    actor_id           TEXT,
    action             TEXT NOT NULL,
    resource_type      TEXT NOT NULL,
    resource_id        TEXT,
    changes            TEXT NOT NULL,
    ip                 TEXT,
    user_agent         TEXT,
    impersonation_flag INTEGER NOT NULL CHECK (impersonation_flag IN (0, 1)),
    impersonated_by    TEXT,
    status             TEXT NOT NULL CHECK (status IN ('SUCCESS', 'FAILURE')),
    error_message      TEXT,
    prev_hash          TEXT NOT NULL UNIQUE,
    hash               TEXT NOT NULL UNIQUE
) STRICT;

-- The viewer's filters: newest first by actor, by action, by resource, within a time range.
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: the database refuses every UPDATE and DELETE, whoever asks. (SQLite has no
-- TRUNCATE; a DELETE without WHERE fires the trigger like any other.) Someone with the file can
-- still drop these triggers: the hash chain and the checkpoints outside the database are what
-- then shows the edit (`api audit verify`).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
