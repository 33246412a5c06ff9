-- Photos and documents filed on a record (a ticket, a complaint; later archives, keys and
-- billing letters). The bytes live in the file store under object_key; a row exists only
-- for an object that was written whole, and an object without a row is swept away.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL CHECK (subject IN ('ticket', 'complaint')),
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
