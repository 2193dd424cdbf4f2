-- 0012_message_fts.sql - ticket search indexes each message once.
--
-- 0009 kept one search row per ticket holding the whole thread, rewritten
-- on every new message: FTS5 flushes its pending data whenever a row it
-- already holds is rewritten, so every message cost a new index segment
-- (about 75 page writes) and threads cost time quadratic in their length.
-- Now ticket_fts holds subjects only and message_fts one row per message
-- with the message id as rowid, so inserts only ever append.

DROP TRIGGER ticket_fts_mi;
DROP TRIGGER ticket_fts_mu;
DROP TRIGGER ticket_fts_md;
DROP TRIGGER ticket_fts_ai;
DROP TRIGGER ticket_fts_au;
DROP TRIGGER ticket_fts_ad;
DROP TABLE ticket_fts;

-- The body column stays (always empty) so the table keeps its shape.
CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, body,
    tokenize='cjkbigram');
INSERT INTO ticket_fts(rowid, subject, body) SELECT id, subject, '' FROM ticket;
CREATE TRIGGER ticket_fts_ai AFTER INSERT ON ticket BEGIN
    INSERT INTO ticket_fts(rowid, subject, body) VALUES (new.id, new.subject, '');
END;
CREATE TRIGGER ticket_fts_au AFTER UPDATE OF subject ON ticket BEGIN
    UPDATE ticket_fts SET subject = new.subject WHERE rowid = new.id;
END;
CREATE TRIGGER ticket_fts_ad AFTER DELETE ON ticket BEGIN
    DELETE FROM ticket_fts WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE message_fts USING fts5(body, tokenize='cjkbigram');
INSERT INTO message_fts(rowid, body) SELECT id, body_text FROM message;
CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN
    INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body_text);
END;
CREATE TRIGGER message_fts_au AFTER UPDATE OF body_text ON message BEGIN
    UPDATE message_fts SET body = new.body_text WHERE rowid = new.id;
END;
CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN
    DELETE FROM message_fts WHERE rowid = old.id;
END;
