-- Keys (钥匙, R-KEY-1..5): each unit's key sets, each with exactly one holder at any time,
-- the custody chain of every handoff, loans to the developer, deposits in the desk's
-- cabinet and the incidents staff answer for.
--
-- Keys and their handoffs join the records that have timelines, visits, notices and files.
-- SQLite cannot change a CHECK in place, so each of those tables is rebuilt. archive_reads
-- refers to attachments, and renaming a table would rewrite that reference to the old
-- name: so this migration runs outside diesel's transaction (metadata.toml) with foreign
-- keys off and the legacy rename, in a transaction of its own.
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;
ALTER TABLE timeline_entries RENAME TO timeline_entries_old;
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO timeline_entries SELECT * FROM timeline_entries_old;
DROP TABLE timeline_entries_old;
CREATE INDEX timeline_entries_subject ON timeline_entries (subject, subject_id, id);

ALTER TABLE follow_up_visits RENAME TO follow_up_visits_old;
CREATE TABLE follow_up_visits (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    butler_id BIGINT NOT NULL REFERENCES users (id),
    method TEXT NOT NULL CHECK (method IN ('phone', 'visit')),
    satisfaction TEXT NOT NULL CHECK (satisfaction IN ('satisfied', 'neutral', 'dissatisfied')),
    result TEXT NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO follow_up_visits SELECT * FROM follow_up_visits_old;
DROP TABLE follow_up_visits_old;
CREATE INDEX follow_up_visits_subject ON follow_up_visits (subject, subject_id);

ALTER TABLE notifications RENAME TO notifications_old;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    -- the unit the notice concerns, if any: a resident sees notices of units they live in
    unit_id BIGINT REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('ticket_dispatched', 'work_order_dispatched',
        'engineer_on_site', 'ticket_completed', 'charge_to_accept', 'complaint_assigned',
        'complaint_reply', 'visit_recorded', 'deadline_near', 'loan_requested',
        'loan_decided', 'key_lent', 'key_loan_overdue', 'key_collected')),
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    delivered_by BIGINT REFERENCES users (id),
    delivered_via TEXT CHECK (delivered_via IN ('phone', 'paper', 'in_person')),
    delivered_at TIMESTAMP,
    CHECK ((delivered_by IS NULL) = (delivered_via IS NULL)),
    CHECK ((delivered_via IS NULL) = (delivered_at IS NULL))
);
INSERT INTO notifications SELECT * FROM notifications_old;
DROP TABLE notifications_old;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_unread ON notifications (recipient_id, id) WHERE read_at IS NULL;
CREATE INDEX notifications_unit ON notifications (unit_id, id);
CREATE INDEX notifications_subject ON notifications (subject, subject_id, kind);

ALTER TABLE attachments RENAME TO attachments_old;
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan', 'key', 'key_handoff')),
    subject_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    stage TEXT NOT NULL CHECK (stage IN ('report', 'before_work', 'after_work', 'other')),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png',
        'image/webp', 'image/heic', 'application/pdf')),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    object_key TEXT NOT NULL UNIQUE,
    thumbnail_key TEXT UNIQUE,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    -- the same file sent twice to one record (a retried upload) is one attachment
    UNIQUE (subject, subject_id, sha256)
);
INSERT INTO attachments SELECT * FROM attachments_old;
DROP TABLE attachments_old;

-- A key set of a unit (entry door, mailbox, other) and who holds it now. The holder is one
-- of four forms, and the CHECKs admit exactly one: a person with an account (a resident or
-- a staff member), a named external party (the developer's customer service, a collector),
-- or a slot of the desk's deposit cabinet.
CREATE TABLE unit_keys (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('entry_door', 'mailbox', 'other')),
    label TEXT NOT NULL,
    copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 20),
    status TEXT NOT NULL CHECK (status IN ('in_use', 'lost', 'damaged')),
    holder_kind TEXT NOT NULL CHECK (holder_kind IN ('resident', 'staff', 'external', 'cabinet')),
    holder_user_id BIGINT REFERENCES users (id),
    holder_name TEXT,
    holder_phone TEXT,
    holder_slot TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT unit_keys_one_holder CHECK (
        (holder_kind IN ('resident', 'staff')) = (holder_user_id IS NOT NULL)
        AND (holder_kind = 'external') = (holder_name IS NOT NULL)
        AND (holder_kind = 'external' OR holder_phone IS NULL)
        AND (holder_kind = 'cabinet') = (holder_slot IS NOT NULL))
);
CREATE INDEX unit_keys_unit ON unit_keys (unit_id, id);
CREATE INDEX unit_keys_site ON unit_keys (site_id, id);
CREATE INDEX unit_keys_holder ON unit_keys (holder_user_id);

