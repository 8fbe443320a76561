-- The email outbox (issue 3): mail the server has decided to send, such as the single-use,
-- expiring token of an email verification or password reset. The row is inserted in the same
-- transaction as the change that causes it, so a mail is never promised by a rolled-back
-- change nor lost after a committed one; a sender delivers it later and sets `sent_at`.
--
-- `body` will carry live tokens and `to_address` is personal data: the sender is expected to
-- purge delivered rows, and reading this table is an administrator's power.
CREATE TABLE email_outbox (
    -- An identity never reuses a value, so an id in a log names one mail for good.
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- NULL until delivered.
    sent_at    TIMESTAMPTZ
);
