-- 0019_agent_lists.sql (PostgreSQL) - the counter of the lists the
-- ticket page offers; see ../0019_agent_lists.sql.

CREATE TABLE agent_list_generation (
    id  bigint PRIMARY KEY CHECK (id = 1),
    gen bigint NOT NULL
);
INSERT INTO agent_list_generation(id, gen) VALUES (1, 1);

CREATE FUNCTION hd_agent_list_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER agent_list_queue_ai AFTER INSERT ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_queue_au AFTER UPDATE OF name ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_queue_ad AFTER DELETE ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_user_ai AFTER INSERT ON "user"
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_user_au
    AFTER UPDATE OF email, name, role, disabled ON "user"
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_user_ad AFTER DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_canned_ai AFTER INSERT ON canned_response
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_canned_au AFTER UPDATE ON canned_response
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
CREATE TRIGGER agent_list_canned_ad AFTER DELETE ON canned_response
    FOR EACH ROW EXECUTE FUNCTION hd_agent_list_bump();
