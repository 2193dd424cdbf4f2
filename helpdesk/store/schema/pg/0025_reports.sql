-- 0025_reports.sql (PostgreSQL) - what the managers' reports read, and
-- the customers' ratings; see ../0025_reports.sql.
CREATE INDEX ticket_created ON ticket(created_at, spam, queue_id,
    assignee_id, category, priority, sla_first_state, sla_resolve_state,
    first_response_at, resolved_at, sla_paused_secs);
CREATE INDEX ticket_open_age ON ticket(status, spam, created_at, queue_id,
    assignee_id, category);
CREATE INDEX ticket_resolved ON ticket(resolved_at, spam, created_at,
    sla_paused_secs, queue_id, assignee_id) WHERE resolved_at IS NOT NULL;

CREATE TABLE csat (
    ticket_id  bigint PRIMARY KEY REFERENCES ticket(id) ON DELETE CASCADE,
    rating     text NOT NULL CHECK (rating IN ('good', 'bad')),
    comment    text NOT NULL DEFAULT '',
    created_at bigint NOT NULL
);
CREATE INDEX csat_created ON csat(created_at);

CREATE TRIGGER agent_gen_csat_ai AFTER INSERT ON csat
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_csat_au AFTER UPDATE ON csat
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
