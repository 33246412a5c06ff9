-- Payments reported by payment systems (R-HW-3, R-HW-7): an API key with the
-- hot_water_payments permission, and a signing secret its reports are signed with.
-- SQLite cannot alter a CHECK: the permissions table is built again with the new list.
ALTER TABLE api_key_permissions RENAME TO api_key_permissions_old;
CREATE TABLE api_key_permissions (
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    permission TEXT NOT NULL CHECK (permission IN (
        'directory_read', 'tickets_read', 'tickets_write', 'complaints_read',
        'complaints_write', 'keys_read', 'hot_water_payments')),
    PRIMARY KEY (api_key_id, permission)
);
INSERT INTO api_key_permissions (api_key_id, permission)
    SELECT api_key_id, permission FROM api_key_permissions_old;
DROP TABLE api_key_permissions_old;

-- Sealed under PII_KEY, as webhook secrets are; only keys that report payments have one.
ALTER TABLE api_keys ADD COLUMN signing_secret TEXT;

-- The payment system's own reference of a payment: credited once, however often and for
-- whichever unit it is reported.
ALTER TABLE hot_water_entries ADD COLUMN provider_reference TEXT
    CHECK (provider_reference IS NULL OR kind = 'payment');
CREATE UNIQUE INDEX hot_water_entries_provider_reference
    ON hot_water_entries (provider_reference) WHERE provider_reference IS NOT NULL;

-- INSERT OR REPLACE on any unique key would remove the entry it replaces: refused.
DROP TRIGGER hot_water_entries_no_replace;
CREATE TRIGGER hot_water_entries_no_replace BEFORE INSERT ON hot_water_entries
WHEN EXISTS (SELECT 1 FROM hot_water_entries WHERE id = NEW.id)
    OR EXISTS (SELECT 1 FROM hot_water_entries
               WHERE site_id = NEW.site_id AND receipt_number = NEW.receipt_number)
    OR EXISTS (SELECT 1 FROM hot_water_entries
               WHERE reading_id = NEW.reading_id AND period_from = NEW.period_from)
BEGIN
    -- Worded as SQLite words a unique violation, which the server answers 409.
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: hot_water_entries are never replaced');
END;
CREATE TRIGGER hot_water_entries_no_replace_reference BEFORE INSERT ON hot_water_entries
WHEN EXISTS (SELECT 1 FROM hot_water_entries WHERE provider_reference = NEW.provider_reference)
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: hot_water_entries.provider_reference');
END;

-- Reports refused after their signature was checked, naming a unit of the key's sites: no
-- account yet, another currency, a reference credited already. Kept once per report (a
-- retry under its Idempotency-Key is not kept again) for the desk to reconcile with the
-- payment system; forged reports, and
-- reports naming no unit of the key's, are only logged by the server.
CREATE TABLE hot_water_refused_reports (
    id INTEGER PRIMARY KEY,
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    idempotency_key TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    provider_reference TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- the problem's type, as the partner was answered
    problem TEXT NOT NULL,
    detail TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX hot_water_refused_reports_site ON hot_water_refused_reports (site_id, id);
CREATE INDEX hot_water_refused_reports_key
    ON hot_water_refused_reports (api_key_id, idempotency_key);
