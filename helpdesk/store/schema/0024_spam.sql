-- 0024_spam.sql - mail held as spam, and the senders agents taught us.

-- 0: an ordinary ticket; 1: held as spam (status 'closed', no SLA clock,
-- never acknowledged, listed only by the "spam" view); 2: spam an agent
-- confirmed (kept for the record, listed nowhere).  Released spam goes
-- back to 0 and status 'new'.  Every listing's filter
-- (STORE_TICKET_FILTER_WHERE) asks for one value, 0 unless it says spam.
ALTER TABLE ticket ADD COLUMN spam INTEGER NOT NULL DEFAULT 0
    CHECK (spam IN (0, 1, 2));
-- Why the mail was held: "X-Spam-Flag: YES", "spamd 1000.0/5.0", ...
ALTER TABLE ticket ADD COLUMN spam_reason TEXT;
CREATE INDEX ticket_spam_held ON ticket(queue_id) WHERE spam = 1;

-- A sender address an agent released (allow: never held again) or
-- confirmed as spam (block: always held).  Lower-cased address.
CREATE TABLE sender_list (
    address    TEXT PRIMARY KEY,
    verdict    TEXT NOT NULL CHECK (verdict IN ('allow', 'block')),
    user_id    INTEGER REFERENCES user(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
