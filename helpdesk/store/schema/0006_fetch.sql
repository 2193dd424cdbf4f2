-- 0006_fetch.sql - where `helpdesk-mailgw fetch` left off in each mailbox.
--
-- source is the mailbox URL without password ("imaps://agent@host:993/INBOX"),
-- so two configured mailboxes never share progress.  Progress is recorded
-- only after the message was committed; a crash between the two re-fetches
-- one message, which intake drops as a duplicate (Message-ID + body hash).

-- IMAP: everything up to last_uid under this uidvalidity was committed.
-- A new UIDVALIDITY restarts from 0 (the duplicates check keeps it safe).
CREATE TABLE fetch_imap (
    source      TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- POP3: UIDLs (RFC 1939 unique-ids) already committed; the message may
-- still be on the server when the session died before QUIT.
CREATE TABLE fetch_pop3 (
    source  TEXT NOT NULL,
    uidl    TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (source, uidl)
) WITHOUT ROWID;
