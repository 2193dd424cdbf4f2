-- 0022_ticket_text.sql (PostgreSQL) - one search index for a ticket's
-- subject and messages, keyed so that a ticket's rows are one key range;
-- see ../0022_ticket_text.sql for the key: rowid = (ticket id << 32) |
-- part, part 0 the subject, else the low 32 bits of the message id.
-- body holds hd_fts_tsvector() of the text (0002); the GIN index answers
-- "body @@ query", the primary key the per-ticket range probes.
-- Automatic mail (outbound with auto_reply set) stays out, as on SQLite.

CREATE TABLE ticket_text (
    rowid bigint PRIMARY KEY,
    body  tsvector NOT NULL
);
CREATE INDEX ticket_text_match ON ticket_text USING gin (body);

INSERT INTO ticket_text(rowid, body)
    SELECT id << 32, hd_fts_tsvector(subject) FROM ticket
    UNION ALL
    SELECT (ticket_id << 32) | (id & 4294967295), hd_fts_tsvector(body_text)
    FROM message WHERE NOT (kind = 'outbound' AND auto_reply <> 0);

CREATE FUNCTION ticket_text_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_text(rowid, body)
            VALUES (NEW.id << 32, hd_fts_tsvector(NEW.subject));
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE ticket_text SET body = hd_fts_tsvector(NEW.subject)
            WHERE rowid = NEW.id << 32;
    ELSE
        DELETE FROM ticket_text WHERE rowid = OLD.id << 32;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_text_ti AFTER INSERT ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_text_ticket();
CREATE TRIGGER ticket_text_tu AFTER UPDATE OF subject ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_text_ticket();
CREATE TRIGGER ticket_text_td AFTER DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_text_ticket();

CREATE FUNCTION ticket_text_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_text(rowid, body)
            VALUES ((NEW.ticket_id << 32) | (NEW.id & 4294967295),
                    hd_fts_tsvector(NEW.body_text));
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE ticket_text
            SET rowid = (NEW.ticket_id << 32) | (NEW.id & 4294967295),
                body = hd_fts_tsvector(NEW.body_text)
            WHERE rowid = (OLD.ticket_id << 32) | (OLD.id & 4294967295);
    ELSE
        DELETE FROM ticket_text
            WHERE rowid = (OLD.ticket_id << 32) | (OLD.id & 4294967295);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ticket_text_mi AFTER INSERT ON message
    FOR EACH ROW WHEN (NOT (NEW.kind = 'outbound' AND NEW.auto_reply <> 0))
    EXECUTE FUNCTION ticket_text_message();
CREATE TRIGGER ticket_text_mu AFTER UPDATE OF body_text, ticket_id ON message
    FOR EACH ROW WHEN (NOT (NEW.kind = 'outbound' AND NEW.auto_reply <> 0))
    EXECUTE FUNCTION ticket_text_message();
CREATE TRIGGER ticket_text_md AFTER DELETE ON message
    FOR EACH ROW EXECUTE FUNCTION ticket_text_message();
