-- Sessions, second factor, password resets and lockout: the rest of identity (seed 000 §5).
--
-- Every time in this migration is unix seconds (BIGINT), not the TIMESTAMPTZ of 0001/0002: these
-- columns are compared against "now" on every refresh, sign-in and reset, and an integer
-- compares the same way on both backends, with no text-format or time-zone pitfalls.
--
-- Every token (refresh, reset, challenge, recovery code) is stored only as the hex SHA-256 of
-- its value: a leaked database holds nothing that can be presented back to the server. The
-- values are 256-bit random (recovery codes 80-bit), so a fast hash suffices.

-- Lockout (seed 004): consecutive failed sign-ins, reset on success; at 10 the account is
-- refused until `locked_until`. `mfa_enabled_at` is set when a TOTP authenticator is activated
-- (the back office lists it); NULL means no second factor.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT;
ALTER TABLE users ADD COLUMN mfa_enabled_at BIGINT;

-- One row per sign-in ("family"): every refresh token rotated from that sign-in belongs to it,
-- so presenting a spent token (theft) revokes all of them at once, and signing out one device
-- revokes only its family. `mfa` records whether the sign-in passed a second factor, so a
-- refresh keeps the session's standing instead of upgrading or downgrading it.
CREATE TABLE session_families (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mfa        BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    -- Set on sign-out, sign-out everywhere, password reset, or reuse of a spent token.
    revoked_at BIGINT
);
-- "Sign out everywhere" and password resets revoke by user.
CREATE INDEX session_families_user ON session_families (user_id);

-- Refresh tokens: one-time use. `used_at` is set when a token is exchanged for its successor;
-- a conditional UPDATE (... WHERE used_at IS NULL) is what makes a double use impossible.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family_id  TEXT NOT NULL REFERENCES session_families (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Password reset tokens: mailed through email_outbox in the same transaction, single use,
-- 30 minutes.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- The TOTP secret of an account (RFC 6238), base32. `pending_secret` is an enrolment not yet
-- confirmed by a code; `secret` the active one. `last_step` is the last time step accepted, so
-- one code cannot be replayed within its validity window. Written only through
-- `store_totp_secret` in api/src/db/mfa.rs, so the PII work can encrypt it in one place.
CREATE TABLE totp_secrets (
    user_id        UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         TEXT,
    pending_secret TEXT,
    last_step      BIGINT
);

-- Recovery codes: ten per activation, single use; a new activation replaces them.
CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a sign-in with MFA: the password was right, a code is due. Five
-- minutes, single use, at most `attempts` = 5 wrong codes.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    BIGINT
);
