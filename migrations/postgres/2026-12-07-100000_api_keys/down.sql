-- The keys' accounts stay (timelines and records name them), closed and without sites.
DROP TABLE api_key_permissions;
DROP TABLE api_keys;
DELETE FROM staff_sites WHERE user_id IN (SELECT id FROM users WHERE integration);
UPDATE users SET active = FALSE WHERE integration;
ALTER TABLE users DROP COLUMN integration;
