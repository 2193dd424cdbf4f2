-- 0004_sla_outbox.sql - SLA targets and the durable outbox.

-- Targets per category and priority ('*' matches any priority).  Minutes
-- are business minutes when business_hours = 1, else wall-clock minutes.
CREATE TABLE sla_policy (
    category         TEXT NOT NULL CHECK (category IN ('incident', 'general')),
    priority         TEXT NOT NULL DEFAULT '*',
    first_response_m INTEGER NOT NULL CHECK (first_response_m > 0),
    resolution_m     INTEGER NOT NULL CHECK (resolution_m > 0),
    business_hours   INTEGER NOT NULL,
    PRIMARY KEY (category, priority)
) WITHOUT ROWID;
INSERT INTO sla_policy VALUES
    ('incident', '*',      60,   1440, 0),  -- 1 h, 24 h, around the clock
    ('incident', 'urgent', 30,    480, 0),
    ('general',  '*',     540,   2700, 1),  -- 1 business day, 5 days
    ('general',  'urgent', 180,   1080, 1);

-- Nothing is "sent" until an SMTP server accepted it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER REFERENCES ticket(id) ON DELETE CASCADE,
    message_row     INTEGER REFERENCES message(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,            -- 'ack', 'reply', 'alert', 'escalation'
    mail_from       TEXT NOT NULL,
    rcpts           TEXT NOT NULL,            -- space-separated
    raw             BLOB NOT NULL,            -- the complete RFC 5322 message
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_rcpt ON outbox(kind, rcpts, created_at);

-- Liveness of the programs (uptime reports, /readyz).
CREATE TABLE heartbeat (
    program TEXT PRIMARY KEY,
    at      INTEGER NOT NULL,
    pid     INTEGER NOT NULL
) WITHOUT ROWID;

-- The customer's unguessable, revocable link to a ticket (/t/TOKEN); only
-- the SHA-256 of the token is kept.
ALTER TABLE ticket ADD COLUMN public_token_hash TEXT;
CREATE UNIQUE INDEX ticket_public_token ON ticket(public_token_hash);
