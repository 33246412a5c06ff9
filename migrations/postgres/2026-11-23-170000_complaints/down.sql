DROP TABLE complaint_messages;
DROP TABLE complaints;
DROP TABLE standard_replies;
ALTER TABLE users DROP COLUMN refuses_visits;
