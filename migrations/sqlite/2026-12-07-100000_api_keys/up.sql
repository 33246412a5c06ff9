-- Machine clients: other property software signs in with an API key. Each key acts through
-- an account of its own (role butler, on the key's sites), so the timelines name the
-- integration and the role guards and site scoping of people apply to it unchanged.
ALTER TABLE users ADD COLUMN integration BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- the integration's own account: never signs in, never named as anyone's owner
    account_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
    -- SHA-256 of the whole key; the key itself is shown once and never stored
    token_hash TEXT NOT NULL UNIQUE,
    -- the key's first characters, to tell keys apart in lists
    token_prefix TEXT NOT NULL,
    requests_per_minute BIGINT NOT NULL CHECK (requests_per_minute BETWEEN 1 AND 6000),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users (id),
    last_used_at TIMESTAMP
);

CREATE TABLE api_key_permissions (
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    permission TEXT NOT NULL CHECK (permission IN (
        'directory_read', 'tickets_read', 'tickets_write', 'complaints_read',
        'complaints_write', 'keys_read')),
    PRIMARY KEY (api_key_id, permission)
);
