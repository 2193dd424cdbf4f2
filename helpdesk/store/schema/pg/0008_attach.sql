-- 0008_attach.sql (PostgreSQL) - attachment safety columns; see
-- ../0008_attach.sql.
ALTER TABLE attachment ADD COLUMN detected_type text;
ALTER TABLE attachment ADD COLUMN scan_note text;
ALTER TABLE attachment ADD COLUMN scanned_at bigint;
CREATE INDEX attachment_scan ON attachment(scan_state, state, id);
