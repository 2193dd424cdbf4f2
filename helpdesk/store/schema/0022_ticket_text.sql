-- 0022_ticket_text.sql - one search index for a ticket's subject and
-- messages, keyed so that a ticket's rows are one rowid range.
--
-- ticket_fts (subjects, rowid = ticket id) and message_fts (bodies, rowid
-- = message id) made every search collect all its matches: a message's
-- ticket had to be looked up in `message`, and the page's order (due
-- time) could only be applied once every matching ticket was known.  In
-- ticket_text the rowid is (ticket id << 32) | part: part 0 is the
-- subject, a message's part is the low 32 bits of its id.  So the
-- index's rowid order is ticket order, a match's ticket is rowid >> 32
-- with no lookup, and "does ticket T match?" is one range probe
-- (rowid BETWEEN T << 32 AND (T << 32) + 0xffffffff), which lets a page
-- walk its own order and stop after 50 rows (docs/internals/search.md).
-- Message ids stay below 2^32 long before anything else runs out.
--
-- Automatic mail (0020) stays out.  The update triggers UPDATE rather
-- than DELETE + INSERT so that a row not indexed yet (a bulk connection
-- indexes at its commit: store_bulk.c) stays unindexed.  A single merged
-- index (optimize) keeps every probe to one segment.
DROP TRIGGER ticket_fts_ai;
DROP TRIGGER ticket_fts_au;
DROP TRIGGER ticket_fts_ad;
DROP TABLE ticket_fts;
DROP TRIGGER message_fts_ai;
DROP TRIGGER message_fts_au;
DROP TRIGGER message_fts_ad;
DROP TABLE message_fts;

CREATE VIRTUAL TABLE ticket_text USING fts5(body, tokenize='cjkbigram',
    columnsize=0);
INSERT INTO ticket_text(rowid, body)
    SELECT rowid, body FROM (
        SELECT id << 32 AS rowid, subject AS body FROM ticket
        UNION ALL
        SELECT (ticket_id << 32) | (id & 4294967295), body_text FROM message
        WHERE NOT (kind = 'outbound' AND auto_reply))
    ORDER BY rowid;
INSERT INTO ticket_text(ticket_text) VALUES ('optimize');

CREATE TRIGGER ticket_text_ti AFTER INSERT ON ticket BEGIN
    INSERT INTO ticket_text(rowid, body) VALUES (new.id << 32, new.subject);
END;
CREATE TRIGGER ticket_text_tu AFTER UPDATE OF subject ON ticket BEGIN
    UPDATE ticket_text SET body = new.subject WHERE rowid = new.id << 32;
END;
CREATE TRIGGER ticket_text_td AFTER DELETE ON ticket BEGIN
    DELETE FROM ticket_text WHERE rowid = old.id << 32;
END;
CREATE TRIGGER ticket_text_mi AFTER INSERT ON message
WHEN NOT (new.kind = 'outbound' AND new.auto_reply) BEGIN
    INSERT INTO ticket_text(rowid, body)
    VALUES ((new.ticket_id << 32) | (new.id & 4294967295), new.body_text);
END;
CREATE TRIGGER ticket_text_mu AFTER UPDATE OF body_text, ticket_id ON message
WHEN NOT (new.kind = 'outbound' AND new.auto_reply) BEGIN
    UPDATE ticket_text
    SET rowid = (new.ticket_id << 32) | (new.id & 4294967295),
        body = new.body_text
    WHERE rowid = (old.ticket_id << 32) | (old.id & 4294967295);
END;
CREATE TRIGGER ticket_text_md AFTER DELETE ON message BEGIN
    DELETE FROM ticket_text
    WHERE rowid = (old.ticket_id << 32) | (old.id & 4294967295);
END;
