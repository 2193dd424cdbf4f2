-- 0008_attach.sql - attachment safety: the type libmagic detected (the
-- declared content_type stays as the sender gave it), and why a stored
-- attachment could not be scanned yet.
ALTER TABLE attachment ADD COLUMN detected_type TEXT;   -- NULL: not examined
ALTER TABLE attachment ADD COLUMN scan_note TEXT;       -- e.g. too big for clamd
ALTER TABLE attachment ADD COLUMN scanned_at INTEGER;
-- The scan job's batch: stored, unscanned, oldest first.
CREATE INDEX attachment_scan ON attachment(scan_state, state, id);
