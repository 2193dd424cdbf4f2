-- 0025_reports.sql - what the managers' reports read, and the customers'
-- ratings they show.

-- The period's tickets in creation order, the open ones, and those solved
-- in the period: each walk reads one covering index (store_stats.c), not
-- the wide ticket rows, so a report at 100k tickets reads a few MB of
-- index instead of the table's pages.
CREATE INDEX ticket_created ON ticket(created_at, spam, queue_id,
    assignee_id, category, priority, sla_first_state, sla_resolve_state,
    first_response_at, resolved_at, sla_paused_secs);
CREATE INDEX ticket_open_age ON ticket(status, spam, created_at, queue_id,
    assignee_id, category);
CREATE INDEX ticket_resolved ON ticket(resolved_at, spam, created_at,
    sla_paused_secs, queue_id, assignee_id) WHERE resolved_at IS NOT NULL;

-- One rating per ticket, by its customer after it was solved; a second
-- rating replaces the first (the customer changed their mind).
CREATE TABLE csat (
    ticket_id  INTEGER PRIMARY KEY REFERENCES ticket(id) ON DELETE CASCADE,
    rating     TEXT NOT NULL CHECK (rating IN ('good', 'bad')),
    comment    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX csat_created ON csat(created_at);

-- A rating changes what the reports show: the agents' pages keep built
-- reports while agent_generation.tickets stays (0018).
CREATE TRIGGER agent_gen_csat_ai AFTER INSERT ON csat BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_csat_au AFTER UPDATE ON csat BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
