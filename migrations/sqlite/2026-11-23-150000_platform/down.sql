DROP TABLE login_throttles;
DROP TABLE refresh_tokens;
DROP TABLE unit_memberships;
DROP TABLE staff_sites;
DROP TABLE users;
DROP TABLE units;
DROP TABLE sites;
