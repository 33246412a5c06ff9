DROP INDEX notifications_subject;
DELETE FROM notifications WHERE kind = 'deadline_near';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded'));
