package recordings

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// Category is a trace category: a part of the app whose log level an admin
// sets at run time.
type Category string

// Trace categories.
const (
	TraceRecording  Category = "Recording"  // the PCAP interface: uploads
	TraceCallInfo   Category = "CallInfo"   // CDRs and correlation
	TraceConverting Category = "Converting" // conversion jobs
	TraceLicense    Category = "License"    // licensing decisions
	TraceUI         Category = "UI"         // the apps and the REST API
)

// Categories returns every trace category in a stable order.
func Categories() []Category {
	return []Category{TraceRecording, TraceCallInfo, TraceConverting, TraceLicense, TraceUI}
}

// Tracer hands out one logger per category.
type Tracer interface {
	Logger(c Category) *slog.Logger
}

// LevelSetter is the optional power of a Tracer whose levels change at run
// time; the service persists the levels and applies them through it.
type LevelSetter interface {
	SetLevel(c Category, l slog.Level)
}

// Tracing is the Tracer on log/slog: every category logs through one
// handler, with its own level (default Info) and a "category" attribute. It
// is safe for concurrent use.
type Tracing struct {
	handler slog.Handler
	mu      sync.Mutex
	levels  map[Category]*slog.LevelVar
	loggers map[Category]*slog.Logger
}

// NewTracing returns a Tracing writing to h (slog.Default's handler when h is
// nil).
func NewTracing(h slog.Handler) *Tracing {
	if h == nil {
		h = slog.Default().Handler()
	}
	return &Tracing{handler: h, levels: map[Category]*slog.LevelVar{}, loggers: map[Category]*slog.Logger{}}
}

func (t *Tracing) level(c Category) *slog.LevelVar {
	lv, ok := t.levels[c]
	if !ok {
		lv = new(slog.LevelVar)
		t.levels[c] = lv
	}
	return lv
}

// Logger returns the logger of category c.
func (t *Tracing) Logger(c Category) *slog.Logger {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l, ok := t.loggers[c]; ok {
		return l
	}
	l := slog.New(&levelHandler{Handler: t.handler, min: t.level(c)}).With("category", string(c))
	t.loggers[c] = l
	return l
}

// SetLevel sets the level of category c.
func (t *Tracing) SetLevel(c Category, l slog.Level) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.level(c).Set(l)
}

// Level returns the level of category c.
func (t *Tracing) Level(c Category) slog.Level {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.level(c).Level()
}

// levelHandler filters by its own level before the wrapped handler's.
type levelHandler struct {
	slog.Handler
	min *slog.LevelVar
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min.Level() && h.Handler.Enabled(ctx, l)
}

func (h *levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &levelHandler{Handler: h.Handler.WithAttrs(as), min: h.min}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}

// ParseLevel reads a trace level as the settings API writes it: "debug",
// "info", "warn", "error" (any case), or "off".
func ParseLevel(s string) (slog.Level, error) {
	if strings.EqualFold(s, "off") {
		return levelOff, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, Errorf(Invalid, "trace level %q: want debug, info, warn, error or off", s)
	}
	return l, nil
}

// FormatLevel writes a level as ParseLevel reads it.
func FormatLevel(l slog.Level) string {
	if l >= levelOff {
		return "off"
	}
	return strings.ToLower(l.String())
}

// levelOff is above every level anybody logs at.
const levelOff = slog.Level(1 << 20)
