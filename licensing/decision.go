package licensing

import (
	"errors"
	"time"
)

// State is the licensing state of a recording.
type State string

// The states of a recording.
const (
	// Accessible: its owner holds a licence; the owner can list, play and
	// download it.
	Accessible State = "accessible"
	// Unlicensed: its owner holds no licence; it is kept but closed (admins
	// see its metadata, nobody gets its audio). In group mode it is deleted
	// 24 h after it became unlicensed unless protected or licensed again.
	Unlicensed State = "unlicensed"
	// Ownerless: it has no owner (CDR pending, or no user known); it needs
	// no licence, is visible to admins only and is never deleted by
	// licensing.
	Ownerless State = "ownerless"
	// Deleted: licensing deleted it (group mode grace expired), or it was
	// deleted by a user or by retention. The engine forgets deleted
	// recordings, so it reports this state only in decisions.
	Deleted State = "deleted"
)

// Kind says what a Decision is about.
type Kind string

// The kinds of decision.
const (
	// KindClaim: User got a licence.
	KindClaim Kind = "claim"
	// KindRelease: User lost the licence.
	KindRelease Kind = "release"
	// KindState: Recording (owned by User, "" for none) is now in State:
	// Accessible, Unlicensed or Ownerless. Emitted when a recording is
	// created, when its owner is set and whenever a claim or release
	// changes its state.
	KindState Kind = "state"
	// KindDelete: Recording (owned by User) must be deleted now, physically
	// and irrecoverably: it stayed unlicensed for 24 h in group mode. The
	// engine has already forgotten it.
	KindDelete Kind = "delete"
)

// Mode is the licensing mode.
type Mode string

// The modes.
const (
	// ModeOpen: no recordings group is set; every user on the PBX is
	// eligible and unlicensed recordings are kept.
	ModeOpen Mode = "open"
	// ModeGroup: a recordings group is set; only its members are eligible
	// and unlicensed recordings are deleted after 24 h.
	ModeGroup Mode = "group"
)

// Decision is one consequence of an event, in the order the engine took
// them. Reason is an English sentence for admins and the audit log.
type Decision struct {
	Kind      Kind      `json:"kind"`
	User      string    `json:"user,omitempty"`
	Recording string    `json:"recording,omitempty"`
	State     State     `json:"state,omitempty"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason"`
}

// Recording is a recording as the engine needs to know it.
type Recording struct {
	// ID identifies the recording; it must not be empty.
	ID string `json:"id"`
	// Owner is the user name of the owner, "" for none.
	Owner string `json:"owner,omitempty"`
	// Created is the upload completion: the recording's creation time for
	// licensing, also when the owner is only known later.
	Created time.Time `json:"created"`
	// Owned is when Owner was set, if that was after Created (CDR
	// correlation can name the owner later); zero means Created. A
	// recording cannot become unlicensed before it has an owner, so its
	// group mode grace counts from max(Created, Owned). Only Load reads it:
	// AddRecording and SetOwner take the engine's clock.
	Owned time.Time `json:"owned,omitzero"`
	// Protected recordings are never deleted.
	Protected bool `json:"protected,omitempty"`
}

// Holder is a user holding a licence.
type Holder struct {
	User      string    `json:"user"`
	ClaimedAt time.Time `json:"claimed_at"`
}

// Errors returned by the engine, wrapped with the names that explain them;
// test with errors.Is.
var (
	// ErrInvalid: an empty name or ID, a negative licence count, or a
	// snapshot that does not describe a state the engine can reach.
	ErrInvalid = errors.New("licensing: invalid input")
	// ErrDuplicate: a recording ID that is already known.
	ErrDuplicate = errors.New("licensing: duplicate recording")
	// ErrUnknown: a recording ID that is not known (never created, or
	// deleted).
	ErrUnknown = errors.New("licensing: unknown recording")
	// ErrProtected: deleting a protected recording; unprotect it first.
	ErrProtected = errors.New("licensing: recording is protected")
	// ErrClockBackwards: Advance to a time before the engine's clock.
	ErrClockBackwards = errors.New("licensing: clock going backwards")
	// ErrVersion: a snapshot of a version this engine does not read.
	ErrVersion = errors.New("licensing: unsupported snapshot version")
)
