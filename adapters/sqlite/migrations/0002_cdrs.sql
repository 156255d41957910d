-- CDRs of the PBX (package cdr). Each row keeps the exact XML of one <cdr>
-- element as received, unique by its de-duplication key ("id:..." or
-- "sha256:..."); seq is the insertion order (the admin list's cursor).
-- cdr_confs indexes every conference GUID (lower case) of a CDR's events,
-- not only the first: a transfer adds one. Times are Unix nanoseconds.

CREATE TABLE cdrs (
	seq      INTEGER PRIMARY KEY AUTOINCREMENT,
	key      TEXT NOT NULL UNIQUE,
	received INTEGER NOT NULL,
	pbx      TEXT NOT NULL DEFAULT '',
	utc      INTEGER NOT NULL DEFAULT 0,
	raw      BLOB NOT NULL
);

CREATE TABLE cdr_confs (
	conf TEXT NOT NULL,
	cdr  INTEGER NOT NULL REFERENCES cdrs (seq) ON DELETE CASCADE,
	PRIMARY KEY (conf, cdr)
) WITHOUT ROWID;
