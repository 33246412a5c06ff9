DROP INDEX complaints_complainant;
CREATE INDEX complaints_complainant ON complaints (complainant_id);
DROP INDEX complaints_site_status;
DROP INDEX complaints_site_id;

DROP INDEX tickets_work_orders;
CREATE INDEX tickets_status_fix_by ON tickets (status, fix_by);
DROP INDEX tickets_site_status;
DROP INDEX tickets_unit_id;
CREATE INDEX tickets_unit ON tickets (unit_id, category, completed_at);
DROP INDEX tickets_site_id;
