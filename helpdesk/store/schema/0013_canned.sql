-- 0013_canned.sql - canned responses: reply texts with placeholders that
-- agents insert into a reply on the ticket page (helpdesk/canned.h lists
-- the placeholders).  One name may exist once per language.

CREATE TABLE canned_response (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    body       TEXT NOT NULL,
    shortcut   TEXT,                        -- optional short code
    category   TEXT,                        -- optional grouping
    created_by TEXT NOT NULL,               -- 'user:3', 'cli:root'
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (name, lang)
);
CREATE INDEX canned_response_lang ON canned_response(lang, name);
