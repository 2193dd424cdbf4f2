-- 0020_message_fts_auto.sql (PostgreSQL) - on SQLite this took automatic
-- mail out of message_fts (../0020_message_fts_auto.sql).  Nothing to do
-- here: 0022's index leaves it out from the start.
SELECT 1;
