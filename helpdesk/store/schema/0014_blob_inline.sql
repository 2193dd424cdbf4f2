-- 0014_blob_inline.sql - small blobs live inside the database.
--
-- A blob of at most HD_BLOB_INLINE_MAX bytes (blob.h) keeps its bytes in
-- blob.data, written in the same transaction as the rows that name it,
-- so the WAL commit is the only sync a small delivery needs and no file
-- (one ext4 inode per message) is created.  Bigger blobs, and every blob
-- written before this migration, keep data NULL and stay files under
-- DIR/blobs/ab/<sha256>.  Content addressing is unchanged: the key is the
-- SHA-256 of the bytes, whichever tier holds them.

ALTER TABLE blob ADD COLUMN data BLOB;
