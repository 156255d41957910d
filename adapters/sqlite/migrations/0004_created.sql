-- A recording's creation for licensing: when its first upload completed.
-- A repeated upload moves upload_completed but never created. Existing
-- rows take their upload completion, the best that is known.

ALTER TABLE recordings ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
UPDATE recordings SET created = upload_completed;
