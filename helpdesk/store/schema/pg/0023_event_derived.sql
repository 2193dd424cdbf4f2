-- 0023_event_derived.sql (PostgreSQL) - /metrics counts skipped derived
-- work and degraded mail off this index; see ../0023_event_derived.sql.
CREATE INDEX event_derived ON event(kind, field)
    WHERE kind IN ('skipped', 'review');
