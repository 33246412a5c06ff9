DROP TABLE hot_water_entries;
DROP TABLE hot_water_accounts;
