-- Idempotency-Key: a caller's key, the request it came with, and the response the work
-- answered, written in the work's own transaction. A request in progress holds the key
-- (`claim`, until `locked_until`); one whose holder died is taken over after that.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, path and body the key was first used with
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    claim TEXT,
    locked_until TIMESTAMP,
    response_status BIGINT,
    response_body TEXT,
    PRIMARY KEY (user_id, key),
    CHECK ((claim IS NULL) = (locked_until IS NULL)),
    CHECK ((response_status IS NULL) = (response_body IS NULL))
);
-- Keys expire 24 hours after their first use.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
