DROP INDEX tickets_work_orders;
CREATE INDEX tickets_work_orders ON tickets (fix_by, id)
    WHERE status IN ('dispatched', 'on_site', 'rework');
DROP INDEX tickets_site_completed;
DROP INDEX tickets_site_updated;
