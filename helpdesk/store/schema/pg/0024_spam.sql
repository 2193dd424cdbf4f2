-- 0024_spam.sql (PostgreSQL) - mail held as spam, and the senders agents
-- taught us; see ../0024_spam.sql.
ALTER TABLE ticket ADD COLUMN spam bigint NOT NULL DEFAULT 0
    CHECK (spam IN (0, 1, 2));
ALTER TABLE ticket ADD COLUMN spam_reason text;
CREATE INDEX ticket_spam_held ON ticket(queue_id) WHERE spam = 1;

CREATE TABLE sender_list (
    address    text PRIMARY KEY,
    verdict    text NOT NULL CHECK (verdict IN ('allow', 'block')),
    user_id    bigint REFERENCES "user"(id) ON DELETE SET NULL,
    created_at bigint NOT NULL
);
