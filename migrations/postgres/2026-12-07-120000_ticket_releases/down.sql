DROP TABLE ticket_releases;
