package recordings

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultMaxUploadSize     = 2 << 30 // 2 GiB
	DefaultCDRWait           = 10 * time.Minute
	DefaultRetentionInterval = time.Hour
	DefaultCallInfoInterval  = time.Minute
	DefaultListenSession     = 10 * time.Minute
	DefaultRetryBackoff      = time.Second
	DefaultMaxRetryBackoff   = 5 * time.Minute
)

// Config configures a Service. Store, Blobs and Converter are required; zero
// values of the others mean their defaults.
type Config struct {
	Store     Store
	Blobs     BlobStore
	Converter Converter

	Clock  Clock  // default: the system clock
	Tracer Tracer // default: NewTracing(nil)

	// Workers is the number of conversions run at once (default: the
	// number of CPUs).
	Workers int
	// MaxUploadSize refuses uploads larger than this many bytes (default
	// 2 GiB).
	MaxUploadSize int64
	// CDRWait is how long after its upload completed a recording waits for
	// its CDR before it shows NoCDR (default 10 minutes).
	CDRWait time.Duration
	// RetentionInterval is how often retention and licence deletions run
	// (default 1 hour). CallInfoInterval is how often the NoCDR sweep runs
	// (default 1 minute).
	RetentionInterval time.Duration
	CallInfoInterval  time.Duration
	// ListenSession is how long one playback lasts after its last request
	// (default 10 minutes): a player's range requests within it are one
	// listen, audited once (see Open).
	ListenSession time.Duration
	// RetryBackoff is the first wait before a conversion job that met a
	// storage error (a full disk, a database error) runs again (default
	// 1 s); it doubles with each error in a row up to MaxRetryBackoff
	// (default 5 minutes).
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration

	// Resolver finds call information from CDRs; nil: every recording ends
	// NoCDR after CDRWait.
	Resolver CallInfoResolver
	// Devices maps registration names to users for NoCDR recordings; nil:
	// they stay without owner.
	Devices DeviceDirectory
	// Licenser gates access; nil: every recording is accessible.
	Licenser Licenser
}

// Service is the recordings domain: durable ingest, conversion jobs,
// queries and operations with authorisation, retention, call information,
// licence gating, audit log, settings and trace levels.
//
// Its methods are safe for concurrent use. Start it before use (it recovers
// interrupted uploads and resumes conversion jobs) and Close it at the end.
type Service struct {
	store    Store
	blobs    BlobStore
	conv     Converter
	clock    Clock
	tracer   Tracer
	resolver CallInfoResolver
	devices  DeviceDirectory
	lic      Licenser

	workers           int
	maxUpload         int64
	cdrWait           time.Duration
	retentionInterval time.Duration
	callInfoInterval  time.Duration
	retryBackoff      time.Duration
	maxRetryBackoff   time.Duration

	logRec, logConv, logCall, logLic, logUI *slog.Logger

	stats   counters
	listens playbacks
	nameMu  sync.Mutex // serialises the start of uploads, so one name gets one recording
	queue   *jobQueue
	recorr  recorrelator
	// arrivals are the conferences whose CDRs arrived (CDRsStored).
	arrivals *arrivalQueue
	licMu    sync.Mutex // orders calls of the licence engine with the storing of their decisions (UpdateLicensing)

	runMu  sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// New returns a Service. It does no I/O; call Start.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Blobs == nil || cfg.Converter == nil {
		return nil, errors.New("recordings: Config needs Store, Blobs and Converter")
	}
	s := &Service{
		store: cfg.Store, blobs: cfg.Blobs, conv: cfg.Converter,
		clock: cfg.Clock, tracer: cfg.Tracer,
		resolver: cfg.Resolver, devices: cfg.Devices, lic: cfg.Licenser,
		workers: cfg.Workers, maxUpload: cfg.MaxUploadSize, cdrWait: cfg.CDRWait,
		retentionInterval: cfg.RetentionInterval, callInfoInterval: cfg.CallInfoInterval,
		queue: newJobQueue(), arrivals: newArrivalQueue(),
	}
	s.recorr.wake = make(chan struct{}, 1)
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.tracer == nil {
		s.tracer = NewTracing(nil)
	}
	if s.workers <= 0 {
		s.workers = runtime.NumCPU()
	}
	if s.maxUpload <= 0 {
		s.maxUpload = DefaultMaxUploadSize
	}
	if s.cdrWait <= 0 {
		s.cdrWait = DefaultCDRWait
	}
	if s.retentionInterval <= 0 {
		s.retentionInterval = DefaultRetentionInterval
	}
	if s.callInfoInterval <= 0 {
		s.callInfoInterval = DefaultCallInfoInterval
	}
	s.retryBackoff, s.maxRetryBackoff = cfg.RetryBackoff, cfg.MaxRetryBackoff
	if s.retryBackoff <= 0 {
		s.retryBackoff = DefaultRetryBackoff
	}
	if s.maxRetryBackoff < s.retryBackoff {
		s.maxRetryBackoff = max(DefaultMaxRetryBackoff, s.retryBackoff)
	}
	s.listens.session = cfg.ListenSession
	if s.listens.session <= 0 {
		s.listens.session = DefaultListenSession
	}
	s.logRec = s.tracer.Logger(TraceRecording)
	s.logConv = s.tracer.Logger(TraceConverting)
	s.logCall = s.tracer.Logger(TraceCallInfo)
	s.logLic = s.tracer.Logger(TraceLicense)
	s.logUI = s.tracer.Logger(TraceUI)
	return s, nil
}

