-- 0027_report_rollup.sql (PostgreSQL) - the reports' counts per slot,
-- kept by a trigger on ticket; see ../0027_report_rollup.sql for what
-- each table counts and why the slots are a quarter hour or a day.

CREATE TABLE report_created (
    slot          bigint NOT NULL,
    queue_id      bigint NOT NULL,
    category      text NOT NULL,
    priority      text NOT NULL,
    first_state   text NOT NULL,
    resolve_state text NOT NULL,
    frt           bigint NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (slot, queue_id, category, priority, first_state,
                 resolve_state, frt)
);
CREATE TABLE report_open (
    slot        bigint NOT NULL,
    queue_id    bigint NOT NULL,
    assignee_id bigint NOT NULL,
    category    text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (slot, queue_id, assignee_id, category)
);
CREATE TABLE report_resolved (
    slot        bigint NOT NULL,
    queue_id    bigint NOT NULL,
    assignee_id bigint NOT NULL,
    rtime       bigint NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (slot, queue_id, assignee_id, rtime)
);

-- stats.c's time_limits: <1h, 1-4h, 4-8h, 8-24h, 1-3d, 3-7d, 7d+ as 0-6.
CREATE FUNCTION hd_report_bucket(secs bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN secs < 3600 THEN 0 WHEN secs < 14400 THEN 1
                WHEN secs < 28800 THEN 2 WHEN secs < 86400 THEN 3
                WHEN secs < 259200 THEN 4 WHEN secs < 604800 THEN 5
                ELSE 6 END
$$;
CREATE FUNCTION hd_report_frt(created bigint, first bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(first, 0) <= 0 THEN -1
                ELSE hd_report_bucket(first - created) END
$$;

-- t's share of the three tables, added (d = 1) or taken away (d = -1).
CREATE FUNCTION hd_report_count(t ticket, d bigint) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF t.spam <> 0 THEN
        RETURN;
    END IF;
    INSERT INTO report_created AS r VALUES (t.created_at / 900,
        coalesce(t.queue_id, 0), t.category, t.priority, t.sla_first_state,
        t.sla_resolve_state, hd_report_frt(t.created_at, t.first_response_at),
        d)
        ON CONFLICT (slot, queue_id, category, priority, first_state,
                     resolve_state, frt) DO UPDATE SET n = r.n + d;
    IF t.status IN ('new', 'open', 'pending') THEN
        INSERT INTO report_open AS r VALUES (t.created_at / 86400,
            coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0), t.category,
            d)
            ON CONFLICT (slot, queue_id, assignee_id, category)
            DO UPDATE SET n = r.n + d;
    END IF;
    IF t.resolved_at IS NOT NULL THEN
        INSERT INTO report_resolved AS r VALUES (t.resolved_at / 86400,
            coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0),
            hd_report_bucket(t.resolved_at - t.created_at - t.sla_paused_secs),
            d)
            ON CONFLICT (slot, queue_id, assignee_id, rtime)
            DO UPDATE SET n = r.n + d;
    END IF;
END $$;

CREATE FUNCTION hd_report_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND
       (OLD.created_at, OLD.queue_id, OLD.assignee_id, OLD.category,
        OLD.priority, OLD.status, OLD.sla_first_state, OLD.sla_resolve_state,
        OLD.first_response_at, OLD.resolved_at, OLD.sla_paused_secs,
        OLD.spam) IS NOT DISTINCT FROM
       (NEW.created_at, NEW.queue_id, NEW.assignee_id, NEW.category,
        NEW.priority, NEW.status, NEW.sla_first_state, NEW.sla_resolve_state,
        NEW.first_response_at, NEW.resolved_at, NEW.sla_paused_secs,
        NEW.spam) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM hd_report_count(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM hd_report_count(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_ticket_ai AFTER INSERT ON ticket
    FOR EACH ROW EXECUTE FUNCTION hd_report_ticket();
CREATE TRIGGER report_ticket_au AFTER UPDATE OF created_at, queue_id,
    assignee_id, category, priority, status, sla_first_state,
    sla_resolve_state, first_response_at, resolved_at, sla_paused_secs, spam
    ON ticket FOR EACH ROW EXECUTE FUNCTION hd_report_ticket();
CREATE TRIGGER report_ticket_ad AFTER DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION hd_report_ticket();

SELECT hd_report_count(t, 1) FROM ticket t;
