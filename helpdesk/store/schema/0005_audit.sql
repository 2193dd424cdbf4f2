-- 0005_audit.sql - the tamper-evident audit log, its retention
-- checkpoints, the security log and the backup log.
--
-- audit.hash = SHA-256 over prev_hash and the row's canonical fields
-- (helpdesk/audit.c says how), so editing or deleting a row breaks the
-- chain.  Rows are never updated; old ones are pruned only together with
-- a signed checkpoint that vouches for the hash of the last pruned row.

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,                -- 'user:3', 'cli:root', ...
    source      TEXT NOT NULL
                CHECK (source IN ('cli', 'web', 'api', 'mailgw', 'worker')),
    ip          TEXT,
    request_id  TEXT,
    object      TEXT NOT NULL,                -- 'ticket:10001', 'backup:GEN-...'
    action      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,                -- '' for the first row ever
    hash        TEXT NOT NULL
);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Written by hd_audit_prune(): rows up to last_id were removed; the hash
-- of row last_id was head_hash.  mac = HMAC-SHA-256 (audit key) over
-- "last_id:head_hash:at".
CREATE TABLE audit_checkpoint (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    last_id   INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    mac       TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE ON audit_checkpoint
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;

CREATE TABLE security_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,                    -- 'signin', 'signin_failed', ...
    user_id INTEGER,
    subject TEXT NOT NULL DEFAULT '',         -- address tried, token id ...
    ip      TEXT,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_log_at ON security_log(at);

CREATE TABLE backup_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    action      TEXT NOT NULL,                -- 'run', 'verify', 'restore', ...
    generation  TEXT NOT NULL DEFAULT '',
    ok          INTEGER NOT NULL,
    bytes       INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);
