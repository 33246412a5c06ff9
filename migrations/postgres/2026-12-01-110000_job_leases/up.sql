-- Background jobs run in every instance; a job's lease says which instance runs it until
-- when, so several instances behind a load balancer do not run one sweep at once.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    leased_until TIMESTAMP NOT NULL
);
