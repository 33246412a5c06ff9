-- Enum columns that had no CHECK: each lists its Rust enum's values (tests/platform.rs
-- checks that every enum column's list equals its enum).

ALTER TABLE tickets ADD CONSTRAINT tickets_status_check CHECK (status IN (
    'reported', 'dispatched', 'on_site', 'completed', 'rework', 'accepted',
    'closed', 'transferred', 'cancelled'
));

ALTER TABLE tickets ADD CONSTRAINT tickets_category_check CHECK (category IN (
    'water_supply', 'drainage', 'electrical', 'lift', 'doors_windows',
    'sanitary_fittings', 'roof_wall_seepage', 'heating', 'hot_water',
    'railings_stairs', 'public_facilities', 'other'
));

ALTER TABLE complaints ADD CONSTRAINT complaints_subject_check CHECK (subject IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
));

ALTER TABLE complaints ADD CONSTRAINT complaints_root_cause_check CHECK (root_cause IN (
    'people_attitude', 'people_conduct', 'people_skills', 'facility_appearance',
    'facility_quality', 'facility_function', 'material_durability',
    'material_economy', 'material_accuracy', 'method_process',
    'method_standards', 'environment'
));

ALTER TABLE standard_replies ADD CONSTRAINT standard_replies_subject_check CHECK (subject IN (
    'equipment', 'service_attitude', 'service_quality', 'emergency', 'fees',
    'community_activity', 'neighbour_pets', 'neighbour_corridor_clutter',
    'neighbour_illegal_building', 'neighbour_noise', 'neighbour_scavenging',
    'neighbour_thrown_objects', 'other'
));
