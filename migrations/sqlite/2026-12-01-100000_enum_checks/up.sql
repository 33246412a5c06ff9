-- Enum columns that had no CHECK. SQLite cannot add a constraint to an existing table
-- without rebuilding it (and the tables that refer to it), so triggers refuse other
-- values on insert and update; tests/platform.rs checks each list equals its enum.

CREATE TRIGGER tickets_status_check_insert BEFORE INSERT ON tickets
WHEN NEW.status NOT IN (
    'reported', 'dispatched', 'on_site', 'completed', 'rework', 'accepted',
    'closed', 'transferred', 'cancelled'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: tickets_status_check');
END;

CREATE TRIGGER tickets_status_check_update BEFORE UPDATE OF status ON tickets
WHEN NEW.status NOT IN (
    'reported', 'dispatched', 'on_site', 'completed', 'rework', 'accepted',
    'closed', 'transferred', 'cancelled'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: tickets_status_check');
END;

CREATE TRIGGER tickets_category_check_insert BEFORE INSERT ON tickets
WHEN NEW.category NOT IN (
    'water_supply', 'drainage', 'electrical', 'lift', 'doors_windows',
    'sanitary_fittings', 'roof_wall_seepage', 'heating', 'hot_water',
    'railings_stairs', 'public_facilities', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: tickets_category_check');
END;

CREATE TRIGGER tickets_category_check_update BEFORE UPDATE OF category ON tickets
WHEN NEW.category NOT IN (
    'water_supply', 'drainage', 'electrical', 'lift', 'doors_windows',
    'sanitary_fittings', 'roof_wall_seepage', 'heating', 'hot_water',
    'railings_stairs', 'public_facilities', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: tickets_category_check');
END;

CREATE TRIGGER complaints_subject_check_insert BEFORE INSERT ON complaints
WHEN NEW.subject NOT IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: complaints_subject_check');
END;

CREATE TRIGGER complaints_subject_check_update BEFORE UPDATE OF subject ON complaints
WHEN NEW.subject NOT IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: complaints_subject_check');
END;

CREATE TRIGGER complaints_root_cause_check_insert BEFORE INSERT ON complaints
WHEN NEW.root_cause NOT IN (
    'people_attitude', 'people_conduct', 'people_skills', 'facility_appearance',
    'facility_quality', 'facility_function', 'material_durability',
    'material_economy', 'material_accuracy', 'method_process',
    'method_standards', 'environment'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: complaints_root_cause_check');
END;

CREATE TRIGGER complaints_root_cause_check_update BEFORE UPDATE OF root_cause ON complaints
WHEN NEW.root_cause NOT IN (
    'people_attitude', 'people_conduct', 'people_skills', 'facility_appearance',
    'facility_quality', 'facility_function', 'material_durability',
    'material_economy', 'material_accuracy', 'method_process',
    'method_standards', 'environment'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: complaints_root_cause_check');
END;

CREATE TRIGGER standard_replies_subject_check_insert BEFORE INSERT ON standard_replies
WHEN NEW.subject NOT IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: standard_replies_subject_check');
END;

CREATE TRIGGER standard_replies_subject_check_update BEFORE UPDATE OF subject ON standard_replies
WHEN NEW.subject NOT IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: standard_replies_subject_check');
END;
