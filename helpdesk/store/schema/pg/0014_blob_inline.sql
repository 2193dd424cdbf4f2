-- 0014_blob_inline.sql (PostgreSQL) - small blobs live inside the
-- database; see ../0014_blob_inline.sql.
ALTER TABLE blob ADD COLUMN data bytea;
