-- Administrators' support sessions as another user (seed 000 section 6, issue 9).
--
-- One row per session: who (the administrator), as whom (the target), why (a support reason,
-- bounded text: no personal data is asked for), and when it started, when it runs out, and when
-- it was ended early (the End button, signing out). The impersonation token names its row by
-- `id`; every request with such a token looks the row up by its primary key and is refused
-- once `ended_at` is set or `expires_at` has passed, so ending a session is immediate on the
-- server, not only in the browser. Times are unix seconds, like 0003's.
CREATE TABLE impersonation_sessions (
    id         UUID PRIMARY KEY,
    admin_id   UUID NOT NULL REFERENCES users (id),
    target_id  UUID NOT NULL REFERENCES users (id),
    reason     TEXT NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    started_at BIGINT NOT NULL,
    -- At most 240 minutes after the start (seed 000 section 6.1).
    expires_at BIGINT NOT NULL CHECK (expires_at > started_at AND expires_at <= started_at + 14400),
    ended_at   BIGINT,
    CHECK (admin_id <> target_id)
);
-- The customer's access history, newest first.
CREATE INDEX impersonation_sessions_target ON impersonation_sessions (target_id, started_at);
-- Signing an administrator out ends their live sessions.
CREATE INDEX impersonation_sessions_admin ON impersonation_sessions (admin_id, ended_at);
