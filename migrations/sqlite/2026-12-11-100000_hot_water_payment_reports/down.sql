DROP TABLE hot_water_refused_reports;
DROP TRIGGER hot_water_entries_no_replace_reference;
DROP TRIGGER hot_water_entries_no_replace;
CREATE TRIGGER hot_water_entries_no_replace BEFORE INSERT ON hot_water_entries
WHEN EXISTS (SELECT 1 FROM hot_water_entries WHERE id = NEW.id)
    OR EXISTS (SELECT 1 FROM hot_water_entries
               WHERE site_id = NEW.site_id AND receipt_number = NEW.receipt_number)
BEGIN
    SELECT RAISE(ABORT, 'hot-water entries are append-only: record a reversing entry');
END;
DROP INDEX hot_water_entries_provider_reference;
ALTER TABLE hot_water_entries DROP COLUMN provider_reference;
ALTER TABLE api_keys DROP COLUMN signing_secret;
ALTER TABLE api_key_permissions RENAME TO api_key_permissions_new;
CREATE TABLE api_key_permissions (
    api_key_id BIGINT NOT NULL REFERENCES api_keys (id),
    permission TEXT NOT NULL CHECK (permission IN (
        'directory_read', 'tickets_read', 'tickets_write', 'complaints_read',
        'complaints_write', 'keys_read')),
    PRIMARY KEY (api_key_id, permission)
);
INSERT INTO api_key_permissions (api_key_id, permission)
    SELECT api_key_id, permission FROM api_key_permissions_new
    WHERE permission <> 'hot_water_payments';
DROP TABLE api_key_permissions_new;
