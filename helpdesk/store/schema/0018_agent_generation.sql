-- 0018_agent_generation.sql - two counters the agents' pages read once per
-- request to know whether what the web server keeps in memory is still
-- good, whichever process made the change:
--   auth    moves when a session ends, a user's role, name, address,
--           password, language or disabled flag changes, a queue is
--           granted or revoked, or a user's IP allow-list changes: a
--           memoised session check is then redone from the tables;
--   tickets moves when anything the queue page shows changes: a ticket,
--           its tags, a queue, an assignee's name, a requester's address:
--           the cached queue rows and view counts are then rebuilt.
-- Session activity (last_seen_at, last_activity_at) moves neither.

CREATE TABLE agent_generation (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    auth    INTEGER NOT NULL,
    tickets INTEGER NOT NULL
);
INSERT INTO agent_generation(id, auth, tickets) VALUES (1, 1, 1);

CREATE TRIGGER agent_gen_session_ad AFTER DELETE ON agent_session BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_session_au
    AFTER UPDATE OF id_hash, user_id, stage, created_at ON agent_session BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_user_au
    AFTER UPDATE OF email, name, role, password_hash, disabled, on_duty,
                    on_call, lang, created_at ON user BEGIN
    UPDATE agent_generation SET auth = auth + 1, tickets = tickets + 1
        WHERE id = 1;
END;
CREATE TRIGGER agent_gen_user_ad AFTER DELETE ON user BEGIN
    UPDATE agent_generation SET auth = auth + 1, tickets = tickets + 1
        WHERE id = 1;
END;
CREATE TRIGGER agent_gen_grant_ai AFTER INSERT ON user_queue BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_grant_au AFTER UPDATE ON user_queue BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_grant_ad AFTER DELETE ON user_queue BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_ips_ai AFTER INSERT ON user_ip_allow BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_ips_au AFTER UPDATE ON user_ip_allow BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_ips_ad AFTER DELETE ON user_ip_allow BEGIN
    UPDATE agent_generation SET auth = auth + 1 WHERE id = 1;
END;

CREATE TRIGGER agent_gen_ticket_ai AFTER INSERT ON ticket BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_ticket_au AFTER UPDATE ON ticket BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_ticket_ad AFTER DELETE ON ticket BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_tag_ai AFTER INSERT ON ticket_tag BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_tag_ad AFTER DELETE ON ticket_tag BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_queue_ai AFTER INSERT ON queue BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_queue_au AFTER UPDATE ON queue BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_queue_ad AFTER DELETE ON queue BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_gen_contact_au AFTER UPDATE OF address ON contact BEGIN
    UPDATE agent_generation SET tickets = tickets + 1 WHERE id = 1;
END;
