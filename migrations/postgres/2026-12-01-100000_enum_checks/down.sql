ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE tickets DROP CONSTRAINT tickets_category_check;
ALTER TABLE complaints DROP CONSTRAINT complaints_subject_check;
ALTER TABLE complaints DROP CONSTRAINT complaints_root_cause_check;
ALTER TABLE standard_replies DROP CONSTRAINT standard_replies_subject_check;
