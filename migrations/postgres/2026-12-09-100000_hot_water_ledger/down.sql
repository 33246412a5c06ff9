DROP TABLE hot_water_entries;
DROP FUNCTION hot_water_entries_append_only;
DROP TABLE hot_water_accounts;
