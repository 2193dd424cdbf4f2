-- 0006_fetch.sql (PostgreSQL) - where `helpdesk-mailgw fetch` left off in
-- each mailbox; see ../0006_fetch.sql.

CREATE TABLE fetch_imap (
    source      text PRIMARY KEY,
    uidvalidity bigint NOT NULL,
    last_uid    bigint NOT NULL DEFAULT 0,
    updated_at  bigint NOT NULL
);

CREATE TABLE fetch_pop3 (
    source  text NOT NULL,
    uidl    text NOT NULL,
    seen_at bigint NOT NULL,
    PRIMARY KEY (source, uidl)
);
