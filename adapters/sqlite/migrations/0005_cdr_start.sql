-- The CDR's utc, kept apart from start (which is derived: CDR utc, else the
-- capture start, else the upload start). Existing rows attached to a CDR
-- whose start differs from the upload start took it from the CDR's utc;
-- the others had none and now take the capture start when converted.

ALTER TABLE recordings ADD COLUMN cdr_start INTEGER NOT NULL DEFAULT 0;
UPDATE recordings SET cdr_start = start WHERE call_state = 'cdr' AND start <> upload_started;
UPDATE recordings SET start = capture_start WHERE cdr_start = 0 AND capture_start <> 0;
