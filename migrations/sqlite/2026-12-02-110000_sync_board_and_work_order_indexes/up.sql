-- Indexes the benchmark at 1 M tickets asked for (issue 11), after the first ones.
-- The `updated_since` sync reads what changed on a site since the device last synced: a
-- range of this index, sorted by id (`tickets::repo::one_page`), instead of walking the
-- site's tickets newest first until enough of them happen to have changed.
CREATE INDEX tickets_site_updated ON tickets (site_id, updated_at);
-- The board's "completed that day" and the monthly costs (R-TKT-14) read a site's tickets
-- completed in a period; without this they read every ticket of the site.
CREATE INDEX tickets_site_completed ON tickets (site_id, completed_at);
-- An engineer's work orders are read per site: the site's open work in deadline order. The
-- company-wide (fix_by, id) scanned every site's open work for each engineer.
DROP INDEX tickets_work_orders;
CREATE INDEX tickets_work_orders ON tickets (site_id, fix_by, id)
    WHERE status IN ('dispatched', 'on_site', 'rework');
