package cdr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"
)

// A Listener hears about CDRs once they are durably stored, so that the
// recordings service can attach them to recordings of the same conference.
// It is called synchronously, before Ingest returns: it must be quick (queue
// the work) and safe for concurrent use.
type Listener interface {
	CDRsStored(ctx context.Context, confs []string)
}

// An Observer sees each CDR a Service newly stores (never a duplicate), in
// the order stored, before the Listener hears of their conferences: what it
// learns from them (such as the users a PBX names, see package
// recordings/directory) is in place when the recordings of those calls are
// correlated. It is called synchronously, before Ingest returns, so it must
// be quick and safe for concurrent use. added is valid only during the
// call; the CDRs in it share nothing with the Service.
type Observer interface {
	CDRsAdded(ctx context.Context, added []Entry)
}

// Options configure a Service. The zero value of each field means its
// default.
type Options struct {
	Logger   *slog.Logger     // default: discard
	Clock    func() time.Time // default: time.Now
	Limits   Limits           // parser limits
	Listener Listener         // default: none
	Observer Observer         // default: none
	// Batch is how many CDRs go to the Store in one PutIfAbsent; default 256.
	Batch int
}

// Service takes CDRs in and answers questions about them. It is safe for
// concurrent use if its Store and Listener are.
type Service struct {
	store    Store
	log      *slog.Logger
	now      func() time.Time
	lim      Limits
	listener Listener
	observer Observer
	batch    int
}

// NewService returns a Service storing CDRs in store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, log: opts.Logger, now: opts.Clock, lim: opts.Limits, listener: opts.Listener, observer: opts.Observer, batch: opts.Batch}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.batch <= 0 {
		s.batch = 256
	}
	return s
}

// IngestResult reports what Ingest did.
type IngestResult struct {
	CDRs       int      // <cdr> elements read
	Added      int      // newly stored
	Duplicates int      // already stored, or repeated in the body
	Keys       []Key    // key of every CDR read, in document order
	Confs      []string // distinct conferences of the added CDRs
}

// Ingest reads one body of CDRs from r (see Decoder), de-duplicates them and
// stores them durably before it returns, so the caller may acknowledge the
// body once err is nil.
//
// A body that is not well-formed fails with a *ParseError wrapping
// ErrMalformed (or ErrTooLarge, ErrLimit, ErrInvalid) that says where; the
// CDRs read before that point are stored anyway (so nothing readable is
// lost, and a re-sent body is de-duplicated) and counted in the result. A
// body without any <cdr> element fails with ErrNoCDR. A Store failure is
// returned as is: nothing is acknowledged and the sender may retry.
func (s *Service) Ingest(ctx context.Context, r io.Reader) (IngestResult, error) {
	var res IngestResult
	d := NewDecoder(r, s.lim)
	batch := make([]Entry, 0, min(s.batch, 64))
	received := s.now().UTC().Truncate(time.Millisecond)
	for {
		var c CDR
		perr := d.Decode(&c)
		if perr == nil {
			res.CDRs++
			res.Keys = append(res.Keys, c.Key)
			batch = append(batch, Entry{CDR: c, Received: received})
			if len(batch) < s.batch {
				continue
			}
		}
		if err := s.put(ctx, batch, &res); err != nil {
			return res, err
		}
		batch = batch[:0]
		switch {
		case perr == io.EOF && res.CDRs == 0:
			return res, ErrNoCDR
		case perr == io.EOF:
			s.log.Debug("CDRs ingested", "cdrs", res.CDRs, "added", res.Added, "duplicates", res.Duplicates)
			return res, nil
		case perr != nil:
			s.log.Warn("CDR body rejected", "error", perr, "stored_before_error", res.Added)
			return res, perr
		}
	}
}

// put stores batch and notifies the listener of the added CDRs.
func (s *Service) put(ctx context.Context, batch []Entry, res *IngestResult) error {
	if len(batch) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	added, err := s.store.PutIfAbsent(ctx, batch)
	if err != nil {
		return fmt.Errorf("cdr: storing %d CDRs: %w", len(batch), err)
	}
	if len(added) != len(batch) {
		return fmt.Errorf("cdr: store answered %d results for %d CDRs", len(added), len(batch))
	}
	var confs []string
	var observed []Entry
	for i, ok := range added {
		if !ok {
			res.Duplicates++
			continue
		}
		res.Added++
		if s.observer != nil {
			observed = append(observed, batch[i])
		}
		for _, conf := range batch[i].CDR.Confs() {
			if !slices.Contains(confs, conf) {
				confs = append(confs, conf)
			}
			if !slices.Contains(res.Confs, conf) {
				res.Confs = append(res.Confs, conf)
			}
		}
	}
	if len(observed) > 0 && s.observer != nil {
		s.observer.CDRsAdded(ctx, observed)
	}
	if len(confs) > 0 && s.listener != nil {
		s.listener.CDRsStored(ctx, confs)
	}
	return nil
}

// ByConf returns the stored CDRs of a conference (see Store.ByConf).
func (s *Service) ByConf(ctx context.Context, conf string) ([]CDR, error) {
	entries, err := s.store.ByConf(ctx, conf)
	if err != nil {
		return nil, err
	}
	out := make([]CDR, len(entries))
	for i := range entries {
		out[i] = entries[i].CDR
	}
	return out, nil
}

// Resolve correlates a recording with the stored CDRs of its conference
// (see the function Resolve). The recordings service calls it when an
// upload completes, when a Listener hears of new CDRs of the recording's
// conference, and once more before its wait for CDRs ends.
func (s *Service) Resolve(ctx context.Context, rec Recording, pol Policy) (CallInfo, error) {
	if rec.Conf == "" {
		return Resolve(rec, nil, pol), nil
	}
	cdrs, err := s.ByConf(ctx, rec.Conf)
	if err != nil {
		return CallInfo{}, err
	}
	return Resolve(rec, cdrs, pol), nil
}

// List returns stored CDRs newest first, for admins (see Store.List).
func (s *Service) List(ctx context.Context, q ListQuery) (Page, error) {
	return s.store.List(ctx, q)
}

// IsBadInput reports whether err from Ingest is the sender's fault (HTTP
// 4xx) rather than the service's.
func IsBadInput(err error) bool {
	return errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrLimit) ||
		errors.Is(err, ErrInvalid) || errors.Is(err, ErrNoCDR)
}
