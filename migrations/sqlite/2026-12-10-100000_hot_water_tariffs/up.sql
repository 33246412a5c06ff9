-- Hot-water tariffs (R-HW-3: charge = usage × tariff) and the charges readings make.
-- A tariff takes effect from a date and is never changed: a new price is a new tariff,
-- so the past is never re-priced.
CREATE TABLE hot_water_tariffs (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- the site's local date from which it prices usage
    effective_from DATE NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, effective_from)
);

-- A tariff's tiers, in order: the litres of a period's usage up to `up_to_litres` (above
-- the tier before), the last one unbounded; prices in fen per cubic metre.
CREATE TABLE hot_water_tariff_tiers (
    id INTEGER PRIMARY KEY,
    tariff_id BIGINT NOT NULL REFERENCES hot_water_tariffs (id),
    up_to_litres BIGINT CHECK (up_to_litres > 0),
    fen_per_cubic_metre BIGINT NOT NULL CHECK (fen_per_cubic_metre >= 0)
);
CREATE INDEX hot_water_tariff_tiers_tariff ON hot_water_tariff_tiers (tariff_id, id);

CREATE TRIGGER hot_water_tariffs_no_update BEFORE UPDATE ON hot_water_tariffs
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;
CREATE TRIGGER hot_water_tariffs_no_delete BEFORE DELETE ON hot_water_tariffs
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;
CREATE TRIGGER hot_water_tariff_tiers_no_update BEFORE UPDATE ON hot_water_tariff_tiers
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;
CREATE TRIGGER hot_water_tariff_tiers_no_delete BEFORE DELETE ON hot_water_tariff_tiers
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;
-- INSERT OR REPLACE removes the row it replaces without firing a DELETE trigger: refused.
CREATE TRIGGER hot_water_tariffs_no_replace BEFORE INSERT ON hot_water_tariffs
WHEN EXISTS (SELECT 1 FROM hot_water_tariffs WHERE id = NEW.id)
    OR EXISTS (SELECT 1 FROM hot_water_tariffs
               WHERE site_id = NEW.site_id AND effective_from = NEW.effective_from)
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;
CREATE TRIGGER hot_water_tariff_tiers_no_replace BEFORE INSERT ON hot_water_tariff_tiers
WHEN EXISTS (SELECT 1 FROM hot_water_tariff_tiers WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'a hot-water tariff is never changed: add one that takes effect later');
END;

-- A charge's period and usage, and the reading that made it (none for the last litres of
-- a replaced meter).
ALTER TABLE hot_water_entries ADD COLUMN reading_id BIGINT REFERENCES hot_water_readings (id);
ALTER TABLE hot_water_entries ADD COLUMN period_from DATE;
ALTER TABLE hot_water_entries ADD COLUMN period_to DATE
    CHECK ((kind = 'charge') = (period_from IS NOT NULL AND period_to IS NOT NULL
        AND period_from <= period_to));
ALTER TABLE hot_water_entries ADD COLUMN usage_litres BIGINT
    CHECK ((kind = 'charge') = (usage_litres IS NOT NULL AND usage_litres >= 0));

-- A flagged reading is charged once a butler has confirmed it.
ALTER TABLE hot_water_readings ADD COLUMN confirmed_by BIGINT REFERENCES users (id);
ALTER TABLE hot_water_readings ADD COLUMN confirmed_at TIMESTAMP
    CHECK ((confirmed_at IS NULL) = (confirmed_by IS NULL) AND (confirmed_at IS NULL OR flagged));
-- A reading's usage is charged once: one entry per part of its period.
CREATE UNIQUE INDEX hot_water_entries_charge_part ON hot_water_entries (reading_id, period_from)
    WHERE reading_id IS NOT NULL;
