-- 0023_event_derived.sql - /metrics counts, on every scrape, the history
-- events that say derived work of a new ticket was skipped ('skipped':
-- webhook event, acknowledgement, alert) and mail stored the degraded way
-- ('review', field 'degraded'); this index keeps that count off the whole
-- history table.
CREATE INDEX event_derived ON event(kind, field)
    WHERE kind IN ('skipped', 'review');
