-- 0027_report_rollup.sql - the managers' reports (helpdesk/data/stats.c)
-- read counts per quarter hour or day instead of every ticket: three tables of
-- counts kept by triggers in the same transaction as any change of a
-- ticket (intake, the desk, the SLA worker, merges, erasure, imports).
-- A slot is created_at / 900 in report_created (a quarter hour: the
-- volume tables count by local hour and business hours); the open
-- tickets' slot is created_at / 86400 and the resolved ones'
-- resolved_at / 86400 (a UTC day: only the backlog's age limits and the
-- period's ends cut those, and stats.c reads the tickets of a cut slot);
-- the time buckets (frt, rtime) are those of stats.c's time_limits
-- (<1h, 1-4h, 4-8h, 8-24h, 1-3d, 3-7d, 7d+ as 0-6), and test_stats
-- checks that a report built from these rows equals one built from the
-- tickets.  Spam (spam <> 0) is counted nowhere, as in the reports.

-- Tickets by creation slot: the SLA, volume and first-response tables.
CREATE TABLE report_created (
    slot          INTEGER NOT NULL,
    queue_id      INTEGER NOT NULL, -- 0: none
    category      TEXT NOT NULL,
    priority      TEXT NOT NULL,
    first_state   TEXT NOT NULL,
    resolve_state TEXT NOT NULL,
    frt           INTEGER NOT NULL, -- first-response bucket, -1: none yet
    n             INTEGER NOT NULL,
    PRIMARY KEY (slot, queue_id, category, priority, first_state,
                 resolve_state, frt)
) WITHOUT ROWID;

-- Open tickets (new, open, pending) by creation day: backlog, workload.
CREATE TABLE report_open (
    slot        INTEGER NOT NULL,
    queue_id    INTEGER NOT NULL,
    assignee_id INTEGER NOT NULL, -- 0: nobody
    category    TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (slot, queue_id, assignee_id, category)
) WITHOUT ROWID;

-- Resolved tickets by resolution day: resolution times, workload.
CREATE TABLE report_resolved (
    slot        INTEGER NOT NULL,
    queue_id    INTEGER NOT NULL,
    assignee_id INTEGER NOT NULL,
    rtime       INTEGER NOT NULL, -- resolution bucket
    n           INTEGER NOT NULL,
    PRIMARY KEY (slot, queue_id, assignee_id, rtime)
) WITHOUT ROWID;

-- report_created: kept by three triggers.
CREATE TRIGGER report_created_ai AFTER INSERT ON ticket BEGIN
    INSERT INTO report_created(slot, queue_id, category, priority, first_state, resolve_state, frt, n)
        SELECT new.created_at / 900, coalesce(new.queue_id, 0), new.category, new.priority, new.sla_first_state, new.sla_resolve_state, CASE WHEN coalesce(new.first_response_at, 0) <= 0 THEN -1 ELSE CASE WHEN new.first_response_at - new.created_at < 3600 THEN 0 WHEN new.first_response_at - new.created_at < 14400 THEN 1 WHEN new.first_response_at - new.created_at < 28800 THEN 2 WHEN new.first_response_at - new.created_at < 86400 THEN 3 WHEN new.first_response_at - new.created_at < 259200 THEN 4 WHEN new.first_response_at - new.created_at < 604800 THEN 5 ELSE 6 END END, 1
        WHERE new.spam = 0
        ON CONFLICT(slot, queue_id, category, priority, first_state, resolve_state, frt) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_created_ad AFTER DELETE ON ticket BEGIN
    UPDATE report_created SET n = n - 1
        WHERE slot = old.created_at / 900 AND queue_id = coalesce(old.queue_id, 0) AND category = old.category AND priority = old.priority AND first_state = old.sla_first_state AND resolve_state = old.sla_resolve_state AND frt = CASE WHEN coalesce(old.first_response_at, 0) <= 0 THEN -1 ELSE CASE WHEN old.first_response_at - old.created_at < 3600 THEN 0 WHEN old.first_response_at - old.created_at < 14400 THEN 1 WHEN old.first_response_at - old.created_at < 28800 THEN 2 WHEN old.first_response_at - old.created_at < 86400 THEN 3 WHEN old.first_response_at - old.created_at < 259200 THEN 4 WHEN old.first_response_at - old.created_at < 604800 THEN 5 ELSE 6 END END AND old.spam = 0;
END;
CREATE TRIGGER report_created_au AFTER UPDATE OF created_at, queue_id, category, priority, sla_first_state, sla_resolve_state, first_response_at, spam ON ticket
    WHEN old.created_at IS NOT new.created_at OR
    old.queue_id IS NOT new.queue_id OR
    old.category IS NOT new.category OR
    old.priority IS NOT new.priority OR
    old.sla_first_state IS NOT new.sla_first_state OR
    old.sla_resolve_state IS NOT new.sla_resolve_state OR
    old.first_response_at IS NOT new.first_response_at OR
    old.spam IS NOT new.spam
BEGIN
    UPDATE report_created SET n = n - 1
        WHERE slot = old.created_at / 900 AND queue_id = coalesce(old.queue_id, 0) AND category = old.category AND priority = old.priority AND first_state = old.sla_first_state AND resolve_state = old.sla_resolve_state AND frt = CASE WHEN coalesce(old.first_response_at, 0) <= 0 THEN -1 ELSE CASE WHEN old.first_response_at - old.created_at < 3600 THEN 0 WHEN old.first_response_at - old.created_at < 14400 THEN 1 WHEN old.first_response_at - old.created_at < 28800 THEN 2 WHEN old.first_response_at - old.created_at < 86400 THEN 3 WHEN old.first_response_at - old.created_at < 259200 THEN 4 WHEN old.first_response_at - old.created_at < 604800 THEN 5 ELSE 6 END END AND old.spam = 0;
    INSERT INTO report_created(slot, queue_id, category, priority, first_state, resolve_state, frt, n)
        SELECT new.created_at / 900, coalesce(new.queue_id, 0), new.category, new.priority, new.sla_first_state, new.sla_resolve_state, CASE WHEN coalesce(new.first_response_at, 0) <= 0 THEN -1 ELSE CASE WHEN new.first_response_at - new.created_at < 3600 THEN 0 WHEN new.first_response_at - new.created_at < 14400 THEN 1 WHEN new.first_response_at - new.created_at < 28800 THEN 2 WHEN new.first_response_at - new.created_at < 86400 THEN 3 WHEN new.first_response_at - new.created_at < 259200 THEN 4 WHEN new.first_response_at - new.created_at < 604800 THEN 5 ELSE 6 END END, 1
        WHERE new.spam = 0
        ON CONFLICT(slot, queue_id, category, priority, first_state, resolve_state, frt) DO UPDATE SET n = n + 1;
END;
INSERT INTO report_created(slot, queue_id, category, priority, first_state, resolve_state, frt, n)
    SELECT t.created_at / 900, coalesce(t.queue_id, 0), t.category, t.priority, t.sla_first_state, t.sla_resolve_state, CASE WHEN coalesce(t.first_response_at, 0) <= 0 THEN -1 ELSE CASE WHEN t.first_response_at - t.created_at < 3600 THEN 0 WHEN t.first_response_at - t.created_at < 14400 THEN 1 WHEN t.first_response_at - t.created_at < 28800 THEN 2 WHEN t.first_response_at - t.created_at < 86400 THEN 3 WHEN t.first_response_at - t.created_at < 259200 THEN 4 WHEN t.first_response_at - t.created_at < 604800 THEN 5 ELSE 6 END END, count(*)
    FROM ticket t WHERE t.spam = 0
    GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- report_open: kept by three triggers.
CREATE TRIGGER report_open_ai AFTER INSERT ON ticket BEGIN
    INSERT INTO report_open(slot, queue_id, assignee_id, category, n)
        SELECT new.created_at / 86400, coalesce(new.queue_id, 0), coalesce(new.assignee_id, 0), new.category, 1
        WHERE new.spam = 0 AND new.status IN ('new', 'open', 'pending')
        ON CONFLICT(slot, queue_id, assignee_id, category) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_open_ad AFTER DELETE ON ticket BEGIN
    UPDATE report_open SET n = n - 1
        WHERE slot = old.created_at / 86400 AND queue_id = coalesce(old.queue_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) AND category = old.category AND old.spam = 0 AND old.status IN ('new', 'open', 'pending');
END;
CREATE TRIGGER report_open_au AFTER UPDATE OF created_at, queue_id, assignee_id, category, status, spam ON ticket
    WHEN old.created_at IS NOT new.created_at OR
    old.queue_id IS NOT new.queue_id OR
    old.assignee_id IS NOT new.assignee_id OR
    old.category IS NOT new.category OR
    old.status IS NOT new.status OR
    old.spam IS NOT new.spam
BEGIN
    UPDATE report_open SET n = n - 1
        WHERE slot = old.created_at / 86400 AND queue_id = coalesce(old.queue_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) AND category = old.category AND old.spam = 0 AND old.status IN ('new', 'open', 'pending');
    INSERT INTO report_open(slot, queue_id, assignee_id, category, n)
        SELECT new.created_at / 86400, coalesce(new.queue_id, 0), coalesce(new.assignee_id, 0), new.category, 1
        WHERE new.spam = 0 AND new.status IN ('new', 'open', 'pending')
        ON CONFLICT(slot, queue_id, assignee_id, category) DO UPDATE SET n = n + 1;
END;
INSERT INTO report_open(slot, queue_id, assignee_id, category, n)
    SELECT t.created_at / 86400, coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0), t.category, count(*)
    FROM ticket t WHERE t.spam = 0 AND t.status IN ('new', 'open', 'pending')
    GROUP BY 1, 2, 3, 4;

