package recordings

import (
	"context"
	"io"
	"time"
)

// Store persists recordings, their jobs, uploads in flight, notes, the audit
// log and settings. Implementations: adapters/sqlite (and later PostgreSQL);
// every one runs recordingstest.TestStore.
//
// A Store is safe for concurrent use.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed durably when fn
	// returns nil and rolled back otherwise. fn may run more than once (a
	// busy database is retried), so it must do nothing but use the Tx.
	Update(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction of a Store. It is not safe for concurrent use and
// is valid only inside the function it was passed to. Errors about missing
// rows carry the code NotFound; a second row with the same file name,
// Conflict.
type Tx interface {
	// Recording returns the recording with the given id.
	Recording(id string) (*Recording, error)
	// RecordingByFileName returns the recording uploaded under name.
	RecordingByFileName(name string) (*Recording, error)
	// PutRecording inserts r, or replaces the recording with its ID.
	PutRecording(r *Recording) error
	// DeleteRecording deletes the recording with its notes and job.
	// Uploads in flight and audit entries stay.
	DeleteRecording(id string) error
	// Recordings returns at most q.Limit recordings matching q, newest
	// Start first (ties: greater ID first), after q.After.
	Recordings(q Query) ([]*Recording, error)

	// PutJob queues a conversion of j.RecordingID (one per recording: a
	// second replaces the first).
	PutJob(j Job) error
	// DeleteJob removes the job of a recording; a missing one is no error.
	DeleteJob(recordingID string) error
	// Jobs returns every queued job, oldest first.
	Jobs() ([]Job, error)

	// PutUpload records an upload in flight.
	PutUpload(u Upload) error
	// DeleteUpload removes it; a missing one is no error.
	DeleteUpload(id string) error
	// Uploads returns every upload in flight, oldest first.
	Uploads() ([]Upload, error)

	// AddNote stores n and sets n.ID.
	AddNote(n *Note) error
	// Notes returns the notes of a recording, oldest first.
	Notes(recordingID string) ([]Note, error)

	// AppendAudit stores e and sets e.ID (increasing).
	AppendAudit(e *AuditEntry) error
	// Audit returns at most q.Limit entries matching q, newest first.
	Audit(q AuditQuery) ([]AuditEntry, error)
	// SetAuditOwner makes owner the reader (AuditEntry.Owner) of every
	// entry about recordingID; nothing else of an entry ever changes.
	SetAuditOwner(recordingID, owner string) error

	// Setting returns the value stored under key, and whether there is one.
	Setting(key string) (string, bool, error)
	// PutSetting stores value under key.
	PutSetting(key, value string) error
}

// Query selects recordings. Zero fields do not filter.
type Query struct {
	Owner       *string   // exactly this owner ("" = nobody)
	Text        string    // substring of file name, owner, remote name or number, registration name
	From, To    time.Time // Start in [From, To)
	Direction   Direction
	MinDuration time.Duration
	MaxDuration time.Duration
	Status      Status
	CallState   CallState
	GUID        string // conference GUID, lower case
	Protected   *bool
	// ExcludeUnlicensed leaves out recordings whose owner holds no licence.
	ExcludeUnlicensed bool
	// CompletedBefore selects recordings whose upload completed before it.
	CompletedBefore time.Time
	// After continues a listing after the recording it names.
	After *Cursor
	// Limit is the most recordings returned; 0 means 50.
	Limit int
}

// Cursor is a position in the listing order (Start descending, then ID
// descending).
type Cursor struct {
	Start time.Time
	ID    string
}

// AuditQuery selects audit entries. Zero fields do not filter.
type AuditQuery struct {
	RecordingID string
	Owner       *string // entries whose reader (AuditEntry.Owner) is this owner
	Before      int64   // entries with ID < Before (a cursor); 0 = from the newest
	Limit       int     // 0 means 50
}

// BlobStore holds the pcap and WAV blobs. Keys are relative slash-separated
// paths of [a-z0-9._-] segments. Implementations: adapters/fsblob (and later
// S3); every one runs recordingstest.TestBlobStore.
//
// A missing blob satisfies errors.Is(err, fs.ErrNotExist) in every
// implementation. A BlobStore is safe for concurrent use; a BlobWriter or
// Blob is not.
type BlobStore interface {
	// Create starts writing the blob key. Nothing is visible under key until
	// Commit; an existing blob stays readable until then and is replaced
	// atomically.
	Create(ctx context.Context, key string) (BlobWriter, error)
	// Open opens the blob key for reading.
	Open(ctx context.Context, key string) (Blob, error)
	// Delete removes the blob key; a missing blob is no error.
	Delete(ctx context.Context, key string) error
}

// BlobWriter streams one blob. Exactly one of Commit or Abort ends it.
type BlobWriter interface {
	io.Writer
	// Commit makes the data durable (fsync) and visible under the key
	// atomically, and returns its size and hash.
	Commit() (BlobInfo, error)
	// Abort discards the data.
	Abort() error
}

// BlobRecoverer is the optional power of a BlobStore whose writers survive
// a crash: Recover commits whatever a writer for key had written when the
// process died (neither committed nor aborted). It returns an error
// satisfying errors.Is(err, fs.ErrNotExist) when nothing is staged.
type BlobRecoverer interface {
	Recover(ctx context.Context, key string) (BlobInfo, error)
}

// Blob is a blob opened for reading. It is an io.ReadSeeker, so the HTTP
// layer can serve byte ranges with http.ServeContent.
type Blob interface {
	io.ReadSeekCloser
	// Size is the blob's length in bytes.
	Size() int64
}

// BlobInfo describes a committed blob.
type BlobInfo struct {
	Size   int64
	SHA256 string // hex
}

// Clock tells the time; tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// Converter turns a pcap into a WAV (adapters/pcapconv wraps the
// rtpcodec/convert pipeline). It is called from several workers at once and
// must be safe for concurrent use.
//
// A pcap that is cut short (a partial upload) converts as far as it can be
// read: the Converter returns its Media without an error, with a warning. An
// error means no usable audio; the recording is then failed with the error's
// text as the reason.
type Converter interface {
	Convert(ctx context.Context, src io.ReadSeeker, dst io.WriteSeeker) (Media, error)
}
