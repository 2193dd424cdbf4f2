-- 0001_core.sql - the ticket model.  Times are UTC seconds since the
-- epoch.  Ids start at 1; 0 is never a valid id.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE counter (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counter(name, value) VALUES ('ticket_number', 10000);

CREATE TABLE org (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    tier        TEXT NOT NULL DEFAULT 'standard'
                CHECK (tier IN ('basic', 'standard', 'premium', 'enterprise')),
    quota_bytes INTEGER,                     -- NULL: the instance default
    created_at  INTEGER NOT NULL
);

CREATE TABLE org_domain (
    domain TEXT PRIMARY KEY COLLATE NOCASE,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE
);

CREATE TABLE contact (
    id         INTEGER PRIMARY KEY,
    address    TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name       TEXT NOT NULL DEFAULT '',
    org_id     INTEGER REFERENCES org(id) ON DELETE SET NULL,
    lang       TEXT,                         -- NULL: detect per message
    created_at INTEGER NOT NULL
);
CREATE INDEX contact_org ON contact(org_id);

CREATE TABLE role (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL,
    can_reply    INTEGER NOT NULL,
    can_admin    INTEGER NOT NULL,
    require_2fa  INTEGER NOT NULL
);
INSERT INTO role VALUES
    ('admin',  'Administrators: everything, including users and backups', 1, 1, 1),
    ('agent',  'Agents: work tickets in the queues granted to them',     1, 0, 0),
    ('viewer', 'Viewers: read tickets in the queues granted to them',    0, 0, 0);

CREATE TABLE user (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL REFERENCES role(name),
    password_hash    TEXT,
    disabled         INTEGER NOT NULL DEFAULT 0,
    on_duty          INTEGER NOT NULL DEFAULT 1,
    on_call          INTEGER NOT NULL DEFAULT 0,
    lang             TEXT NOT NULL DEFAULT 'ja',
    created_at       INTEGER NOT NULL,
    last_login_at    INTEGER,
    last_activity_at INTEGER
);

CREATE TABLE queue (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    address     TEXT COLLATE NOCASE,         -- envelope recipient routed here
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);

CREATE TABLE user_queue (
    user_id  INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    queue_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
) WITHOUT ROWID;

CREATE TABLE ticket (
    id                 INTEGER PRIMARY KEY,
    number             INTEGER NOT NULL UNIQUE,
    subject            TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    priority           TEXT NOT NULL DEFAULT 'normal'
                       CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    category           TEXT NOT NULL DEFAULT 'general'
                       CHECK (category IN ('incident', 'general')),
    queue_id           INTEGER REFERENCES queue(id) ON DELETE SET NULL,
    org_id             INTEGER REFERENCES org(id) ON DELETE SET NULL,
    requester_id       INTEGER REFERENCES contact(id) ON DELETE SET NULL,
    assignee_id        INTEGER REFERENCES user(id) ON DELETE SET NULL,
    lang               TEXT NOT NULL DEFAULT 'ja',
    needs_review       INTEGER NOT NULL DEFAULT 0,  -- unparsable mail etc.
    merged_into        INTEGER REFERENCES ticket(id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    first_response_due INTEGER,
    resolution_due     INTEGER,
    first_response_at  INTEGER,
    resolved_at        INTEGER,
    sla_first_state    TEXT NOT NULL DEFAULT 'running'
                       CHECK (sla_first_state IN ('running', 'warned', 'met', 'breached')),
    sla_resolve_state  TEXT NOT NULL DEFAULT 'running'
                       CHECK (sla_resolve_state IN ('running', 'warned', 'met', 'breached')),
    sla_paused_at      INTEGER,                      -- set while pending
    sla_paused_secs    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_status_due ON ticket(status, first_response_due);
CREATE INDEX ticket_queue ON ticket(queue_id, status);
CREATE INDEX ticket_assignee ON ticket(assignee_id, status);
CREATE INDEX ticket_requester ON ticket(requester_id);
CREATE INDEX ticket_org ON ticket(org_id);
CREATE INDEX ticket_updated ON ticket(updated_at);

CREATE TABLE ticket_tag (
    ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tag_tag ON ticket_tag(tag);

CREATE TABLE ticket_cc (
    ticket_id  INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    PRIMARY KEY (ticket_id, contact_id)
) WITHOUT ROWID;

CREATE TABLE message (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound', 'note')),
    author_user_id  INTEGER REFERENCES user(id) ON DELETE SET NULL,
    author_contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
    from_addr       TEXT NOT NULL DEFAULT '',
    from_name       TEXT NOT NULL DEFAULT '',
    to_addrs        TEXT NOT NULL DEFAULT '',      -- comma-separated
    cc_addrs        TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL,                 -- without <>
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '',      -- space-separated
    body_text       TEXT NOT NULL DEFAULT '',
    body_html       TEXT,                          -- sanitised only
    body_hash       TEXT NOT NULL DEFAULT '',      -- SHA-256 of the raw body
    raw_sha256      TEXT,                          -- raw message in the blob store
    raw_size        INTEGER NOT NULL DEFAULT 0,
    auto_reply      INTEGER NOT NULL DEFAULT 0,
    bounce          INTEGER NOT NULL DEFAULT 0,
    lang            TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (message_id, body_hash)
);
CREATE INDEX message_ticket ON message(ticket_id, created_at);
CREATE INDEX message_msgid ON message(message_id);

CREATE TABLE blob (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE attachment (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    inline       INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL DEFAULT 'stored'
                 CHECK (state IN ('stored', 'oversize', 'refused', 'held', 'quarantined', 'purged')),
    scan_state   TEXT NOT NULL DEFAULT 'unscanned'
                 CHECK (scan_state IN ('unscanned', 'clean', 'infected')),
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachment_message ON attachment(message_id);
CREATE INDEX attachment_sha ON attachment(sha256);

-- Append-only history per ticket: who changed what, when.
CREATE TABLE event (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,                 -- 'user:3', 'mailgw', 'worker', 'cli'
    kind       TEXT NOT NULL,                 -- 'created', 'field', 'routed', 'sla', ...
    field      TEXT,
    old_value  TEXT,
    new_value  TEXT,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX event_ticket ON event(ticket_id, id);
CREATE TRIGGER event_append_only BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'ticket history is append-only');
END;
