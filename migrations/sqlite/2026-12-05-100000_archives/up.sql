-- Owner archives (业主档案, R-ARC-1..6): one per unit and owner occupancy, its catalogue of
-- documents against a versioned per-site checklist, its people (ID numbers sealed), the
-- borrowing register, the read log and the customer-profile flags.

-- Archives, their documents and loans join the records that have timelines, visits,
-- notices and files. SQLite cannot change a CHECK in place: each table is rebuilt
-- (nothing refers to them).
ALTER TABLE timeline_entries RENAME TO timeline_entries_old;
CREATE TABLE timeline_entries (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan')),
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
        'archive_document', 'archive_loan')),
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
        'loan_decided')),
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint', 'archive',
        'archive_document', 'archive_loan')),
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
        'archive_document', 'archive_loan')),
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

CREATE TABLE archive_checklists (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    version INTEGER NOT NULL CHECK (version > 0),
    -- who edited it; none for the rules' defaults
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, version)
);

CREATE TABLE archive_checklist_items (
    id INTEGER PRIMARY KEY,
    checklist_id BIGINT NOT NULL REFERENCES archive_checklists (id),
    position INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    title TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    owner_signs BOOLEAN NOT NULL,
    staff_signs BOOLEAN NOT NULL,
    finance_signs BOOLEAN NOT NULL,
    UNIQUE (checklist_id, doc_type)
);

CREATE TABLE archives (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    -- the owner occupancy it is the file of: one archive each
    occupancy_id BIGINT NOT NULL UNIQUE REFERENCES unit_memberships (id),
    owner_id BIGINT NOT NULL REFERENCES users (id),
    -- the checklist version it is judged against, kept when a manager edits the checklist
    checklist_id BIGINT NOT NULL REFERENCES archive_checklists (id),
    status TEXT NOT NULL CHECK (status IN ('opening', 'incomplete', 'established', 'closed')),
    moved_in_at TIMESTAMP NOT NULL,
    open_by TIMESTAMP NOT NULL,
    opened_at TIMESTAMP,
    established_at TIMESTAMP,
    closed_at TIMESTAMP,
    close_reason TEXT CHECK (close_reason IN ('moved_out', 'sold')),
    staff_note TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- one live archive per unit: the next owner's opens when the last one's closes
CREATE UNIQUE INDEX archives_live_unit ON archives (unit_id) WHERE status <> 'closed';
CREATE INDEX archives_site ON archives (site_id, id);
CREATE INDEX archives_unit ON archives (unit_id, id);
CREATE INDEX archives_chase ON archives (site_id, status, moved_in_at);
CREATE INDEX archives_opening ON archives (site_id, open_by) WHERE opened_at IS NULL;

-- The people an archive holds: the owner, co-owners, family. ID numbers only sealed
-- (AES-256-GCM), found by a keyed hash, shown by a mask.
CREATE TABLE archive_people (
    id INTEGER PRIMARY KEY,
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    user_id BIGINT REFERENCES users (id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('owner', 'co_owner', 'family', 'tenant')),
    phone TEXT,
    id_number_sealed TEXT,
    id_number_hash TEXT,
    id_number_masked TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK ((id_number_sealed IS NULL) = (id_number_hash IS NULL))
);
CREATE INDEX archive_people_archive ON archive_people (archive_id, id);
CREATE INDEX archive_people_id_number ON archive_people (id_number_hash);
CREATE INDEX archive_people_user ON archive_people (user_id);

-- The catalogue (卷内目录): every document, or a closed ticket or complaint filed on it.
CREATE TABLE archive_documents (
    id INTEGER PRIMARY KEY,
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    doc_type TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_date DATE NOT NULL,
    filed_by BIGINT REFERENCES users (id),
    filed_at TIMESTAMP NOT NULL,
    ticket_id BIGINT UNIQUE REFERENCES tickets (id),
    complaint_id BIGINT UNIQUE REFERENCES complaints (id),
    summary TEXT,
    staff_note TEXT,
    -- whom a resident's view counts it for: the one who reported the repair, filed the complaint
    for_user_id BIGINT REFERENCES users (id)
);
CREATE INDEX archive_documents_archive ON archive_documents (archive_id, id);

CREATE TABLE archive_signatures (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES archive_documents (id),
    party TEXT NOT NULL CHECK (party IN ('owner', 'staff', 'finance')),
    -- who recorded the signature (the owner's is seen on paper by staff)
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    signed_by_name TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    UNIQUE (document_id, party)
);

-- The borrowing register (档案借阅登记).
CREATE TABLE archive_loans (
    id INTEGER PRIMARY KEY,
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    borrower_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    due_back TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'out', 'returned', 'refused')),
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_note TEXT,
    out_at TIMESTAMP,
    back_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX archive_loans_archive ON archive_loans (archive_id, id);
CREATE INDEX archive_loans_borrower ON archive_loans (borrower_id, archive_id, status);
CREATE INDEX archive_loans_site ON archive_loans (site_id, status, due_back);

-- Every read of an archive, a document, a file or an ID number: who, when, what, why.
CREATE TABLE archive_reads (
    id INTEGER PRIMARY KEY,
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    reader_id BIGINT NOT NULL REFERENCES users (id),
    what TEXT NOT NULL CHECK (what IN ('archive', 'document', 'file', 'id_number')),
    document_id BIGINT REFERENCES archive_documents (id),
    person_id BIGINT REFERENCES archive_people (id),
    attachment_id BIGINT REFERENCES attachments (id),
    loan_id BIGINT REFERENCES archive_loans (id),
    reason TEXT NOT NULL,
    read_at TIMESTAMP NOT NULL
);
CREATE INDEX archive_reads_archive ON archive_reads (archive_id, id);
CREATE INDEX archive_reads_reader ON archive_reads (reader_id, id);

-- Key-customer flags (R-ARC-6), kept by staff with a reason.
CREATE TABLE archive_flags (
    id INTEGER PRIMARY KEY,
    archive_id BIGINT NOT NULL REFERENCES archives (id),
    flag TEXT NOT NULL CHECK (flag IN ('owners_committee', 'frequent_complainant',
        'commercial_tenant', 'opinion_leader', 'elderly_alone', 'vip')),
    reason TEXT NOT NULL,
    set_by BIGINT NOT NULL REFERENCES users (id),
    set_at TIMESTAMP NOT NULL,
    UNIQUE (archive_id, flag)
);
CREATE INDEX archive_flags_flag ON archive_flags (flag, archive_id);
