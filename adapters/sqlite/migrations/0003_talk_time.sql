-- The talk time of a call by its CDR (first connect to first release of
-- the owner's leg), in nanoseconds; 0 without a CDR.

ALTER TABLE recordings ADD COLUMN talk_time_ns INTEGER NOT NULL DEFAULT 0;
