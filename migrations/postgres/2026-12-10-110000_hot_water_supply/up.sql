-- Hot water, R-HW-4 and R-HW-5: renewal notices and limited or stopped supply. An account's
-- supply has a timeline and its steps notify the residents, so hot-water accounts join the
-- subjects of timelines and notices, and `hot_water_renewal` and `hot_water_supply` the
-- kinds of notices.

ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_subject_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint', 'hot_water_account'));
ALTER TABLE follow_up_visits DROP CONSTRAINT follow_up_visits_subject_check;
ALTER TABLE follow_up_visits ADD CONSTRAINT follow_up_visits_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint', 'hot_water_account'));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint', 'hot_water_account'));
ALTER TABLE attachments DROP CONSTRAINT attachments_subject_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_subject_check CHECK (subject IN (
    'ticket', 'complaint', 'archive', 'archive_document', 'archive_loan', 'key',
    'key_handoff', 'webhook_endpoint', 'hot_water_account'));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'ticket_dispatched', 'work_order_dispatched', 'engineer_on_site', 'ticket_completed',
    'charge_to_accept', 'complaint_assigned', 'complaint_reply', 'visit_recorded',
    'deadline_near', 'loan_requested', 'loan_decided', 'key_lent', 'key_loan_overdue',
    'key_collected', 'webhook_failing',
    'hot_water_renewal', 'hot_water_supply'));

-- R-HW-4, R-HW-5: each site's hot-water settings; a site without a row uses the defaults
-- (README, "Hot water").
CREATE TABLE hot_water_settings (
    site_id BIGINT PRIMARY KEY REFERENCES sites (id),
    -- a renewal notice when the balance falls below this
    renewal_threshold_fen BIGINT NOT NULL CHECK (renewal_threshold_fen >= 0),
    -- limited supply after this many days below zero (N)
    limit_after_days INTEGER NOT NULL CHECK (limit_after_days BETWEEN 1 AND 365),
    -- a stop proposed after this many more days limited (M)
    stop_after_days INTEGER NOT NULL CHECK (stop_after_days BETWEEN 1 AND 365),
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- R-HW-5: each account's supply, moved along by payments and charges and by the daily sweep.
CREATE TABLE hot_water_supply (
    account_id BIGINT PRIMARY KEY REFERENCES hot_water_accounts (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    status TEXT NOT NULL CHECK (status IN ('normal', 'limited', 'stop_proposed', 'stopped')),
    -- the site's local date since which the status holds
    status_since DATE NOT NULL,
    -- the site's local date the balance fell below zero; NULL while it is zero or above
    arrears_since DATE,
    -- a renewal notice went out since the balance last fell below the threshold
    renewal_noticed BOOLEAN NOT NULL,
    CHECK (status = 'normal' OR arrears_since IS NOT NULL)
);
CREATE INDEX hot_water_supply_due ON hot_water_supply (site_id, status, arrears_since);

-- Accounts opened before: their supply as their balance leaves it (arrears from today).
INSERT INTO hot_water_supply
    (account_id, site_id, unit_id, status, status_since, arrears_since, renewal_noticed)
SELECT a.id, a.site_id, a.unit_id, 'normal', CURRENT_DATE,
    CASE WHEN COALESCE(SUM(e.amount_fen), 0) < 0 THEN CURRENT_DATE END, FALSE
FROM hot_water_accounts a LEFT JOIN hot_water_entries e ON e.account_id = a.id
GROUP BY a.id, a.site_id, a.unit_id;
