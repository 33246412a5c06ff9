DROP TABLE hot_water_reading_notices;
DELETE FROM notifications WHERE kind = 'hot_water_reading';

DROP TRIGGER notifications_kind_check_insert;
CREATE TRIGGER notifications_kind_check_insert BEFORE INSERT ON notifications
WHEN NEW.kind NOT IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing',
    'hot_water_renewal', 'hot_water_supply', 'hot_water_dunning'
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
    'key_collected', 'webhook_failing',
    'hot_water_renewal', 'hot_water_supply', 'hot_water_dunning'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_kind_check');
END;
