-- Repair tickets, and the mechanisms complaints will share: the timeline, follow-up visits,
-- readable numbers. SQLite flavour; postgres/ mirrors it.

-- Per site, prefix and local day, the last number handed out (BX-20261123-0007).
CREATE TABLE number_sequences (
    site_id BIGINT NOT NULL REFERENCES sites (id),
    prefix TEXT NOT NULL,
    day TEXT NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (site_id, prefix, day)
);

-- Every action on a ticket or complaint: who, when, from -> to, note.
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint')),
    subject_id BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX timeline_entries_subject ON timeline_entries (subject, subject_id, id);

-- Follow-up visits (回访) after a repair or a complaint.
CREATE TABLE follow_up_visits (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint')),
    subject_id BIGINT NOT NULL,
    butler_id BIGINT NOT NULL REFERENCES users (id),
    method TEXT NOT NULL CHECK (method IN ('phone', 'visit')),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'dissatisfied')),
    result TEXT NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_up_visits_subject ON follow_up_visits (subject, subject_id);

-- The company's fee schedule for repairs, kept by managers per site.
CREATE TABLE fee_items (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name TEXT NOT NULL,
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    number TEXT NOT NULL,
    unit_id BIGINT REFERENCES units (id),
    location TEXT,
    category TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'general')),
    suggested_priority TEXT CHECK (suggested_priority IN ('urgent', 'general')),
    channel TEXT NOT NULL CHECK (channel IN ('app', 'phone', 'counter', 'staff')),
    contact_phone TEXT NOT NULL,
    description TEXT NOT NULL,
    reporter_id BIGINT NOT NULL REFERENCES users (id),
    received_by BIGINT REFERENCES users (id),
    status TEXT NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('engineering', 'developer')),
    proposed_route TEXT NOT NULL CHECK (proposed_route IN ('engineering', 'developer')),
    route_reason TEXT NOT NULL,
    arrive_by TIMESTAMP,
    fix_by TIMESTAMP NOT NULL,
    visit_by TIMESTAMP,
    arrived_at TIMESTAMP,
    completed_at TIMESTAMP,
    accepted_at TIMESTAMP,
    closed_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    developer_slip TEXT,
    developer_due_at TIMESTAMP,
    developer_acknowledged_at TIMESTAMP,
    taken_over_at TIMESTAMP,
    settlement_signed_at TIMESTAMP,
    head_count INTEGER,
    labour_minutes BIGINT,
    result_note TEXT,
    charge_fen BIGINT CHECK (charge_fen >= 0),
    charge_item TEXT,
    charge_status TEXT NOT NULL CHECK (charge_status IN ('none', 'pending_approval', 'awaiting_resident', 'accepted', 'declined')),
    acceptance TEXT CHECK (acceptance IN ('app', 'paper')),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    rework_count INTEGER NOT NULL DEFAULT 0,
    warranty_of BIGINT REFERENCES tickets (id),
    free_of_charge BOOLEAN NOT NULL DEFAULT FALSE,
    -- bumped by every action: an action applies only to the version it read
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((unit_id IS NULL) <> (location IS NULL)),
    UNIQUE (site_id, number)
);
CREATE INDEX tickets_site_created ON tickets (site_id, created_at);
CREATE INDEX tickets_unit ON tickets (unit_id, category, completed_at);
CREATE INDEX tickets_status_fix_by ON tickets (status, fix_by);
CREATE INDEX tickets_updated ON tickets (updated_at);

CREATE TABLE ticket_engineers (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    engineer_id BIGINT NOT NULL REFERENCES users (id),
    lead BOOLEAN NOT NULL,
    PRIMARY KEY (ticket_id, engineer_id)
);
CREATE INDEX ticket_engineers_engineer ON ticket_engineers (engineer_id, ticket_id);

CREATE TABLE ticket_materials (
    id INTEGER PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    name TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0)
);
CREATE INDEX ticket_materials_ticket ON ticket_materials (ticket_id);
