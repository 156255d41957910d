package callgen

import (
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/f0fce437/callrec/rtpcodec/g722"
)

// Encoder turns PCM into an RTP payload. Encode appends the payload for
// pcm (one packet's samples) to dst.
type Encoder interface {
	Encode(dst []byte, pcm []int16) []byte
}

// Codec describes the codec of a generated stream.
type Codec struct {
	// Name is the SDP encoding name ("PCMA").
	Name        string
	PayloadType uint8
	// ClockRate is the RTP clock; SampleRate the rate of the PCM the
	// encoder takes (16000 for G.722, whose RTP clock is 8000).
	ClockRate, SampleRate int
	// NewEncoder returns an encoder for one stream.
	NewEncoder func() Encoder
	// Fmtp is the SDP fmtp value, if any.
	Fmtp string
}

// PCMA is G.711 A-law, payload type 8.
func PCMA() Codec {
	return Codec{Name: "PCMA", PayloadType: 8, ClockRate: 8000, SampleRate: 8000,
		NewEncoder: func() Encoder { return g711.NewEncoder(g711.ALaw) }}
}

// PCMU is G.711 µ-law, payload type 0.
func PCMU() Codec {
	return Codec{Name: "PCMU", PayloadType: 0, ClockRate: 8000, SampleRate: 8000,
		NewEncoder: func() Encoder { return g711.NewEncoder(g711.MuLaw) }}
}

// G722 is G.722 at 64 kbit/s, payload type 9: 16 kHz audio on an 8000 Hz
// RTP clock.
func G722() Codec {
	return Codec{Name: g722.EncodingName, PayloadType: g722.PayloadType, ClockRate: g722.ClockRate, SampleRate: g722.SampleRate,
		NewEncoder: func() Encoder { return g722.NewEncoder() }}
}
