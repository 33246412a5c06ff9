-- Engineers taken off a ticket, and when: a handheld syncing its work orders
-- (`GET /tickets?engineer_id=&updated_since=`) learns of a ticket that is no longer its
-- engineer's, to drop it. One row per ticket and engineer, the latest release.
CREATE TABLE ticket_releases (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    engineer_id BIGINT NOT NULL REFERENCES users (id),
    released_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, engineer_id)
);
CREATE INDEX ticket_releases_engineer ON ticket_releases (engineer_id, released_at);
