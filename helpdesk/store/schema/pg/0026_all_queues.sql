-- 0026_all_queues.sql (PostgreSQL) - agents who see every queue; see
-- ../0026_all_queues.sql.
ALTER TABLE "user" ADD COLUMN all_queues bigint NOT NULL DEFAULT 0;
