-- 0016_faq_generation.sql - one counter that every change to what the
-- public FAQ shows increments (texts, articles' slug, category,
-- visibility and dates, categories, announcements), whichever process
-- makes it.  The web server keeps rendered pages, articles and search
-- results in memory and reads this single row per request to know when
-- they are stale.  View counts and votes do not count as changes.

CREATE TABLE faq_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen INTEGER NOT NULL
);
INSERT INTO faq_generation(id, gen) VALUES (1, 1);

CREATE TRIGGER faq_gen_text_ai AFTER INSERT ON faq_text BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_text_au AFTER UPDATE ON faq_text BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_text_ad AFTER DELETE ON faq_text BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_article_ai AFTER INSERT ON faq_article BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_article_au
    AFTER UPDATE OF slug, category_id, internal, draft, created_at,
                    updated_at ON faq_article BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_article_ad AFTER DELETE ON faq_article BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_category_ai AFTER INSERT ON faq_category BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_category_au AFTER UPDATE ON faq_category BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_category_ad AFTER DELETE ON faq_category BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
-- Announcements are on the top page, cached the same way.
CREATE TRIGGER faq_gen_announcement_ai AFTER INSERT ON announcement BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_announcement_au AFTER UPDATE ON announcement BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER faq_gen_announcement_ad AFTER DELETE ON announcement BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
END;
