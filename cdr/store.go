package cdr

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// Entry is a CDR as stored: the parsed record (with its Key and Raw bytes)
// and when the service accepted it.
type Entry struct {
	CDR      CDR
	Received time.Time // kept to the millisecond at least
}

// A Store keeps CDRs durably. Implementations live in adapters/ and run the
// conformance suite cdrtest.TestStore; they must be safe for concurrent use.
type Store interface {
	// PutIfAbsent stores, in one atomic and durable step, each entry whose
	// CDR.Key is not stored yet, and reports which ones it added, in the
	// order given. An entry whose key repeats an earlier one of the same call
	// is not added. It returns without error only once the added entries
	// would survive a crash. The Store keeps no reference to entries.
	PutIfAbsent(ctx context.Context, entries []Entry) (added []bool, err error)
	// ByConf returns the stored entries any of whose events carries the
	// conference GUID conf (compared without regard to case; see CDR.Confs),
	// in the order they were added. No match is not an error.
	ByConf(ctx context.Context, conf string) ([]Entry, error)
	// List returns stored entries newest first, a page at a time.
	List(ctx context.Context, q ListQuery) (Page, error)
}

// Paging bounds of ListQuery.Limit.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// ListQuery asks for one page of Store.List.
type ListQuery struct {
	Limit  int    // entries per page; 0 means DefaultListLimit, at most MaxListLimit
	Cursor string // Page.Next of the previous page; empty for the first
}

// EffectiveLimit returns the page size a Store applies for q.
func (q ListQuery) EffectiveLimit() int {
	switch {
	case q.Limit <= 0:
		return DefaultListLimit
	case q.Limit > MaxListLimit:
		return MaxListLimit
	}
	return q.Limit
}

// Page is one page of Store.List.
type Page struct {
	Entries []Entry
	Next    string // cursor of the next page; empty on the last
}

// Unmarshal parses raw, the exact bytes of one <cdr> element as kept in
// CDR.Raw, back into a CDR: stores that keep only Raw use it on reading.
func Unmarshal(raw []byte) (CDR, error) {
	// raw passed the limits in force when it was stored; bound only by itself.
	n := len(raw) + 1
	lim := Limits{MaxBytes: int64(n), MaxCDRBytes: n, MaxDepth: n, MaxAttrs: n, MaxAttrLen: n}
	d := NewDecoder(bytes.NewReader(raw), lim)
	var c CDR
	if err := d.Decode(&c); err != nil {
		return CDR{}, fmt.Errorf("cdr: unmarshal stored CDR: %w", err)
	}
	return c, nil
}
