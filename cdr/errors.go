package cdr

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is. Errors returned by the
// Decoder wrap one of them in a *ParseError that says where.
var (
	// ErrMalformed: the input is not well-formed XML (or not XML at all).
	ErrMalformed = errors.New("malformed XML")
	// ErrTooLarge: the input, or one <cdr> element, exceeds its byte limit.
	ErrTooLarge = errors.New("input too large")
	// ErrLimit: the input exceeds a structural limit (nesting depth,
	// attribute count or attribute length).
	ErrLimit = errors.New("input exceeds a limit")
	// ErrInvalid: well-formed XML whose CDR attributes have impossible
	// values (a utc, time, cause or seq that is not an integer).
	ErrInvalid = errors.New("invalid CDR")
	// ErrNoCDR: a body holds no <cdr> element at all.
	ErrNoCDR = errors.New("no <cdr> element")
)

// A ParseError says where reading CDRs failed and why. Err wraps one of the
// sentinel errors (ErrMalformed, ErrTooLarge, ErrLimit, ErrInvalid) or, when
// the underlying reader failed, that reader's error.
type ParseError struct {
	Line   int   // 1-based line where reading stopped
	Column int   // 1-based column (in bytes) where reading stopped
	Offset int64 // bytes consumed from the input
	CDR    int   // 1-based index of the <cdr> element being read; 0 outside one
	Err    error
}

// Error says where reading stopped and why.
func (e *ParseError) Error() string {
	where := fmt.Sprintf("line %d, column %d (byte %d)", e.Line, e.Column, e.Offset)
	if e.CDR > 0 {
		where += fmt.Sprintf(", in <cdr> #%d", e.CDR)
	}
	return "cdr: " + where + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
