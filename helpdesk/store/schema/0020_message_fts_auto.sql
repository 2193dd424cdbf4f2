-- 0020_message_fts_auto.sql - automatic mail the help desk sends itself
-- (acknowledgements, alerts: outbound messages with auto_reply set) is
-- no longer in the ticket search index.  Its text is the same template on
-- every ticket, so a search for any of its words matched every ticket;
-- and indexing it wrote a second search index segment for each incoming
-- message (the acknowledgement is stored in the same transaction), ~16%
-- of the mail gateway's instructions per new ticket.  Replies written by
-- agents are outbound without auto_reply and stay searchable.
DROP TRIGGER message_fts_ai;
CREATE TRIGGER message_fts_ai AFTER INSERT ON message
WHEN NOT (new.kind = 'outbound' AND new.auto_reply) BEGIN
    INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body_text);
END;
DROP TRIGGER message_fts_au;
CREATE TRIGGER message_fts_au AFTER UPDATE OF body_text ON message
WHEN NOT (new.kind = 'outbound' AND new.auto_reply) BEGIN
    UPDATE message_fts SET body = new.body_text WHERE rowid = new.id;
END;
DELETE FROM message_fts WHERE rowid IN
    (SELECT id FROM message WHERE kind = 'outbound' AND auto_reply);
