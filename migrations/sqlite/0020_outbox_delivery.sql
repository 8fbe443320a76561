-- Real mail (issue 12): the outbox becomes a queue that senders claim, retry and give up on.
--
-- `state`: pending (waits, or is being sent), sent (delivered; purged 30 days after
-- `sent_at`) or dead (given up after MAIL_MAX_ATTEMPTS failures; listed for administrators).
-- `next_attempt_at` (unix seconds) does two jobs: a failed mail waits in it for its next try
-- (exponential backoff), and a sender that claims a mail pushes it a lease ahead, so no other
-- sender takes the mail while it is being sent. `attempts` counts failures; `last_error` is
-- the last one, with addresses masked. `kind` names what the mail is about (password_reset,
-- order_confirmed, ...), for the dead-mail list; `html_body` the sealed HTML part (NULL: text
-- only).
ALTER TABLE email_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE email_outbox ADD COLUMN html_body TEXT;
ALTER TABLE email_outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sent', 'dead'));
ALTER TABLE email_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE email_outbox ADD COLUMN last_error TEXT;
ALTER TABLE email_outbox ADD COLUMN dead_at INTEGER;

UPDATE email_outbox SET state = 'sent' WHERE sent_at IS NOT NULL;

-- The sender's claim: pending mail due now, oldest first.
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at, id) WHERE state = 'pending';
-- The purge of delivered mail by age.
CREATE INDEX email_outbox_sent ON email_outbox (sent_at) WHERE state = 'sent';
-- The dead-mail list.
CREATE INDEX email_outbox_dead ON email_outbox (id) WHERE state = 'dead';
