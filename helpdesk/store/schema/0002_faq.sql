-- 0002_faq.sql - the public FAQ: categories, articles (one text per
-- language), the full-text index, votes, announcements and site texts.
-- Times are UTC seconds since the epoch.

CREATE TABLE faq_category (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    title_ja  TEXT NOT NULL DEFAULT '',
    title_en  TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE faq_article (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    category_id INTEGER REFERENCES faq_category(id) ON DELETE SET NULL,
    internal    INTEGER NOT NULL DEFAULT 0,  -- 1: hidden from the public site
    draft       INTEGER NOT NULL DEFAULT 0,  -- 1: not published yet
    views       INTEGER NOT NULL DEFAULT 0,
    helpful_yes INTEGER NOT NULL DEFAULT 0,
    helpful_no  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX faq_article_views ON faq_article(views DESC);
CREATE INDEX faq_article_category_views
    ON faq_article(category_id, views DESC);
CREATE INDEX faq_article_updated ON faq_article(updated_at DESC);

-- One row per article and language.  body_text is the Markdown rendered
-- as plain text: it is what the index and the snippets see.
CREATE TABLE faq_text (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES faq_article(id) ON DELETE CASCADE,
    lang       TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    title      TEXT NOT NULL,
    body_md    TEXT NOT NULL,
    body_text  TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (article_id, lang)
);

-- External-content index over faq_text; the triggers below keep it in
-- step with every insert, update and delete (including cascades).
CREATE VIRTUAL TABLE faq_fts USING fts5(
    title, body_text, content='faq_text', content_rowid='id',
    tokenize='cjkbigram');

CREATE TRIGGER faq_text_ai AFTER INSERT ON faq_text BEGIN
    INSERT INTO faq_fts(rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
END;
CREATE TRIGGER faq_text_ad AFTER DELETE ON faq_text BEGIN
    INSERT INTO faq_fts(faq_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
END;
CREATE TRIGGER faq_text_au AFTER UPDATE ON faq_text BEGIN
    INSERT INTO faq_fts(faq_fts, rowid, title, body_text)
        VALUES ('delete', old.id, old.title, old.body_text);
    INSERT INTO faq_fts(rowid, title, body_text)
        VALUES (new.id, new.title, new.body_text);
END;

-- Every distinct indexed term, for spelling suggestions.
CREATE VIRTUAL TABLE faq_vocab USING fts5vocab(faq_fts, 'row');

-- "Was this helpful?": one vote per visitor (random cookie) and article.
CREATE TABLE faq_vote (
    article_id INTEGER NOT NULL REFERENCES faq_article(id) ON DELETE CASCADE,
    visitor    TEXT NOT NULL,
    helpful    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, visitor)
);

CREATE TABLE announcement (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('maintenance', 'service-end', 'status')),
    title_ja     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    body_ja      TEXT NOT NULL DEFAULT '',
    body_en      TEXT NOT NULL DEFAULT '',
    starts_at    INTEGER,               -- maintenance start, service end date
    ends_at      INTEGER,               -- maintenance end; NULL: open-ended
    published_at INTEGER NOT NULL,
    ended_at     INTEGER,               -- taken down by `announce end`
    forced       INTEGER NOT NULL DEFAULT 0  -- lead-time rule overridden
);

-- Editable texts of the public site (the Terms page), per language.
CREATE TABLE site_text (
    key        TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    body_md    TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (key, lang)
);