// Start applies the persisted trace levels, recovers the uploads a crash
// interrupted (kept as partial recordings), queues every unfinished
// conversion job, starts the worker pool and the periodic sweeps, and
// correlates the pending, NoCDR and ownerless recordings with the stored
// CDRs again in the background (ScopeUnattached; WaitRecorrelation). The
// goroutines run until Close.
func (s *Service) Start(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.cancel != nil {
		return errors.New("recordings: Service started twice")
	}
	if err := s.applyTraceLevels(ctx); err != nil {
		return err
	}
	if err := s.startLicensing(ctx); err != nil {
		return err
	}
	if err := s.recoverUploads(ctx); err != nil {
		return err
	}
	var jobs []Job
	if err := s.store.View(ctx, func(tx Tx) error {
		var err error
		jobs, err = tx.Jobs()
		return err
	}); err != nil {
		return fmt.Errorf("recordings: loading jobs: %w", err)
	}
	for _, j := range jobs {
		s.queue.push(j.RecordingID)
	}
	if len(jobs) > 0 {
		s.logConv.Info("resuming conversion jobs", "jobs", len(jobs))
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	for range s.workers {
		s.wg.Go(func() { s.work(runCtx) })
	}
	s.wg.Go(func() {
		s.every(runCtx, s.retentionInterval, func(ctx context.Context) { _, _ = s.SweepRetention(ctx) })
	})
	s.wg.Go(func() { s.every(runCtx, s.callInfoInterval, func(ctx context.Context) { _, _ = s.SweepCallInfo(ctx) }) })
	// A crash between storing a CDR and handing it to the service leaves
	// its recording unattached: correlate those again, in the background.
	s.wg.Go(func() { s.recorrelateLoop(runCtx) })
	s.RequestRecorrelation(ScopeUnattached)
	s.wg.Go(s.forwardArrivals)
	return nil
}

// Close stops the workers and sweeps and waits for them. A conversion in
// progress is abandoned; its job stays queued and resumes at the next Start.
// The conferences CDRsStored queued are correlated first.
func (s *Service) Close() error {
	s.runMu.Lock()
	cancel := s.cancel
	s.runMu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	s.queue.close()
	s.arrivals.close()
	s.wg.Wait()
	return nil
}

// WaitIdle blocks until no conversion job is queued or running, or ctx ends.
func (s *Service) WaitIdle(ctx context.Context) error {
	return s.queue.waitIdle(ctx)
}

func (s *Service) every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}

// newID returns 16 random bytes in hex: ids of recordings and uploads.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// audit appends an entry in tx.
func (s *Service) audit(tx Tx, a Actor, action Action, r *Recording, detail string) error {
	e := &AuditEntry{Time: s.clock.Now().UTC(), Actor: a.Name, Action: action, Detail: detail}
	if r != nil {
		e.RecordingID, e.Owner = r.ID, r.Owner
	}
	return tx.AppendAudit(e)
}

// internal wraps a storage error for callers, keeping domain errors as they
// are.
func internal(err error, msg string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return Wrap(err, ErrorCode(err), msg) // Internal, or InsufficientStorage for a full disk
}
