-- Indexes that match each list's filter and order (measured at 1 M tickets): lists read a
-- site's or a unit's records newest first, so each gets (site_id, id) or (unit_id, id) and
-- stops after one page instead of sorting every row; the boards count a site's records by
-- status through (site_id, status, created_at) without reading them.
CREATE INDEX tickets_site_id ON tickets (site_id, id);
DROP INDEX tickets_unit;
CREATE INDEX tickets_unit_id ON tickets (unit_id, id);
CREATE INDEX tickets_site_status ON tickets (site_id, status, created_at);
-- An engineer's work orders: the open work, soonest repair deadline first. The query names
-- these statuses literally (`tickets::repo::WORK_ORDER`), so the planner may use the index;
-- it replaces (status, fix_by), which sorted every open ticket of every status.
DROP INDEX tickets_status_fix_by;
CREATE INDEX tickets_work_orders ON tickets (fix_by, id)
    WHERE status IN ('dispatched', 'on_site', 'rework');

CREATE INDEX complaints_site_id ON complaints (site_id, id);
CREATE INDEX complaints_site_status ON complaints (site_id, status, created_at);
DROP INDEX complaints_complainant;
CREATE INDEX complaints_complainant ON complaints (complainant_id, id);
