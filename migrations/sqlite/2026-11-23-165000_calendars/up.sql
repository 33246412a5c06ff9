-- Working calendars per site (R-CMP-5): weekly working hours and special days (holidays,
-- make-up working days). SQLite flavour; postgres/ mirrors it.

-- Spans of working time in the site's local wall-clock time, [start_minute, end_minute)
-- in minutes after midnight (1440 = 24:00). A site with no rows works the default week.
CREATE TABLE working_hours (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- ISO weekday: 1 = Monday ... 7 = Sunday
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute >= 0 AND start_minute < 1440),
    end_minute INTEGER NOT NULL CHECK (end_minute <= 1440),
    CHECK (start_minute < end_minute),
    UNIQUE (site_id, weekday, start_minute)
);

-- Days that break the weekly pattern: a holiday (no working time) or a make-up working day
-- (调休上班: works even on a weekend).
CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'working_day')),
    name TEXT NOT NULL,
    UNIQUE (site_id, day)
);
