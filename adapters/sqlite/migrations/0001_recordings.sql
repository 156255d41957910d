-- Recordings, their conversion jobs, uploads in flight, notes, the audit log
-- and settings. Times are Unix nanoseconds (0 = none).

CREATE TABLE recordings (
	id               TEXT PRIMARY KEY,
	file_name        TEXT NOT NULL UNIQUE,
	name_valid       INTEGER NOT NULL DEFAULT 0,
	guid             TEXT NOT NULL DEFAULT '',
	mac              TEXT NOT NULL DEFAULT '',
	serial           INTEGER NOT NULL DEFAULT 0,
	reg_name         TEXT NOT NULL DEFAULT '',
	upload_started   INTEGER NOT NULL DEFAULT 0,
	upload_completed INTEGER NOT NULL DEFAULT 0,
	pcap_key         TEXT NOT NULL DEFAULT '',
	pcap_size        INTEGER NOT NULL DEFAULT 0,
	pcap_sha256      TEXT NOT NULL DEFAULT '',
	wav_key          TEXT NOT NULL DEFAULT '',
	wav_size         INTEGER NOT NULL DEFAULT 0,
	wav_sha256       TEXT NOT NULL DEFAULT '',
	partial          INTEGER NOT NULL DEFAULT 0,
	status           TEXT NOT NULL,
	failure          TEXT NOT NULL DEFAULT '',
	codecs           TEXT NOT NULL DEFAULT '[]',
	duration_ns      INTEGER NOT NULL DEFAULT 0,
	stats            TEXT NOT NULL DEFAULT '[]',
	streams          TEXT NOT NULL DEFAULT '',
	warnings         TEXT NOT NULL DEFAULT '[]',
	capture_start    INTEGER NOT NULL DEFAULT 0,
	call_state       TEXT NOT NULL,
	owner            TEXT NOT NULL DEFAULT '',
	owner_set        INTEGER NOT NULL DEFAULT 0,
	remote_name      TEXT NOT NULL DEFAULT '',
	remote_number    TEXT NOT NULL DEFAULT '',
	direction        TEXT NOT NULL DEFAULT '',
	external         INTEGER NOT NULL DEFAULT 0,
	start            INTEGER NOT NULL DEFAULT 0,
	cdr_ref          TEXT NOT NULL DEFAULT '',
	protected        INTEGER NOT NULL DEFAULT 0,
	unlicensed       INTEGER NOT NULL DEFAULT 0
);
-- The listing order, for admins and for one owner (the user app).
CREATE INDEX recordings_start ON recordings (start DESC, id DESC);
CREATE INDEX recordings_owner_start ON recordings (owner, start DESC, id DESC);
-- CDR correlation by conference GUID, and the NoCDR sweep.
CREATE INDEX recordings_guid ON recordings (guid);
CREATE INDEX recordings_call_state ON recordings (call_state, upload_completed);

CREATE TABLE jobs (
	recording_id TEXT PRIMARY KEY,
	created      INTEGER NOT NULL
);

CREATE TABLE uploads (
	id           TEXT PRIMARY KEY,
	recording_id TEXT NOT NULL,
	file_name    TEXT NOT NULL,
	blob_key     TEXT NOT NULL,
	started      INTEGER NOT NULL
);

CREATE TABLE notes (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	recording_id TEXT NOT NULL,
	author       TEXT NOT NULL,
	time         INTEGER NOT NULL,
	text         TEXT NOT NULL
);
CREATE INDEX notes_recording ON notes (recording_id, id);

CREATE TABLE audit (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	time         INTEGER NOT NULL,
	actor        TEXT NOT NULL,
	action       TEXT NOT NULL,
	recording_id TEXT NOT NULL DEFAULT '',
	owner        TEXT NOT NULL DEFAULT '',
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_owner ON audit (owner, id);
CREATE INDEX audit_recording ON audit (recording_id, id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
