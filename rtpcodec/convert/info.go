package convert

import (
	"errors"
	"time"
)

// Errors for the failure cases of the contract. Convert and Inspect wrap
// them with the details; branch with errors.Is.
var (
	// ErrEmpty: the file holds no bytes.
	ErrEmpty = errors.New("empty file")
	// ErrNotCapture: the file is not a pcap or pcapng capture (or its
	// header is corrupt).
	ErrNotCapture = errors.New("not a packet capture")
	// ErrNoAudio: the capture holds no RTP audio packets (telephone events,
	// comfort noise and RTCP are not audio).
	ErrNoAudio = errors.New("no RTP audio in the capture")
	// ErrNotDecodable: there is audio, but no stream is in a supported
	// codec. Convert returns the Info along with it.
	ErrNotDecodable = errors.New("no audio stream in a supported codec")
)

// Direction names of Stream.Direction.
const (
	Local  = "local"
	Remote = "remote"
)

// Info describes a capture's audio streams. It marshals to the JSON that
// pcap2wav -info prints: {"streams":[...],"warnings":[...]}.
type Info struct {
	Streams  []Stream `json:"streams"`
	Warnings []string `json:"warnings"`

	// SampleRate of the recording (8000, or 16000 when a stream is
	// wideband) and its channel count (2, or 1 for a mono mix).
	SampleRate int `json:"-"`
	Channels   int `json:"-"`
	// Frames is the length of the recording in samples per channel, and
	// Duration the same as a time.
	Frames   int64         `json:"-"`
	Duration time.Duration `json:"-"`
	// Codecs lists the distinct codec names of the audio streams.
	Codecs []string `json:"-"`
	// Start is the capture time of sample 0: the earliest audio packet
	// (not the signalling that may precede it), in UTC.
	Start time.Time `json:"-"`
}

// Stream is one stream segment: the packets of one 5-tuple and SSRC between
// discontinuities.
type Stream struct {
	Direction   string  `json:"direction"`
	Src         string  `json:"src"`
	Dst         string  `json:"dst"`
	SSRC        uint32  `json:"ssrc"`
	PayloadType int     `json:"payload_type"`
	Codec       string  `json:"codec"`
	ClockRate   int     `json:"clock_rate"`
	Packets     int     `json:"packets"`
	Lost        int     `json:"lost"`
	Duplicates  int     `json:"duplicates"`
	Late        int     `json:"late"`
	JitterMs    float64 `json:"jitter_ms"`
	StartMs     float64 `json:"start_ms"`
	DurationMs  float64 `json:"duration_ms"`
	DTMF        string  `json:"dtmf"`
	DTMFEvents  []DTMF  `json:"dtmf_events"`

	// Decodable reports whether the stream's codec is in the registry.
	Decodable bool `json:"-"`
}

// DTMF is one RFC 4733 telephone event of a stream.
type DTMF struct {
	Digit      string  `json:"digit"`
	StartMs    float64 `json:"start_ms"`
	DurationMs float64 `json:"duration_ms"`
}
