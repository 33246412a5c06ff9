DROP INDEX tickets_site_updated;
DROP INDEX tickets_site_completed;
