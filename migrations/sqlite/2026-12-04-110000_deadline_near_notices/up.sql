-- A work order's engineers are told when its fix-by deadline is near (a job finds them).
-- SQLite cannot change a CHECK in place: the table is rebuilt (nothing refers to it).
ALTER TABLE notifications RENAME TO notifications_old;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- the unit the notice concerns, if any: a resident sees notices of units they live in
    unit_id BIGINT REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket_dispatched', 'work_order_dispatched',
        'engineer_on_site', 'ticket_completed', 'charge_to_accept', 'complaint_assigned',
        'complaint_reply', 'visit_recorded', 'deadline_near')),
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint')),
    subject_id BIGINT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    delivered_by BIGINT REFERENCES users (id),
    delivered_via TEXT CHECK (delivered_via IN ('phone', 'paper', 'in_person')),
    delivered_at TIMESTAMP,
    CHECK ((delivered_by IS NULL) = (delivered_via IS NULL)),
    CHECK ((delivered_via IS NULL) = (delivered_at IS NULL))
);
INSERT INTO notifications SELECT * FROM notifications_old;
DROP TABLE notifications_old;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_unit ON notifications (unit_id, id);
-- What a record's notices are: the job asks whether a work order's engineers were warned.
CREATE INDEX notifications_subject ON notifications (subject, subject_id, kind);
