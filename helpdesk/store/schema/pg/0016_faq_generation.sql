-- 0016_faq_generation.sql (PostgreSQL) - one counter that every change to
-- what the public FAQ shows increments; see ../0016_faq_generation.sql.
-- Row triggers, as on SQLite: a statement that changes no row moves
-- nothing.

CREATE TABLE faq_generation (
    id  bigint PRIMARY KEY CHECK (id = 1),
    gen bigint NOT NULL
);
INSERT INTO faq_generation(id, gen) VALUES (1, 1);

CREATE FUNCTION hd_faq_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE faq_generation SET gen = gen + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER faq_gen_text_ai AFTER INSERT ON faq_text
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_text_au AFTER UPDATE ON faq_text
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_text_ad AFTER DELETE ON faq_text
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_article_ai AFTER INSERT ON faq_article
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_article_au
    AFTER UPDATE OF slug, category_id, internal, draft, created_at,
                    updated_at ON faq_article
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_article_ad AFTER DELETE ON faq_article
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_category_ai AFTER INSERT ON faq_category
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_category_au AFTER UPDATE ON faq_category
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_category_ad AFTER DELETE ON faq_category
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_announcement_ai AFTER INSERT ON announcement
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_announcement_au AFTER UPDATE ON announcement
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
CREATE TRIGGER faq_gen_announcement_ad AFTER DELETE ON announcement
    FOR EACH ROW EXECUTE FUNCTION hd_faq_gen_bump();
