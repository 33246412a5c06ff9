-- Hot water (热水), R-HW-3 and R-HW-7: each unit's hot-water account (台帐) and its
-- ledger. Entries are append-only: a correction is a new, reversing entry; the balance is
-- the sum of the entries, never stored apart from them.
CREATE TABLE hot_water_accounts (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL UNIQUE REFERENCES units (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    opened_at TIMESTAMP NOT NULL
);

CREATE TABLE hot_water_entries (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES hot_water_accounts (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    kind TEXT NOT NULL CHECK (kind IN ('charge', 'payment', 'refund', 'adjustment')),
    -- signed fen: what the entry adds to the balance (a payment is positive, a charge negative)
    amount_fen BIGINT NOT NULL CHECK (amount_fen <> 0),
    method TEXT CHECK (method IN ('cash', 'card', 'transfer')),
    -- payments only: RS-<year>-<n>, counted per site and year without gaps
    receipt_number TEXT,
    reason TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'payment') = (receipt_number IS NOT NULL)),
    CHECK ((kind IN ('payment', 'refund')) = (method IS NOT NULL)),
    CHECK (kind <> 'payment' OR amount_fen > 0),
    CHECK (kind NOT IN ('charge', 'refund') OR amount_fen < 0)
);
CREATE INDEX hot_water_entries_account ON hot_water_entries (account_id, id);
CREATE UNIQUE INDEX hot_water_entries_receipt ON hot_water_entries (site_id, receipt_number);

-- Append-only, whoever writes: the database refuses to change or remove an entry.
CREATE TRIGGER hot_water_entries_no_update BEFORE UPDATE ON hot_water_entries
BEGIN
    SELECT RAISE(ABORT, 'hot-water entries are append-only: record a reversing entry');
END;
CREATE TRIGGER hot_water_entries_no_delete BEFORE DELETE ON hot_water_entries
BEGIN
    SELECT RAISE(ABORT, 'hot-water entries are append-only: record a reversing entry');
END;
-- INSERT OR REPLACE removes the row it replaces without firing a DELETE trigger: refused.
CREATE TRIGGER hot_water_entries_no_replace BEFORE INSERT ON hot_water_entries
WHEN EXISTS (SELECT 1 FROM hot_water_entries WHERE id = NEW.id)
    OR EXISTS (SELECT 1 FROM hot_water_entries
               WHERE site_id = NEW.site_id AND receipt_number = NEW.receipt_number)
BEGIN
    SELECT RAISE(ABORT, 'hot-water entries are append-only: record a reversing entry');
END;
-- An account stays its unit's, and stays.
CREATE TRIGGER hot_water_accounts_no_update BEFORE UPDATE ON hot_water_accounts
BEGIN
    SELECT RAISE(ABORT, 'a hot-water account stays with its unit');
END;
CREATE TRIGGER hot_water_accounts_no_delete BEFORE DELETE ON hot_water_accounts
BEGIN
    SELECT RAISE(ABORT, 'a hot-water account stays with its unit');
END;
