package auth

import (
	"slices"
	"sync"
	"time"
)

// LimiterOptions configure a Limiter; zero values mean the defaults.
type LimiterOptions struct {
	// Free is how many failures a key may have before it must wait
	// (default 5).
	Free int
	// Delay is the first wait after the free failures (default 1 s); each
	// further failure doubles it, up to MaxDelay (default 15 minutes).
	Delay, MaxDelay time.Duration
	// Forget drops a key this long after its last failure (default 1 hour).
	Forget time.Duration
	// MaxKeys bounds the memory: beyond it, the stalest keys are dropped
	// (default 100,000).
	MaxKeys int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Limiter counts failed password checks per key and says how long a key must
// wait before its next attempt. It is safe for concurrent use.
type Limiter struct {
	opts LimiterOptions
	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	count int
	last  time.Time // of the last failure
	until time.Time // no attempt before
}

// NewLimiter returns a Limiter.
func NewLimiter(opts LimiterOptions) *Limiter {
	if opts.Free <= 0 {
		opts.Free = 5
	}
	if opts.Delay <= 0 {
		opts.Delay = time.Second
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 15 * time.Minute
	}
	if opts.Forget <= 0 {
		opts.Forget = time.Hour
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Limiter{opts: opts, keys: make(map[string]*failures)}
}

// Allow reports whether key may try a password now, and if not, how long it
// must wait.
func (l *Limiter) Allow(key string) (wait time.Duration, ok bool) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.keys[key]
	if f == nil {
		return 0, true
	}
	if now.Sub(f.last) >= l.opts.Forget {
		delete(l.keys, key)
		return 0, true
	}
	if now.Before(f.until) {
		return f.until.Sub(now), false
	}
	return 0, true
}

// Fail records a failed attempt of key.
func (l *Limiter) Fail(key string) {
	now := l.opts.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.keys[key]
	if f == nil || now.Sub(f.last) >= l.opts.Forget {
		if len(l.keys) >= l.opts.MaxKeys {
			l.evict(now)
		}
		f = &failures{}
		l.keys[key] = f
	}
	f.count++
	f.last = now
	if over := f.count - l.opts.Free; over > 0 {
		d := l.opts.Delay
		for i := 1; i < over && d < l.opts.MaxDelay; i++ {
			d *= 2
		}
		f.until = now.Add(min(d, l.opts.MaxDelay))
	}
}

// Succeed forgets the failures of key.
func (l *Limiter) Succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

// evict drops forgotten keys, and if that is not enough, the keys whose last
// failure is the oldest (half of them, so eviction stays rare).
func (l *Limiter) evict(now time.Time) {
	for k, f := range l.keys {
		if now.Sub(f.last) >= l.opts.Forget {
			delete(l.keys, k)
		}
	}
	if len(l.keys) < l.opts.MaxKeys {
		return
	}
	times := make([]time.Time, 0, len(l.keys))
	for _, f := range l.keys {
		times = append(times, f.last)
	}
	slices.SortFunc(times, time.Time.Compare)
	cut := times[len(times)/2]
	for k, f := range l.keys {
		if !f.last.After(cut) {
			delete(l.keys, k)
		}
	}
}
