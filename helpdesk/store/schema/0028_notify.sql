-- 0028_notify.sql - agents hear about their tickets (docs/agents.md#notifications).

-- One row per event an agent is told about, written by the desk in the
-- transaction of the change that caused it.  'mail' says what the worker
-- still owes: 'pending' rows wait for the digest window and are then
-- mailed together (one outbox row), 'queued' once that row exists, 'none'
-- when the agent's preference keeps this kind out of mail.
CREATE TABLE notification (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    ticket_id  INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL
               CHECK (kind IN ('assigned', 'answered', 'mentioned',
                               'new_ticket')),
    by_name    TEXT NOT NULL,          -- who acted, as shown
    excerpt    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    mail       TEXT NOT NULL DEFAULT 'none'
               CHECK (mail IN ('none', 'pending', 'queued'))
);
CREATE INDEX notification_user ON notification(user_id, read_at, id);
CREATE INDEX notification_mail ON notification(user_id, created_at)
    WHERE mail = 'pending';

-- Mail on or off per user and kind; no row: on.
CREATE TABLE notify_pref (
    user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    mail    INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;

-- The queues whose every new ticket the user wants to hear about.
CREATE TABLE notify_queue (
    user_id  INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
    queue_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
) WITHOUT ROWID;
CREATE INDEX notify_queue_q ON notify_queue(queue_id);
