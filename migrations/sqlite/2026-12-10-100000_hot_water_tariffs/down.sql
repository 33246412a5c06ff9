DROP INDEX hot_water_entries_charge_part;
ALTER TABLE hot_water_readings DROP COLUMN confirmed_at;
ALTER TABLE hot_water_readings DROP COLUMN confirmed_by;
ALTER TABLE hot_water_entries DROP COLUMN usage_litres;
ALTER TABLE hot_water_entries DROP COLUMN period_to;
ALTER TABLE hot_water_entries DROP COLUMN period_from;
ALTER TABLE hot_water_entries DROP COLUMN reading_id;
DROP TABLE hot_water_tariff_tiers;
DROP TABLE hot_water_tariffs;