-- report_resolved: kept by three triggers.
CREATE TRIGGER report_resolved_ai AFTER INSERT ON ticket BEGIN
    INSERT INTO report_resolved(slot, queue_id, assignee_id, rtime, n)
        SELECT new.resolved_at / 86400, coalesce(new.queue_id, 0), coalesce(new.assignee_id, 0), CASE WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 3600 THEN 0 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 14400 THEN 1 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 28800 THEN 2 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 86400 THEN 3 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 259200 THEN 4 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 604800 THEN 5 ELSE 6 END, 1
        WHERE new.spam = 0 AND new.resolved_at IS NOT NULL
        ON CONFLICT(slot, queue_id, assignee_id, rtime) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_resolved_ad AFTER DELETE ON ticket BEGIN
    UPDATE report_resolved SET n = n - 1
        WHERE slot = old.resolved_at / 86400 AND queue_id = coalesce(old.queue_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) AND rtime = CASE WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 3600 THEN 0 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 14400 THEN 1 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 28800 THEN 2 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 86400 THEN 3 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 259200 THEN 4 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 604800 THEN 5 ELSE 6 END AND old.spam = 0 AND old.resolved_at IS NOT NULL;
END;
CREATE TRIGGER report_resolved_au AFTER UPDATE OF resolved_at, created_at, sla_paused_secs, queue_id, assignee_id, spam ON ticket
    WHEN old.resolved_at IS NOT new.resolved_at OR
    old.created_at IS NOT new.created_at OR
    old.sla_paused_secs IS NOT new.sla_paused_secs OR
    old.queue_id IS NOT new.queue_id OR
    old.assignee_id IS NOT new.assignee_id OR
    old.spam IS NOT new.spam
