-- Complaints (投诉), their replies and notes, and the standard-reply library. SQLite flavour;
-- postgres/ mirrors it.

-- R-CMP-13: a resident who refuses follow-up visits is never scheduled for one again.
ALTER TABLE users ADD COLUMN refuses_visits BOOLEAN NOT NULL DEFAULT FALSE;

-- R-CMP-19: approved reply texts by subject, kept by managers per site.
CREATE TABLE standard_replies (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, title)
);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    number TEXT NOT NULL,
    complainant_kind TEXT NOT NULL CHECK (complainant_kind IN ('resident', 'named', 'anonymous')),
    complainant_id BIGINT REFERENCES users (id),
    complainant_name TEXT,
    complainant_phone TEXT,
    unit_id BIGINT REFERENCES units (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'in_person', 'through_someone', 'letter',
        'suggestion_box', 'staff_relay', 'fax', 'email', 'app', 'web', 'forum', 'media',
        'parent_company')),
    class TEXT NOT NULL CHECK (class IN ('property_service', 'developer', 'external')),
    nature TEXT NOT NULL CHECK (nature IN ('valid', 'communication')),
    communication_kind TEXT CHECK (communication_kind IN ('help_request', 'question', 'venting')),
    subject TEXT NOT NULL,
    major BOOLEAN NOT NULL DEFAULT FALSE,
    major_lead_id BIGINT REFERENCES users (id),
    sensitive BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NOT NULL,
    received_by BIGINT NOT NULL REFERENCES users (id),
    owner_id BIGINT REFERENCES users (id),
    department TEXT CHECK (department IN ('customer_service', 'engineering', 'security',
        'cleaning', 'landscaping', 'finance', 'developer')),
    status TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'with_developer',
        'resolved', 'closed', 'merged')),
    respond_by TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    handoff_by TIMESTAMP,
    handed_off_at TIMESTAMP,
    reply_promised_by TIMESTAMP,
    promise_kept_at TIMESTAMP,
    fix_by TIMESTAMP,
    responsibility TEXT CHECK (responsibility IN ('company', 'developer', 'third_party', 'none')),
    compensation TEXT,
    escalation TEXT CHECK (escalation IN ('supervisor', 'manager', 'director')),
    developer_due_at TIMESTAMP,
    developer_replied_at TIMESTAMP,
    next_chase_at TIMESTAMP,
    resolution TEXT,
    root_cause TEXT,
    resolved_at TIMESTAMP,
    opinion TEXT CHECK (opinion IN ('satisfied', 'neutral', 'dissatisfied')),
    opinion_comment TEXT,
    reviewed_by BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    visit_exemption TEXT CHECK (visit_exemption IN ('solved_on_spot', 'anonymous',
        'unreachable', 'sensitive', 'refuses_visits')),
    visit_by TIMESTAMP,
    closure_reason TEXT CHECK (closure_reason IN ('satisfied_at_visit', 'quiet_week', 'merged')),
    closed_at TIMESTAMP,
    merged_into BIGINT REFERENCES complaints (id),
    complainant_count INTEGER NOT NULL DEFAULT 1,
    occurrences INTEGER NOT NULL DEFAULT 1,
    impact TEXT,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, number),
    CHECK ((complainant_kind = 'resident') = (complainant_id IS NOT NULL))
);
CREATE INDEX complaints_site_created ON complaints (site_id, created_at, id);
CREATE INDEX complaints_repeat ON complaints (unit_id, subject, created_at);
CREATE INDEX complaints_sweep ON complaints (status, resolved_at);
CREATE INDEX complaints_complainant ON complaints (complainant_id);

-- Replies to the complainant (which standard text, if any) and internal notes.
CREATE TABLE complaint_messages (
    id INTEGER PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'internal_note')),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    standard_reply_id BIGINT REFERENCES standard_replies (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_messages_complaint ON complaint_messages (complaint_id, id);
