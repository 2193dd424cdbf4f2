-- 0019_agent_lists.sql - one counter that every change to the lists the
-- agents' ticket page offers increments, whichever process makes it: the
-- queues (queue select), the users who can be assigned (assignee
-- select) and the canned responses (reply form).  The web server keeps
-- those lists in memory and reads this single row per page to know when
-- they are stale.  Sign-in times and other user columns the lists do not
-- show do not count as changes.

CREATE TABLE agent_list_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    gen INTEGER NOT NULL
);
INSERT INTO agent_list_generation(id, gen) VALUES (1, 1);

CREATE TRIGGER agent_list_queue_ai AFTER INSERT ON queue BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_queue_au AFTER UPDATE OF name ON queue BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_queue_ad AFTER DELETE ON queue BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_user_ai AFTER INSERT ON user BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_user_au
    AFTER UPDATE OF email, name, role, disabled ON user BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_user_ad AFTER DELETE ON user BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_canned_ai AFTER INSERT ON canned_response BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_canned_au AFTER UPDATE ON canned_response BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER agent_list_canned_ad AFTER DELETE ON canned_response BEGIN
    UPDATE agent_list_generation SET gen = gen + 1 WHERE id = 1;
END;
