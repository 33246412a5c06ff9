DELETE FROM timeline_entries WHERE subject IN ('key', 'key_handoff');
DELETE FROM follow_up_visits WHERE subject IN ('key', 'key_handoff');
DELETE FROM notifications WHERE subject IN ('key', 'key_handoff')
    OR kind IN ('key_lent', 'key_loan_overdue', 'key_collected');
DELETE FROM attachments WHERE subject IN ('key', 'key_handoff');
DROP TABLE key_incidents;
DROP TABLE key_deposit_collectors;
DROP TABLE key_deposits;
DROP TABLE key_loans;
DROP TABLE key_handoffs;
DROP TABLE unit_keys;
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_subject_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan'));
ALTER TABLE follow_up_visits DROP CONSTRAINT follow_up_visits_subject_check;
ALTER TABLE follow_up_visits ADD CONSTRAINT follow_up_visits_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan'));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan'));
ALTER TABLE attachments DROP CONSTRAINT attachments_subject_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided'));
