package recordings

import (
	"sync/atomic"
	"time"
)

// Stats are counters of the service since it was made, for metrics (the
// server exports them to Prometheus).
type Stats struct {
	Uploads        int64 // uploads stored (complete or partial)
	PartialUploads int64 // of those, cut short
	UploadBytes    int64 // bytes of the uploads stored
	UploadsRefused int64 // refused: name, size limit, full disk, storage errors
	Conversions    int64 // conversions that ended ready
	Failures       int64 // conversions that ended failed
	// ConversionTime is the time spent in conversions that ended (ready
	// or failed).
	ConversionTime time.Duration
	Queued         int // conversion jobs waiting for a worker
	Running        int // conversions in progress
}

// counters are the service's Stats, updated atomically.
type counters struct {
	uploads, partial, bytes, refused, conversions, failures, convNanos atomic.Int64
}

// Stats returns the counters and the queue's depth now.
func (s *Service) Stats() Stats {
	q, r := s.queue.depth()
	return Stats{
		Uploads: s.stats.uploads.Load(), PartialUploads: s.stats.partial.Load(), UploadBytes: s.stats.bytes.Load(),
		UploadsRefused: s.stats.refused.Load(), Conversions: s.stats.conversions.Load(), Failures: s.stats.failures.Load(),
		ConversionTime: time.Duration(s.stats.convNanos.Load()), Queued: q, Running: r,
	}
}

func (q *jobQueue) depth() (queued, running int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order), len(q.running)
}
