-- Hot-water meters and their readings (R-HW-2). A unit has at most one meter in service;
-- a replacement records the old meter's final reading and the new one's initial reading,
-- which is how a reading may be lower than the one before it.
CREATE TABLE hot_water_meters (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    serial_number TEXT NOT NULL,
    installed_on DATE NOT NULL,
    initial_litres BIGINT NOT NULL CHECK (initial_litres >= 0),
    removed_on DATE,
    final_litres BIGINT CHECK (final_litres >= initial_litres),
    registered_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((removed_on IS NULL) = (final_litres IS NULL))
);
CREATE UNIQUE INDEX hot_water_meters_unit_id_in_service ON hot_water_meters (unit_id)
    WHERE removed_on IS NULL;

CREATE TABLE hot_water_readings (
    id INTEGER PRIMARY KEY,
    meter_id BIGINT NOT NULL REFERENCES hot_water_meters (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    litres BIGINT NOT NULL CHECK (litres >= 0),
    -- litres since the meter's previous reading (or its initial reading)
    usage_litres BIGINT NOT NULL CHECK (usage_litres >= 0),
    -- the site's local date, and its quarter (2026-Q4)
    read_on DATE NOT NULL,
    quarter TEXT NOT NULL,
    -- taken in the quarter's window (25th-30th of its last month); outside it, a reason
    in_window BOOLEAN NOT NULL,
    reason TEXT,
    -- far above the unit's usual: a butler confirms it
    flagged BOOLEAN NOT NULL,
    read_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (in_window OR reason IS NOT NULL)
);
CREATE INDEX hot_water_readings_meter ON hot_water_readings (meter_id, id);
CREATE INDEX hot_water_readings_unit ON hot_water_readings (unit_id, id);
CREATE INDEX hot_water_readings_quarter ON hot_water_readings (site_id, quarter);
