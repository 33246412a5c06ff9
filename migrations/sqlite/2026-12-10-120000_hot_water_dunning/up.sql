-- Hot water, R-HW-6: the dunning ladder for arrears, its steps and letters; its letters are
-- told to the residents, so `hot_water_dunning` joins the kinds of notices.

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

-- A dunning ladder (催缴) of an account in arrears: opened by its first step, ended by the
-- payment that clears the arrears. At most one open ladder per account.
CREATE TABLE hot_water_dunning (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES hot_water_accounts (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    -- the service complaint the resident raised when asked: the ladder waits for it
    complaint_id BIGINT REFERENCES complaints (id),
    started_on DATE NOT NULL,
    ended_on DATE,
    started_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX hot_water_dunning_open ON hot_water_dunning (account_id)
    WHERE ended_on IS NULL;
CREATE INDEX hot_water_dunning_site ON hot_water_dunning (site_id, ended_on);

-- Each step of a ladder, with the figures its letter states.
CREATE TABLE hot_water_dunning_steps (
    id INTEGER PRIMARY KEY,
    dunning_id BIGINT NOT NULL REFERENCES hot_water_dunning (id),
    step TEXT NOT NULL CHECK (step IN (
        'ask_reason', 'reminder_letter', 'dunning_letter', 'urgent_letter', 'lawyer_letter',
        'lawsuit_file', 'sued')),
    -- the site's local date
    taken_on DATE NOT NULL,
    arrears_fen BIGINT NOT NULL CHECK (arrears_fen > 0),
    arrears_since DATE NOT NULL,
    late_fee_fen BIGINT NOT NULL CHECK (late_fee_fen >= 0),
    note TEXT,
    taken_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (dunning_id, step)
);
