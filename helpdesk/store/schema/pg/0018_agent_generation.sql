-- 0018_agent_generation.sql (PostgreSQL) - the agents' pages' two
-- counters (auth, tickets); see ../0018_agent_generation.sql for what
-- moves which.

CREATE TABLE agent_generation (
    id      bigint PRIMARY KEY CHECK (id = 1),
    auth    bigint NOT NULL,
    tickets bigint NOT NULL
);
INSERT INTO agent_generation(id, auth, tickets) VALUES (1, 1, 1);

-- TG_ARGV: 'auth', 'tickets' or 'both'.
CREATE FUNCTION hd_agent_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'auth' THEN
        UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
    ELSIF TG_ARGV[0] = 'tickets' THEN
        UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
    ELSE
        UPDATE agent_generation SET auth = auth + 1, tickets = tickets + 1
            WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER agent_gen_session_ad AFTER DELETE ON agent_session
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_session_au
    AFTER UPDATE OF id_hash, user_id, stage, created_at ON agent_session
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_user_au
    AFTER UPDATE OF email, name, role, password_hash, disabled, on_duty,
                    on_call, lang, created_at ON "user"
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('both');
CREATE TRIGGER agent_gen_user_ad AFTER DELETE ON "user"
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('both');
CREATE TRIGGER agent_gen_grant_ai AFTER INSERT ON user_queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_grant_au AFTER UPDATE ON user_queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_grant_ad AFTER DELETE ON user_queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_ips_ai AFTER INSERT ON user_ip_allow
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_ips_au AFTER UPDATE ON user_ip_allow
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');
CREATE TRIGGER agent_gen_ips_ad AFTER DELETE ON user_ip_allow
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('auth');

CREATE TRIGGER agent_gen_ticket_ai AFTER INSERT ON ticket
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_ticket_au AFTER UPDATE ON ticket
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_ticket_ad AFTER DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_tag_ai AFTER INSERT ON ticket_tag
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_tag_ad AFTER DELETE ON ticket_tag
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_queue_ai AFTER INSERT ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_queue_au AFTER UPDATE ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_queue_ad AFTER DELETE ON queue
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
CREATE TRIGGER agent_gen_contact_au AFTER UPDATE OF address ON contact
    FOR EACH ROW EXECUTE FUNCTION hd_agent_gen_bump('tickets');
