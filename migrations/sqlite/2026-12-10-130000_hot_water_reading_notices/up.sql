-- Hot water, R-HW-2: butlers tell residents before the quarter's reading window, a notice
-- per metered unit, once; `hot_water_reading` joins the kinds of notices.

DROP TRIGGER notifications_kind_check_insert;
CREATE TRIGGER notifications_kind_check_insert BEFORE INSERT ON notifications
WHEN NEW.kind NOT IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing',
    'hot_water_renewal', 'hot_water_supply', 'hot_water_dunning', 'hot_water_reading'
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
    'hot_water_renewal', 'hot_water_supply', 'hot_water_dunning', 'hot_water_reading'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: notifications_kind_check');
END;

-- The units told of a quarter's reading, once each.
CREATE TABLE hot_water_reading_notices (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    quarter TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    noticed_by BIGINT NOT NULL REFERENCES users (id),
    noticed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (site_id, quarter, unit_id)
);