BEGIN
    UPDATE report_resolved SET n = n - 1
        WHERE slot = old.resolved_at / 86400 AND queue_id = coalesce(old.queue_id, 0) AND assignee_id = coalesce(old.assignee_id, 0) AND rtime = CASE WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 3600 THEN 0 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 14400 THEN 1 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 28800 THEN 2 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 86400 THEN 3 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 259200 THEN 4 WHEN old.resolved_at - old.created_at - old.sla_paused_secs < 604800 THEN 5 ELSE 6 END AND old.spam = 0 AND old.resolved_at IS NOT NULL;
    INSERT INTO report_resolved(slot, queue_id, assignee_id, rtime, n)
        SELECT new.resolved_at / 86400, coalesce(new.queue_id, 0), coalesce(new.assignee_id, 0), CASE WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 3600 THEN 0 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 14400 THEN 1 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 28800 THEN 2 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 86400 THEN 3 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 259200 THEN 4 WHEN new.resolved_at - new.created_at - new.sla_paused_secs < 604800 THEN 5 ELSE 6 END, 1
        WHERE new.spam = 0 AND new.resolved_at IS NOT NULL
        ON CONFLICT(slot, queue_id, assignee_id, rtime) DO UPDATE SET n = n + 1;
END;
INSERT INTO report_resolved(slot, queue_id, assignee_id, rtime, n)
    SELECT t.resolved_at / 86400, coalesce(t.queue_id, 0), coalesce(t.assignee_id, 0), CASE WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 3600 THEN 0 WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 14400 THEN 1 WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 28800 THEN 2 WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 86400 THEN 3 WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 259200 THEN 4 WHEN t.resolved_at - t.created_at - t.sla_paused_secs < 604800 THEN 5 ELSE 6 END, count(*)
    FROM ticket t WHERE t.spam = 0 AND t.resolved_at IS NOT NULL
    GROUP BY 1, 2, 3, 4;
