-- 0015_queue_counts.sql - one index that answers the queue page's view
-- counts without reading a ticket row: the open tickets grouped by queue,
-- assignee and category (store_count.c) walk only this index.
CREATE INDEX ticket_open_counts ON ticket(status, queue_id, assignee_id,
                                         category);
