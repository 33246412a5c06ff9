-- A work order's engineers are told when its fix-by deadline is near (a job finds them).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near'));
-- What a record's notices are: the job asks whether a work order's engineers were warned.
CREATE INDEX notifications_subject ON notifications (subject, subject_id, kind);
