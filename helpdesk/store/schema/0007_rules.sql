-- 0007_rules.sql - routing rules, ordered.  Conditions and actions are
-- JSON arrays validated by the program before they are stored:
--   conditions: [{"field": "subject", "op": "~", "value": "障害"}, ...]
--   actions:    [{"action": "priority", "value": "high"}, ...]
-- All conditions of a rule must hold; matching rules apply in order until
-- one that says stop.
CREATE TABLE rule (
    id         INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    conditions TEXT NOT NULL,
    actions    TEXT NOT NULL,
    stop       INTEGER NOT NULL DEFAULT 0,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX rule_position ON rule(position);

INSERT INTO rule(position, name, conditions, actions, stop, created_at) VALUES
 (10, 'Automatic mail (auto-replies, bounces, lists) is low priority',
  '[{"field":"auto","op":"=","value":"yes"}]',
  '[{"action":"priority","value":"low"},{"action":"tag","value":"automatic"}]',
  1, 0),
 (20, 'Mail to the incident address is an incident',
  '[{"field":"channel","op":"=","value":"incident"}]',
  '[{"action":"category","value":"incident"},{"action":"priority","value":"high"}]',
  0, 0),
 (30, 'Incident words in the subject or first lines',
  '[{"field":"text","op":"~any","value":"障害,緊急,停止,ダウン,繋がらない,つながらない,落ちて,outage,down,urgent,emergency,not working"}]',
  '[{"action":"category","value":"incident"},{"action":"priority","value":"high"}]',
  0, 0),
 (40, 'Sender marked the message as important (X-Priority 1-2)',
  '[{"field":"header:X-Priority","op":"=~","value":"^[12]"}]',
  '[{"action":"priority","value":"high"}]', 0, 0),
 (50, 'Sender marked the message as important (Importance: high)',
  '[{"field":"header:Importance","op":"=","value":"high"}]',
  '[{"action":"priority","value":"high"}]', 0, 0),
 (60, 'Premium and enterprise customers are tagged',
  '[{"field":"tier","op":"in","value":"premium,enterprise"}]',
  '[{"action":"tag","value":"premium"}]', 0, 0);
