DELETE FROM timeline_entries WHERE subject NOT IN ('ticket', 'complaint');
DELETE FROM follow_up_visits WHERE subject NOT IN ('ticket', 'complaint');
DELETE FROM notifications WHERE subject NOT IN ('ticket', 'complaint');
DELETE FROM attachments WHERE subject NOT IN ('ticket', 'complaint');
DROP TABLE archive_flags;
DROP TABLE archive_reads;
DROP TABLE archive_loans;
DROP TABLE archive_signatures;
DROP TABLE archive_documents;
DROP TABLE archive_people;
DROP TABLE archives;
DROP TABLE archive_checklist_items;
DROP TABLE archive_checklists;
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_subject_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_subject_check CHECK (subject IN (
    'ticket', 'complaint'));
ALTER TABLE follow_up_visits DROP CONSTRAINT follow_up_visits_subject_check;
ALTER TABLE follow_up_visits ADD CONSTRAINT follow_up_visits_subject_check CHECK (subject IN (
    'ticket', 'complaint'));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check CHECK (subject IN (
    'ticket', 'complaint'));
ALTER TABLE attachments DROP CONSTRAINT attachments_subject_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_subject_check CHECK (subject IN (
    'ticket', 'complaint'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near'));
