-- 0021_outbox_attempt.sql - the outbox remembers an attempt before it starts.

-- Set, in its own committed transaction, before the worker opens the SMTP
-- transaction for a row, together with next_attempt_at moved to the end of
-- a lease (MG_OUTBOX_LEASE); cleared when the outcome is recorded.  A row
-- found due with attempt_at still set was interrupted between the two (the
-- worker was killed, or could not record the outcome): the server may or
-- may not have the mail, and it is sent again with the same Message-ID.
ALTER TABLE outbox ADD COLUMN attempt_at INTEGER;
-- How many times the row was sent again after such an interrupted attempt:
-- an upper bound on the duplicates the recipient may have received.
ALTER TABLE outbox ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
