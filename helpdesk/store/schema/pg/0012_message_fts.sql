-- 0012_message_fts.sql (PostgreSQL) - on SQLite this split the ticket
-- search index into ticket_fts and message_fts (../0012_message_fts.sql).
-- Nothing to do here: 0022 creates the index that replaced both, and a
-- PostgreSQL database never held the earlier ones (see 0009).
SELECT 1;
