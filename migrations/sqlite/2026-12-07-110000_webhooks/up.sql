-- Webhooks for other property software: endpoints and their subscriptions, the outbox of
-- events written with each change, deliveries with retries, and the log of every attempt.
--
-- A failing endpoint's managers are told, so webhook endpoints join the subjects of
-- notices, and `webhook_failing` their kinds. SQLite cannot change a CHECK in place: this
-- last rebuild of the four tables that share the subject list moves that list (and the
-- notice kinds) from CHECKs to triggers, which a later migration replaces without a
-- rebuild. As in the keys migration, it runs outside diesel's transaction (metadata.toml)
-- with foreign keys off and the legacy rename, in a transaction of its own.
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;
ALTER TABLE timeline_entries RENAME TO timeline_entries_old;
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
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
    subject TEXT NOT NULL,
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
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
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
    subject TEXT NOT NULL,
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

CREATE TRIGGER timeline_entries_subject_check_insert BEFORE INSERT ON timeline_entries
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: timeline_entries_subject_check');
END;

CREATE TRIGGER timeline_entries_subject_check_update BEFORE UPDATE OF subject ON timeline_entries
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: timeline_entries_subject_check');
END;

CREATE TRIGGER follow_up_visits_subject_check_insert BEFORE INSERT ON follow_up_visits
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: follow_up_visits_subject_check');
END;

CREATE TRIGGER follow_up_visits_subject_check_update BEFORE UPDATE OF subject ON follow_up_visits
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: follow_up_visits_subject_check');
END;

CREATE TRIGGER notifications_subject_check_insert BEFORE INSERT ON notifications
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_subject_check');
END;

CREATE TRIGGER notifications_subject_check_update BEFORE UPDATE OF subject ON notifications
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_subject_check');
END;

CREATE TRIGGER attachments_subject_check_insert BEFORE INSERT ON attachments
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: attachments_subject_check');
END;

CREATE TRIGGER attachments_subject_check_update BEFORE UPDATE OF subject ON attachments
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: attachments_subject_check');
END;

CREATE TRIGGER notifications_kind_check_insert BEFORE INSERT ON notifications
WHEN NEW.kind NOT IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_kind_check');
END;

CREATE TRIGGER notifications_kind_check_update BEFORE UPDATE OF kind ON notifications
WHEN NEW.kind NOT IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_kind_check');
END;

-- An endpoint of another property system that wants events: of one site, or of every site
-- (site_id NULL, company-wide managers only).
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    site_id BIGINT REFERENCES sites (id),
    url TEXT NOT NULL,
    description TEXT,
    -- the signing secret, sealed under PII_KEY: signing needs it back, so it is not hashed
    secret TEXT NOT NULL,
    -- after a rotation the old secret signs too, until previous_secret_until
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('active', 'failing', 'disabled')),
    failing_since TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL)),
    CHECK ((status = 'failing') = (failing_since IS NOT NULL))
);
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id);

CREATE TABLE webhook_subscriptions (
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id),
    event_type TEXT NOT NULL CHECK (event_type IN ('ticket.status_changed',
        'complaint.status_changed', 'archive_loan.status_changed', 'key.status_changed',
        'notification.created')),
    PRIMARY KEY (endpoint_id, event_type)
);

-- The outbox: each event written in the transaction of the change it tells of.
CREATE TABLE outbox_events (
    id INTEGER PRIMARY KEY,
    event_type TEXT NOT NULL CHECK (event_type IN ('ticket.status_changed',
        'complaint.status_changed', 'archive_loan.status_changed', 'key.status_changed',
        'notification.created')),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- the event's `data`, JSON: ids and the changed state, never ID or phone numbers
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- One event to one endpoint, made with the event for each endpoint subscribed then.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id),
    event_id BIGINT NOT NULL REFERENCES outbox_events (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    -- when the next attempt is due; NULL once delivered or given up
    next_attempt_at TIMESTAMP,
    -- an instance sending it holds it until then (a conditional update claims it)
    claimed_until TIMESTAMP,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (endpoint_id, event_id),
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- The delivery log: every attempt, its answer and how long it took.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at TIMESTAMP NOT NULL,
    -- the receiver's HTTP status; NULL when none came (refused, timed out)
    status_code BIGINT,
    latency_ms BIGINT NOT NULL,
    error TEXT,
    -- asked for by a manager (redelivery), not by the schedule
    manual BOOLEAN NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
