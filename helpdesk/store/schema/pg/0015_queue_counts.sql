-- 0015_queue_counts.sql (PostgreSQL) - the queue page's view counts walk
-- one index; see ../0015_queue_counts.sql.
CREATE INDEX ticket_open_counts ON ticket(status, queue_id, assignee_id,
                                         category);
