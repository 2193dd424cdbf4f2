-- 0010_api.sql - API tokens, idempotent POSTs, outgoing webhooks.

-- Bearer tokens for /api/v1.  Only the SHA-256 of the token is kept; the
-- scope never exceeds the owner's role (checked when the token is made
-- and again on every use, as roles can change).
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    allow_ips    TEXT NOT NULL DEFAULT '',   -- CIDR list; '' allows any
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,                    -- NULL: never
    revoked_at   INTEGER,
    last_used_at INTEGER,
    last_used_ip TEXT
);
CREATE INDEX api_token_user ON api_token(user_id);

-- The answer given to a POST with an Idempotency-Key, replayed on retry
-- for HD_API_IDEM_SECS.  Keys are per token.
CREATE TABLE api_idempotency (
    token_id   INTEGER NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
CREATE INDEX api_idempotency_at ON api_idempotency(created_at);

-- Receivers of ticket events; the secret signs each body (HMAC-SHA256).
CREATE TABLE webhook (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,                -- 'created,updated,sla_breached'
    secret     TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- One event for one webhook; the worker retries until delivered or
-- HD_WEBHOOK_ATTEMPTS_MAX attempts failed.
CREATE TABLE webhook_delivery (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    ticket_number   INTEGER,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_attempt_at);
