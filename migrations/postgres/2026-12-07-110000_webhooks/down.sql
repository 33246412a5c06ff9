DELETE FROM timeline_entries WHERE subject = 'webhook_endpoint';
DELETE FROM follow_up_visits WHERE subject = 'webhook_endpoint';
DELETE FROM notifications WHERE subject = 'webhook_endpoint' OR kind = 'webhook_failing';
DELETE FROM attachments WHERE subject = 'webhook_endpoint';
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE outbox_events;
DROP TABLE webhook_subscriptions;
DROP TABLE webhook_endpoints;
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_subject_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff'));
ALTER TABLE follow_up_visits DROP CONSTRAINT follow_up_visits_subject_check;
ALTER TABLE follow_up_visits ADD CONSTRAINT follow_up_visits_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff'));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff'));
ALTER TABLE attachments DROP CONSTRAINT attachments_subject_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected'));
