DROP TABLE hot_water_entries;

DROP TABLE hot_water_accounts;
DROP FUNCTION hot_water_append_only;
