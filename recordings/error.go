package recordings

import (
	"errors"
	"fmt"
	"syscall"
)

// Code classifies an Error. The HTTP layer maps each code to one status;
// clients see the code and the message, never the wrapped cause.
type Code string

// Error codes. They are a stable contract of the REST API.
const (
	Invalid             Code = "invalid"              // bad input: a name, a filter, a setting
	Unauthorized        Code = "unauthorized"         // no or wrong credentials
	Forbidden           Code = "forbidden"            // known actor, operation not allowed
	NotFound            Code = "not_found"            // no such recording (or not visible to the actor)
	Conflict            Code = "conflict"             // the recording's state does not allow it now
	Protected           Code = "protected"            // deletion refused: the recording is protected
	Unlicensed          Code = "unlicensed"           // media refused: the owner holds no licence
	TooLarge            Code = "too_large"            // upload over the configured limit
	InsufficientStorage Code = "insufficient_storage" // the disk (or bucket) is full
	Internal            Code = "internal"             // anything else; details only in the log
)

// Error is the one error type of the recordings domain: a code, a message
// fit to show to the actor, and the cause (for logs and errors.Is).
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with code and message wrapping err.
func Wrap(err error, code Code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Error returns the message and the cause, for logs; show ErrorMessage to
// clients instead.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	if e.Message == "" {
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of the first *Error in err's chain. A nil error
// has no code (""); a foreign error counts as Internal, except a full disk
// (ENOSPC, EDQUOT), which is InsufficientStorage wherever it comes from.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return InsufficientStorage
	}
	return Internal
}

// ErrorMessage returns the message to show for err: the message of its
// *Error, or "internal error" for anything else, so that no detail of a
// foreign error reaches a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal && e.Message != "" {
		return e.Message
	}
	switch ErrorCode(err) {
	case InsufficientStorage:
		return "insufficient storage"
	}
	return "internal error"
}

// notFound is the one answer for a recording that does not exist or that the
// actor may not know about: both must look the same.
func notFound(id string) *Error {
	return Errorf(NotFound, "recording %q not found", id)
}
