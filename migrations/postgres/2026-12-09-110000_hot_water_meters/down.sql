DROP TABLE hot_water_readings;
DROP TABLE hot_water_meters;
