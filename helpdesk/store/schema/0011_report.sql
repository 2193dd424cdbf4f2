-- 0011_report.sql - the service's own availability record: outages
-- entered by the operator and a per-minute heartbeat log of each program.
-- Times are UTC seconds since the epoch.

-- An outage of the service itself (not a customer's incident ticket).
-- 'planned' outages count as maintenance (outside the planned time);
-- 'unplanned' ones as downtime.
CREATE TABLE service_outage (
    id          INTEGER PRIMARY KEY,
    start_at    INTEGER NOT NULL,
    end_at      INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('unplanned', 'planned')),
    cause       TEXT NOT NULL,
    recorded_by TEXT NOT NULL,               -- 'cli:root', 'user:3'
    created_at  INTEGER NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX service_outage_start ON service_outage(start_at);

-- One row per program and minute it was alive (minute = UTC seconds of
-- the minute's start).  Gaps are what the availability report counts.
CREATE TABLE heartbeat_log (
    program TEXT NOT NULL,
    minute  INTEGER NOT NULL,
    PRIMARY KEY (program, minute)
) WITHOUT ROWID;
