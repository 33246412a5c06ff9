PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;
DELETE FROM timeline_entries WHERE subject = 'webhook_endpoint';
DELETE FROM follow_up_visits WHERE subject = 'webhook_endpoint';
DELETE FROM notifications WHERE subject = 'webhook_endpoint' OR kind = 'webhook_failing';
DELETE FROM attachments WHERE subject = 'webhook_endpoint';
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE outbox_events;
DROP TABLE webhook_subscriptions;
DROP TABLE webhook_endpoints;
-- The four tables as the keys migration left them, CHECKs and all.
ALTER TABLE timeline_entries RENAME TO timeline_entries_old;
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO timeline_entries SELECT * FROM timeline_entries_old;
DROP TABLE timeline_entries_old;
CREATE INDEX timeline_entries_subject ON timeline_entries (subject, subject_id, id);

ALTER TABLE follow_up_visits RENAME TO follow_up_visits_old;
CREATE TABLE follow_up_visits (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    butler_id BIGINT NOT NULL REFERENCES users (id),
    method TEXT NOT NULL CHECK (method IN ('phone', 'visit')),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'dissatisfied')),
    result TEXT NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO follow_up_visits SELECT * FROM follow_up_visits_old;
DROP TABLE follow_up_visits_old;
CREATE INDEX follow_up_visits_subject ON follow_up_visits (subject, subject_id);

ALTER TABLE notifications RENAME TO notifications_old;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- the unit the notice concerns, if any: a resident sees notices of units they live in
    unit_id BIGINT REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket_dispatched', 'work_order_dispatched',
        'engineer_on_site', 'ticket_completed', 'charge_to_accept', 'complaint_assigned',
        'complaint_reply', 'visit_recorded', 'deadline_near', 'loan_requested',
        'loan_decided', 'key_lent', 'key_loan_overdue', 'key_collected')),
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
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
CREATE INDEX notifications_subject ON notifications (subject, subject_id, kind);

ALTER TABLE attachments RENAME TO attachments_old;
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    stage TEXT NOT NULL CHECK (stage IN ('report', 'before_work', 'after_work', 'other')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png',
        'image/webp', 'image/heic', 'application/pdf')),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    object_key TEXT NOT NULL UNIQUE,
    thumbnail_key TEXT UNIQUE,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    -- the same file sent twice to one record (a retried upload) is one attachment
    UNIQUE (subject, subject_id, sha256)
);
INSERT INTO attachments SELECT * FROM attachments_old;
DROP TABLE attachments_old;
COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
