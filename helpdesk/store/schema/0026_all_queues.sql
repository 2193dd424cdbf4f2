-- 0026_all_queues.sql - an agent added without --queues sees every queue,
-- including queues added later: hd_store_queue_add() grants a new queue
-- to every user with all_queues set.  Limited agents keep 0.
ALTER TABLE user ADD COLUMN all_queues INTEGER NOT NULL DEFAULT 0;
