-- 0003_calendar.sql - closures of the business calendar (extra closed
-- days, imported iCalendar holidays).  Dates are local dates of the
-- calendar's zone as 'YYYY-MM-DD', so they sort and compare as text; the
-- weekly hours stay in the configuration file.

CREATE TABLE calendar_closure (
    id         INTEGER PRIMARY KEY,
    start_date TEXT NOT NULL CHECK (start_date GLOB
               '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    end_date   TEXT NOT NULL CHECK (end_date GLOB
               '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),  -- inclusive
    name       TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT 'manual',
    created_at INTEGER NOT NULL,
    CHECK (end_date >= start_date)
);

CREATE INDEX calendar_closure_start ON calendar_closure(start_date);
