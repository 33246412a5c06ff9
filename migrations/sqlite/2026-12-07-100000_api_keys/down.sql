DROP TABLE api_key_permissions;
DROP TABLE api_keys;
DELETE FROM staff_sites WHERE user_id IN (SELECT id FROM users WHERE integration);
DELETE FROM users WHERE integration;
ALTER TABLE users DROP COLUMN integration;
