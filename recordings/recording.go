package recordings

import (
	"encoding/json"
	"time"
)

// Status is where a recording is in its life:
//
//	receiving ─► stored ─► converting ─► ready
//	                            └──────► failed (Failure says why)
//
// A ready or failed recording goes back to stored when it is converted again
// (a repeated upload, or a better decoder).
type Status string

// Statuses.
const (
	StatusReceiving  Status = "receiving"  // the first upload is still streaming
	StatusStored     Status = "stored"     // the pcap is stored; a conversion job is queued
	StatusConverting Status = "converting" // a worker is converting it
	StatusReady      Status = "ready"      // the WAV is there
	StatusFailed     Status = "failed"     // the pcap is kept, but it did not convert
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusReceiving, StatusStored, StatusConverting, StatusReady, StatusFailed:
		return true
	}
	return false
}

// Direction of a call from the recording owner's point of view.
type Direction string

// Directions. The zero value means not known (no call info yet).
const (
	DirectionUnknown  Direction = ""
	DirectionIn       Direction = "in"
	DirectionOut      Direction = "out"
	DirectionInternal Direction = "internal"
)

// Valid reports whether d is one of the directions above.
func (d Direction) Valid() bool {
	switch d {
	case DirectionUnknown, DirectionIn, DirectionOut, DirectionInternal:
		return true
	}
	return false
}

// CallState says whether a recording has its call information.
type CallState string

// Call states.
const (
	// CallPending: no CDR yet and still within the wait; no owner; visible
	// to admins only and not yet subject to licensing.
	CallPending CallState = "pending"
	// CallCDR: call information from a CDR is attached.
	CallCDR CallState = "cdr"
	// CallNoCDR: no CDR arrived within the wait; the owner, if any, comes
	// from the registration name. A late CDR still attaches.
	CallNoCDR CallState = "nocdr"
)

// BlobRef names a blob of a recording in the BlobStore.
type BlobRef struct {
	Key    string // empty when there is no such blob
	Size   int64
	SHA256 string // hex
}

// StreamStats are the reception statistics of one direction of a call.
type StreamStats struct {
	Direction  string  `json:"direction"` // "local" or "remote"
	Codec      string  `json:"codec"`
	Packets    int64   `json:"packets"`
	Lost       int64   `json:"lost"`
	Duplicates int64   `json:"duplicates"`
	Late       int64   `json:"late"`
	JitterMS   float64 `json:"jitter_ms"`
}

// Media describes the audio of a converted recording, from the Converter.
type Media struct {
	Codecs   []string      // codec names in order of appearance
	Duration time.Duration // of the WAV
	Stats    []StreamStats // one entry per direction found
	// Streams is the converter's per-stream detail, kept verbatim for the
	// detail view: a JSON array of stream objects (pcapconv stores them as
	// pcap2wav -info prints them under "streams"). Recordings converted
	// before hold the whole info object {"streams":[...],"warnings":[...]}
	// instead; readers take both.
	Streams json.RawMessage
	// Warnings are the converter's warnings about the capture.
	Warnings []string
	// CaptureStart is the capture time of the first audio packet (sample 0
	// of the WAV), or zero.
	CaptureStart time.Time
}

// Recording is one recorded call: the original pcap (the source of truth),
// the WAV derived from it, and what is known about the call.
type Recording struct {
	ID       string
	FileName string   // the name as uploaded (URL-encoded as sent)
	Name     FileName // its parts, when it follows the grammar

	UploadStarted   time.Time
	UploadCompleted time.Time // zero while receiving; a repeated upload moves it
	// Created is when the recording's first upload completed (or was cut
	// short): its creation for licensing, which serves licences first
	// come, first served. A repeated upload of the same name replaces the
	// pcap and moves UploadCompleted but never Created, so that uploading
	// again cannot make a recording younger and reorder the claims.
	Created time.Time
	PCAP    BlobRef
	WAV     BlobRef
	Partial bool // the upload did not complete; converted as far as readable

	Status  Status
	Failure string // why it failed, when Status is StatusFailed
	Media   Media

	CallState CallState
	Owner     string // a user name, or "" when nobody owns it (yet)
	// OwnerSet is when Owner was last set (by call information or the
	// NoCDR fallback); zero while it never was.
	OwnerSet     time.Time
	RemoteName   string
	RemoteNumber string
	Direction    Direction
	External     bool
	// Start is when the call started, the first known of: the CDR's utc
	// (CDRStart), the capture time of the first audio packet once
	// converted (Media.CaptureStart), the upload start. It is derived
	// (SetStart) whenever one of them changes, so it only ever improves:
	// a CDR without utc attached before the conversion no longer pins it
	// to the upload time.
	Start time.Time
	// CDRStart is the utc of the CDR the call info came from, zero when it
	// had none or there is no CDR.
	CDRStart time.Time
	// TalkTime is how long the parties talked by the CDR (first connect to
	// first release of the owner's leg); zero without a CDR.
	TalkTime time.Duration
	CDRRef   string // identifies the CDR(s) the call info came from

	Protected  bool
	Unlicensed bool // the owner holds no licence: listed to admins only, media refused
}

// Pending reports whether the recording still waits for its CDR.
func (r *Recording) Pending() bool { return r.CallState == CallPending }

// NoCDR reports whether the wait for a CDR ran out without one.
func (r *Recording) NoCDR() bool { return r.CallState == CallNoCDR }

// Accessible reports whether its media may be opened (by its owner or an
// admin): exactly while it is licensed.
func (r *Recording) Accessible() bool { return !r.Unlicensed }

// SetStart derives Start from its sources by the rule documented on it.
func (r *Recording) SetStart() {
	switch {
	case !r.CDRStart.IsZero():
		r.Start = r.CDRStart.UTC()
	case !r.Media.CaptureStart.IsZero():
		r.Start = r.Media.CaptureStart.UTC()
	default:
		r.Start = r.UploadStarted.UTC()
	}
}

// Clone returns a deep copy of r.
func (r *Recording) Clone() *Recording {
	c := *r
	c.Media.Codecs = append([]string(nil), r.Media.Codecs...)
	c.Media.Stats = append([]StreamStats(nil), r.Media.Stats...)
	c.Media.Streams = append(json.RawMessage(nil), r.Media.Streams...)
	c.Media.Warnings = append([]string(nil), r.Media.Warnings...)
	return &c
}

// Note is a text an actor attached to a recording.
type Note struct {
	ID          int64 // assigned by the Store
	RecordingID string
	Author      string
	Time        time.Time
	Text        string
}

// Job is a durable request to convert a recording's pcap. At most one job
// exists per recording; it is written in the same transaction that commits
// the upload and deleted in the one that records the result.
type Job struct {
	RecordingID string
	Created     time.Time
}

// Upload is a durable record of an upload in flight: the staged blob it
// streams into. After a crash, every Upload left over is recovered.
type Upload struct {
	ID          string
	RecordingID string
	FileName    string
	BlobKey     string
	Started     time.Time
}