-- The custody chain: every change of holder, numbered per key. (key_id, sequence) is
-- unique, so two handoffs can never both follow the same holder: the chain is a line.
CREATE TABLE key_handoffs (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES unit_keys (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    sequence BIGINT NOT NULL CHECK (sequence >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('register', 'issue', 'lend', 'return', 'deposit', 'pick_up', 'transfer')),
    -- the giver: none for the key's registration, the start of its chain
    from_kind TEXT CHECK (from_kind IN ('resident', 'staff', 'external', 'cabinet')),
    from_user_id BIGINT REFERENCES users (id),
    from_name TEXT,
    from_phone TEXT,
    from_slot TEXT,
    to_kind TEXT NOT NULL CHECK (to_kind IN ('resident', 'staff', 'external', 'cabinet')),
    to_user_id BIGINT REFERENCES users (id),
    to_name TEXT,
    to_phone TEXT,
    to_slot TEXT,
    purpose TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    handed_at TIMESTAMP NOT NULL,
    -- each side confirms on their own account (who, when) or by a signature staff filed
    giver_confirmed_by BIGINT REFERENCES users (id),
    giver_signature_id BIGINT REFERENCES attachments (id),
    giver_confirmed_at TIMESTAMP,
    receiver_confirmed_by BIGINT REFERENCES users (id),
    receiver_signature_id BIGINT REFERENCES attachments (id),
    receiver_confirmed_at TIMESTAMP,
    UNIQUE (key_id, sequence),
    CONSTRAINT key_handoffs_one_giver CHECK (
        (kind = 'register') = (from_kind IS NULL)
        AND COALESCE(from_kind IN ('resident', 'staff'), FALSE) = (from_user_id IS NOT NULL)
        AND COALESCE(from_kind = 'external', FALSE) = (from_name IS NOT NULL)
        AND (COALESCE(from_kind = 'external', FALSE) OR from_phone IS NULL)
        AND COALESCE(from_kind = 'cabinet', FALSE) = (from_slot IS NOT NULL)),
    CONSTRAINT key_handoffs_one_receiver CHECK (
        (to_kind IN ('resident', 'staff')) = (to_user_id IS NOT NULL)
        AND (to_kind = 'external') = (to_name IS NOT NULL)
        AND (to_kind = 'external' OR to_phone IS NULL)
        AND (to_kind = 'cabinet') = (to_slot IS NOT NULL)),
    CHECK ((giver_confirmed_at IS NULL) = (giver_confirmed_by IS NULL AND giver_signature_id IS NULL)),
    CHECK ((receiver_confirmed_at IS NULL) = (receiver_confirmed_by IS NULL AND receiver_signature_id IS NULL))
);
CREATE INDEX key_handoffs_site ON key_handoffs (site_id, handed_at);

-- R-KEY-2: a key lent (to the developer's customer service for a repair), due back.
CREATE TABLE key_loans (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES unit_keys (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    lent_handoff_id BIGINT NOT NULL UNIQUE REFERENCES key_handoffs (id),
    returned_handoff_id BIGINT UNIQUE REFERENCES key_handoffs (id),
    ticket_id BIGINT REFERENCES tickets (id),
    inspection_document_id BIGINT REFERENCES archive_documents (id),
    due_back TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('out', 'returned')),
    -- when the desk was told it is overdue (a job tells it once)
    overdue_told_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    returned_at TIMESTAMP,
    CHECK ((status = 'returned') = (returned_handoff_id IS NOT NULL)),
    CHECK ((status = 'returned') = (returned_at IS NOT NULL))
);
-- a key is out on one loan at most
CREATE UNIQUE INDEX key_loans_one_out ON key_loans (key_id) WHERE status = 'out';
CREATE INDEX key_loans_ticket ON key_loans (ticket_id);
CREATE INDEX key_loans_site ON key_loans (site_id, id);
CREATE INDEX key_loans_due ON key_loans (site_id, status, due_back);

-- R-KEY-4: a key a resident deposited with the desk, sealed in a labelled envelope, and who
-- may collect it.
CREATE TABLE key_deposits (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES unit_keys (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    depositor_id BIGINT NOT NULL REFERENCES users (id),
    envelope_label TEXT NOT NULL,
    slot TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    disclaimer_accepted_at TIMESTAMP NOT NULL,
    deposit_handoff_id BIGINT NOT NULL UNIQUE REFERENCES key_handoffs (id),
    pick_up_handoff_id BIGINT UNIQUE REFERENCES key_handoffs (id),
    status TEXT NOT NULL CHECK (status IN ('held', 'collected')),
    collector_name TEXT,
    collector_gender TEXT CHECK (collector_gender IN ('female', 'male')),
    collector_phone TEXT,
    collected_quantity INTEGER,
    collected_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK ((status = 'collected') = (pick_up_handoff_id IS NOT NULL)),
    CHECK ((status = 'collected') = (collected_at IS NOT NULL))
);
CREATE UNIQUE INDEX key_deposits_one_held ON key_deposits (key_id) WHERE status = 'held';
CREATE INDEX key_deposits_site ON key_deposits (site_id, id);

CREATE TABLE key_deposit_collectors (
    id INTEGER PRIMARY KEY,
    deposit_id BIGINT NOT NULL REFERENCES key_deposits (id),
    name TEXT NOT NULL,
    phone TEXT NOT NULL
);
CREATE INDEX key_deposit_collectors_deposit ON key_deposit_collectors (deposit_id);

-- R-KEY-5: a loss, wrong hand-out or damage, recorded against whoever held the key then.
CREATE TABLE key_incidents (
    id INTEGER PRIMARY KEY,
    key_id BIGINT NOT NULL REFERENCES unit_keys (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL CHECK (kind IN ('lost', 'wrong_handout', 'damaged')),
    -- the handoff that gave the key to the one who answers for it
    handoff_id BIGINT NOT NULL REFERENCES key_handoffs (id),
    holder_kind TEXT NOT NULL CHECK (holder_kind IN ('resident', 'staff', 'external', 'cabinet')),
    holder_user_id BIGINT REFERENCES users (id),
    holder_name TEXT,
    holder_slot TEXT,
    -- the staff member who answers for it: the holder, or who put it in the cabinet or
    -- handed it out; none when a resident or an outside party held it
    accountable_staff_id BIGINT REFERENCES users (id),
    note TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX key_incidents_site ON key_incidents (site_id, occurred_at);
CREATE INDEX key_incidents_key ON key_incidents (key_id);

COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
