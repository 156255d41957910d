package recordings_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/f0fce437/callrec/adapters/fsblob"
	"github.com/f0fce437/callrec/adapters/sqlite"
	"github.com/f0fce437/callrec/recordings"
	"github.com/f0fce437/callrec/recordings/recordingstest"
	"github.com/stretchr/testify/require"
)

var (
	admin = recordings.Actor{Name: "root", Role: recordings.RoleAdmin}
	alice = recordings.Actor{Name: "alice", Role: recordings.RoleUser}
	bob   = recordings.Actor{Name: "bob", Role: recordings.RoleUser}
	t0    = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
)

// env is a service on real SQLite and files in a temporary directory.
type env struct {
	dir   string
	db    *sqlite.DB
	blobs recordings.BlobStore
	clock *recordingstest.Clock
	conv  *recordingstest.Converter
	svc   *recordings.Service
	cfg   recordings.Config
}

func newEnv(t *testing.T, mod ...func(*recordings.Config)) *env {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "callrec.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	fs, err := fsblob.New(filepath.Join(dir, "files"))
	require.NoError(t, err)
	e := &env{dir: dir, db: db, blobs: fs, clock: recordingstest.NewClock(t0), conv: &recordingstest.Converter{}}
	e.cfg = recordings.Config{Store: db, Blobs: fs, Converter: e.conv, Clock: e.clock, Workers: 2,
		Tracer: recordings.NewTracing(slog.DiscardHandler)}
	for _, m := range mod {
		m(&e.cfg)
	}
	e.start(t)
	return e
}

// start (re)starts the service on the env's store and blobs.
func (e *env) start(t *testing.T) {
	t.Helper()
	svc, err := recordings.New(e.cfg)
	require.NoError(t, err)
	require.NoError(t, svc.Start(context.Background()))
	t.Cleanup(func() { svc.Close() })
	e.svc = svc
}

func (e *env) idle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, e.svc.WaitIdle(ctx))
}

func pcap(t *testing.T, packets int) []byte {
	t.Helper()
	var b bytes.Buffer
	_, err := recordingstest.WritePCAP(&b, t0.Add(-time.Hour), packets)
	require.NoError(t, err)
	return b.Bytes()
}

// callPCAP is an innovaphone-style G.711 call for the real pipeline.
func callPCAP(t *testing.T, length time.Duration) []byte {
	t.Helper()
	return recordingstest.CallPCAPBytes(t, length, 3)
}

// ingest uploads data under name and waits for its conversion.
func (e *env) ingest(t *testing.T, name string, data []byte) *recordings.Recording {
	t.Helper()
	r, err := e.svc.Ingest(context.Background(), name, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	e.idle(t)
	got, err := e.svc.Get(context.Background(), admin, r.ID)
	require.NoError(t, err)
	return got
}

func code(err error) recordings.Code { return recordings.ErrorCode(err) }

// brokenReader yields data, then fails as a client that went away.
type brokenReader struct {
	r   io.Reader
	err error
}

func (b *brokenReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

// resolver is a CallInfoResolver holding call info by conference GUID, as
// the cdr package's would after CDRs arrived.
type resolver struct {
	mu    sync.Mutex
	calls map[string]recordings.CallInfo
}

func (r *resolver) set(guid string, info recordings.CallInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]recordings.CallInfo{}
	}
	r.calls[guid] = info
}

func (r *resolver) Resolve(_ context.Context, f recordings.RecordingFacts) (recordings.CallInfo, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	info, ok := r.calls[f.Name.GUID]
	return info, ok, nil
}

// devices maps registration names to users.
type devices map[string]string

func (d devices) UserByDevice(_ context.Context, reg string) (string, bool, error) {
	u, ok := d[reg]
	return u, ok, nil
}

// licenser is a minimal licence engine for the gate's tests: the owners in
// licensed hold a licence, every other owner's recordings are unlicensed,
// and recordings listed in due are deleted when time passes.
type licenser struct {
	mu       sync.Mutex
	licensed map[string]bool
	due      []string
	events   []recordings.LicenseEvent
}

func (l *licenser) Observe(_ time.Time, ev recordings.LicenseEvent) (recordings.LicenseDecisions, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
	if ev.Kind == recordings.LicenseDeleted || ev.Owner == "" {
		return recordings.LicenseDecisions{}, nil
	}
	return recordings.LicenseDecisions{Access: []recordings.AccessChange{{RecordingID: ev.RecordingID, Accessible: l.licensed[ev.Owner]}}}, nil
}

func (l *licenser) Due(time.Time) recordings.LicenseDecisions {
	l.mu.Lock()
	defer l.mu.Unlock()
	d := recordings.LicenseDecisions{Delete: l.due}
	l.due = nil
	return d
}

func (l *licenser) Snapshot() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return json.Marshal(l.licensed)
}
