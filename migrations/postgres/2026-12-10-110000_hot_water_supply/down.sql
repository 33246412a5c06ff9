DROP TABLE hot_water_supply;
DROP TABLE hot_water_settings;
DELETE FROM timeline_entries WHERE subject = 'hot_water_account';
DELETE FROM follow_up_visits WHERE subject = 'hot_water_account';
DELETE FROM notifications WHERE subject = 'hot_water_account'
    OR kind IN ('hot_water_renewal', 'hot_water_supply');
DELETE FROM attachments WHERE subject = 'hot_water_account';

ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_subject_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'));
ALTER TABLE follow_up_visits DROP CONSTRAINT follow_up_visits_subject_check;
ALTER TABLE follow_up_visits ADD CONSTRAINT follow_up_visits_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'));
ALTER TABLE attachments DROP CONSTRAINT attachments_subject_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing'));
