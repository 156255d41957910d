package recordings

import (
	"context"
	"sync"
)

// arrivalQueue holds the conference GUIDs whose CDRs were stored and whose
// recordings are not correlated yet. It drops nothing (a CDR is stored
// once, so a lost notification would leave its recording unattached) and
// never blocks the intake; a GUID waiting already is not queued twice,
// which bounds it by the calls whose CDRs arrive faster than they are
// correlated. It is safe for concurrent use.
type arrivalQueue struct {
	mu      sync.Mutex
	waiting map[string]bool
	order   []string
	closed  bool
	wake    chan struct{} // capacity 1: work or close since the last take
}

func newArrivalQueue() *arrivalQueue {
	return &arrivalQueue{waiting: map[string]bool{}, wake: make(chan struct{}, 1)}
}

func (a *arrivalQueue) push(guids []string) {
	a.mu.Lock()
	for _, g := range guids {
		if !a.waiting[g] {
			a.waiting[g] = true
			a.order = append(a.order, g)
		}
	}
	a.mu.Unlock()
	a.signal()
}

func (a *arrivalQueue) signal() {
	select {
	case a.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// close ends take once the queue is empty.
func (a *arrivalQueue) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.signal()
}

// take waits for queued GUIDs and returns them all, oldest first; ok is
// false once the queue is closed and empty.
func (a *arrivalQueue) take() (guids []string, ok bool) {
	for {
		a.mu.Lock()
		guids, a.order = a.order, nil
		clear(a.waiting)
		closed := a.closed
		a.mu.Unlock()
		if len(guids) > 0 {
			return guids, true
		}
		if closed {
			return nil, false
		}
		<-a.wake
	}
}

// CDRsStored queues the conference GUIDs whose CDRs were stored and
// returns at once: the Service correlates their recordings
// (CallInfoArrived) on a goroutine of its own, oldest first, so the CDR
// intake never waits for correlation. It is the cdr.Listener of the
// intake. GUIDs queued before Start wait for it; those queued when Close is
// called are correlated before Close returns. Safe for concurrent use.
func (s *Service) CDRsStored(_ context.Context, guids []string) { s.arrivals.push(guids) }

// forwardArrivals correlates the queued conferences until the queue is
// closed and drained. It uses a context of its own, so that Close drains.
func (s *Service) forwardArrivals() {
	for {
		guids, ok := s.arrivals.take()
		if !ok {
			return
		}
		if err := s.CallInfoArrived(context.Background(), guids...); err != nil {
			s.logCall.Error("attaching CDRs", "confs", len(guids), "err", err)
		}
	}
}
