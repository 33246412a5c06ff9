DROP TABLE hot_water_supply;
DROP TABLE hot_water_settings;
DELETE FROM timeline_entries WHERE subject = 'hot_water_account';
DELETE FROM follow_up_visits WHERE subject = 'hot_water_account';
DELETE FROM notifications WHERE subject = 'hot_water_account'
    OR kind IN ('hot_water_renewal', 'hot_water_supply');
DELETE FROM attachments WHERE subject = 'hot_water_account';

DROP TRIGGER timeline_entries_subject_check_insert;
CREATE TRIGGER timeline_entries_subject_check_insert BEFORE INSERT ON timeline_entries
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: timeline_entries_subject_check');
END;

DROP TRIGGER timeline_entries_subject_check_update;
CREATE TRIGGER timeline_entries_subject_check_update BEFORE UPDATE OF subject ON timeline_entries
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: timeline_entries_subject_check');
END;

DROP TRIGGER follow_up_visits_subject_check_insert;
CREATE TRIGGER follow_up_visits_subject_check_insert BEFORE INSERT ON follow_up_visits
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: follow_up_visits_subject_check');
END;

DROP TRIGGER follow_up_visits_subject_check_update;
CREATE TRIGGER follow_up_visits_subject_check_update BEFORE UPDATE OF subject ON follow_up_visits
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: follow_up_visits_subject_check');
END;

DROP TRIGGER notifications_subject_check_insert;
CREATE TRIGGER notifications_subject_check_insert BEFORE INSERT ON notifications
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_subject_check');
END;

DROP TRIGGER notifications_subject_check_update;
CREATE TRIGGER notifications_subject_check_update BEFORE UPDATE OF subject ON notifications
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_subject_check');
END;

DROP TRIGGER attachments_subject_check_insert;
CREATE TRIGGER attachments_subject_check_insert BEFORE INSERT ON attachments
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: attachments_subject_check');
END;

DROP TRIGGER attachments_subject_check_update;
CREATE TRIGGER attachments_subject_check_update BEFORE UPDATE OF subject ON attachments
WHEN NEW.subject NOT IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: attachments_subject_check');
END;

DROP TRIGGER notifications_kind_check_insert;
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

DROP TRIGGER notifications_kind_check_update;
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
