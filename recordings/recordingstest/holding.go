package recordingstest

import (
	"context"
	"sync"

	"github.com/f0fce437/callrec/recordings"
)

// HoldingStore is a recordings.Store whose next Update after Arm is held
// until Release: before its transaction runs (a slow transaction), or, with
// afterCommit, once it committed (the change is stored, what its caller
// does next not yet). Tests use it to force an interleaving of concurrent
// service calls without timing. It is safe for concurrent use.
type HoldingStore struct {
	recordings.Store
	afterCommit bool
	mu          sync.Mutex
	armed       bool
	held        chan struct{}
	release     chan struct{}
}

// NewHoldingStore wraps s.
func NewHoldingStore(s recordings.Store, afterCommit bool) *HoldingStore {
	return &HoldingStore{Store: s, afterCommit: afterCommit, held: make(chan struct{}), release: make(chan struct{})}
}

// Arm holds the next Update. It takes effect once.
func (s *HoldingStore) Arm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = true
}

// Held is closed when the armed Update is being held.
func (s *HoldingStore) Held() <-chan struct{} { return s.held }

// Release lets the held Update go on. Call it once.
func (s *HoldingStore) Release() { close(s.release) }

// Update runs fn as the wrapped store does, held if armed.
func (s *HoldingStore) Update(ctx context.Context, fn func(recordings.Tx) error) error {
	s.mu.Lock()
	hold := s.armed
	s.armed = false
	s.mu.Unlock()
	if hold && !s.afterCommit {
		s.wait()
	}
	err := s.Store.Update(ctx, fn)
	if hold && s.afterCommit {
		s.wait()
	}
	return err
}

func (s *HoldingStore) wait() {
	close(s.held)
	<-s.release
}
