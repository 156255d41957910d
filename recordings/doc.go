// Package recordings is the domain of the Recordings App: a Recording and
// its status machine, and the Service that ingests uploads durably, converts
// them with a bounded worker pool, answers queries and operations with
// authorisation decided here (not in HTTP handlers), applies retention,
// call information and the licence gate, and keeps the audit log, settings
// and trace levels.
//
// The package declares the interfaces the Service needs and adapters
// implement: Store (adapters/sqlite), BlobStore (adapters/fsblob), Converter
// (adapters/pcapconv, wrapping rtpcodec/convert), Clock and Tracer, and the
// seams to its neighbours: CallInfoResolver and DeviceDirectory (cdr;
// recordings/cdrinfo wires CDR correlation in, recordings/directory is the
// directory of users) and Licenser (licensing; recordings/licensegate
// wires the licence engine in).
// The conformance suites every Store and BlobStore runs are in
// recordings/recordingstest.
//
// # Durability
//
// Nothing a phone uploaded is lost. An upload is recorded before its body
// streams into a staged blob; a crash leaves that record behind, and Start
// turns it into a partial recording. A complete upload is fsynced, committed
// atomically, and recorded in the same transaction that queues its
// conversion job, before Ingest returns (so before the HTTP answer). Jobs
// left unfinished by a crash or shutdown resume at the next Start; a job
// that meets a storage error (a full disk, a failed commit) is retried with
// backoff, and only a capture that cannot be read fails its recording. The
// pcap is the source of truth and is never deleted by conversion; the WAV
// is derived and can be regenerated (Reconvert). An upload whose recording
// is deleted while it streams is kept all the same; an empty upload is a
// placeholder that stores nothing (WebDAV clients send one first).
//
// # Call information
//
// A recording is pending until call information from its CDRs attaches
// (CallInfoResolver; whichever of the recording and its CDRs comes second
// attaches). The CDR intake tells the Service of stored CDRs through
// CDRsStored (it is the intake's cdr.Listener), which queues their
// conferences without blocking or dropping any and correlates them on a
// goroutine of its own. The Service alone decides when the wait ends: Config.CDRWait
// after the upload completed, SweepCallInfo turns it NoCDR, owned by the
// user whose devices include its registration name (DeviceDirectory), if
// any. A name off the file-name grammar is NoCDR at once. A late CDR still
// attaches and clears NoCDR.
//
// Correlation is also repeated in the background, one pass at a time in
// pages of 100 and traced under CallInfo (RecorrelateCallInfo): at Start
// for the pending, NoCDR and ownerless recordings, whose CDR may have been
// stored just before a crash without reaching them, or whose owner became
// known while the service was down; and for every recording when the
// PBX name changes, since that decides which CDRs count (only that PBX's
// once a name is set, every PBX's while none is). A recording whose CDRs no
// longer count loses its call information and is pending or NoCDR again.
// The recordings without an owner are correlated again when whoever keeps
// the directory of users asks (RequestRecorrelation with ScopeOwnerless:
// the server does when its directory learns a user), since a CDR may have
// named a user unknown when it arrived, or a NoCDR recording's device may
// now be a user's (who then owns it). Requests made during a pass
// coalesce into one more pass. This lives here rather than in the
// directory because it is a pass over the service's recordings, the same
// one the PBX name and Start ask for.
//
// # Visibility
//
// Admins see every recording; unlicensed ones are marked and their media
// refused with the code Unlicensed. A user sees only recordings they own
// that are licensed: anything else answers NotFound, exactly as a missing
// recording does. Pending recordings (no CDR yet) have no owner, so only
// admins see them.
//
// # Audit log
//
// Every listen, download, protect, unprotect, delete, note, setting change,
// retention or licence deletion, upload and discarded or empty upload is an
// AuditEntry (actor, time, recording, and its reader). A user reads exactly
// the entries about the recordings they own now: when call information
// changes a recording's owner, its entries move to the new owner in the
// same transaction (the upload entry included), and the previous owner no
// longer reads anything about it; the entries of a deleted recording stay
// with its last owner. Admins read every entry. One playback is one listen:
// the many range requests of an audio player within Config.ListenSession of
// each other are audited once.
//
// # Errors
//
// Every error the Service returns carries a Code (ErrorCode); the HTTP layer
// maps codes to statuses and shows ErrorMessage, never the cause.
package recordings
