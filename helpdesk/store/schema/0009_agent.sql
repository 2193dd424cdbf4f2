-- 0009_agent.sql - the agents' workplace: sign-in sessions, lockout
-- state, second factors and recovery codes, per-user IP allow-lists,
-- saved views, who looked at a ticket when (collision warnings), the
-- full-text index over tickets, and the indexes the queue views count
-- with.

-- One row per signed-in browser.  Only the SHA-256 of the cookie token is
-- kept, so a copy of the database signs nobody in.  stage 'password': the
-- password was right but the second factor (or its enrolment) is still
-- due; only the 2FA pages accept such a session.
CREATE TABLE agent_session (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('password', 'full')),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX agent_session_user ON agent_session(user_id);

-- Failed sign-ins per address tried (known or not, so the answer never
-- tells which addresses exist): struct hd_lockout_state.
CREATE TABLE auth_lockout (
    subject      TEXT PRIMARY KEY COLLATE NOCASE,
    failures     INTEGER NOT NULL,
    run_start    INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    lockouts     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
) WITHOUT ROWID;

-- TOTP secret (base32) of a user; enabled once a code was confirmed.
-- last_step stops a code from being used twice.
CREATE TABLE user_totp (
    user_id    INTEGER PRIMARY KEY REFERENCES user(id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 0,
    last_step  INTEGER NOT NULL DEFAULT -1,
    created_at INTEGER NOT NULL
);

-- SHA-256 of each unused recovery code; a used one is deleted.
CREATE TABLE user_recovery_code (
    user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    hash    TEXT NOT NULL,
    PRIMARY KEY (user_id, hash)
) WITHOUT ROWID;

-- Networks a user may sign in from, on top of the role's list in the
-- configuration (auth.allow_ips.ROLE).  Empty: no restriction.
CREATE TABLE user_ip_allow (
    user_id INTEGER PRIMARY KEY REFERENCES user(id) ON DELETE CASCADE,
    cidrs   TEXT NOT NULL
);

-- A queue page's filters kept under a name (the query string).
CREATE TABLE saved_view (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

-- Last time each user opened each ticket (collision warning).
CREATE TABLE ticket_view (
    ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
) WITHOUT ROWID;

-- The queue sorts by the running SLA clock: first response until it
-- happened, then resolution; tickets without a due time last.  The
-- expression must be written exactly so in queries to use the index.
CREATE INDEX ticket_sla_due ON ticket(
    (coalesce(CASE WHEN first_response_at IS NULL THEN first_response_due
                   ELSE resolution_due END, 9223372036854775807)),
    number);
CREATE INDEX ticket_category_status ON ticket(category, status);

-- Full-text index of a ticket: its subject and all its message bodies
-- (notes included: agents search them too).  rowid = ticket id.  A plain
-- FTS5 table (it keeps its own copy) so rows can be deleted by rowid,
-- which erasure does.
CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, body,
    tokenize='cjkbigram');

INSERT INTO ticket_fts(rowid, subject, body)
    SELECT t.id, t.subject,
           coalesce((SELECT group_concat(m.body_text, char(10))
                     FROM message m WHERE m.ticket_id = t.id), '')
    FROM ticket t;

CREATE TRIGGER ticket_fts_ai AFTER INSERT ON ticket BEGIN
    INSERT INTO ticket_fts(rowid, subject, body) VALUES (new.id, new.subject, '');
END;
CREATE TRIGGER ticket_fts_au AFTER UPDATE OF subject ON ticket BEGIN
    UPDATE ticket_fts SET subject = new.subject WHERE rowid = new.id;
END;
CREATE TRIGGER ticket_fts_ad AFTER DELETE ON ticket BEGIN
    DELETE FROM ticket_fts WHERE rowid = old.id;
END;
CREATE TRIGGER ticket_fts_mi AFTER INSERT ON message BEGIN
    UPDATE ticket_fts SET body = CASE WHEN body = '' THEN new.body_text
                                      ELSE body || char(10) || new.body_text END
        WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER ticket_fts_mu AFTER UPDATE OF body_text, ticket_id ON message BEGIN
    UPDATE ticket_fts SET body = coalesce((SELECT group_concat(m.body_text, char(10))
                                           FROM message m WHERE m.ticket_id = old.ticket_id), '')
        WHERE rowid = old.ticket_id;
    UPDATE ticket_fts SET body = coalesce((SELECT group_concat(m.body_text, char(10))
                                           FROM message m WHERE m.ticket_id = new.ticket_id), '')
        WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER ticket_fts_md AFTER DELETE ON message BEGIN
    UPDATE ticket_fts SET body = coalesce((SELECT group_concat(m.body_text, char(10))
                                           FROM message m WHERE m.ticket_id = old.ticket_id), '')
        WHERE rowid = old.ticket_id;
END;
