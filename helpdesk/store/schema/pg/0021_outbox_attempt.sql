-- 0021_outbox_attempt.sql (PostgreSQL) - the outbox remembers an attempt
-- before it starts; see ../0021_outbox_attempt.sql.
ALTER TABLE outbox ADD COLUMN attempt_at bigint;
ALTER TABLE outbox ADD COLUMN resends bigint NOT NULL DEFAULT 0;
