DROP TABLE calendar_days;
DROP TABLE working_hours;
