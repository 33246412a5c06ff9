DROP TABLE hot_water_refused_reports;
DROP INDEX hot_water_entries_provider_reference;
ALTER TABLE hot_water_entries DROP COLUMN provider_reference;
ALTER TABLE api_keys DROP COLUMN signing_secret;
DELETE FROM api_key_permissions WHERE permission = 'hot_water_payments';
ALTER TABLE api_key_permissions DROP CONSTRAINT api_key_permissions_permission_check;
ALTER TABLE api_key_permissions ADD CONSTRAINT api_key_permissions_permission_check CHECK (
    permission IN (
        'directory_read', 'tickets_read', 'tickets_write', 'complaints_read',
        'complaints_write', 'keys_read'));
