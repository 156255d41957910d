package rtpcodec

import (
	"github.com/f0fce437/callrec/rtpcodec/g711"
	"github.com/f0fce437/callrec/rtpcodec/g722"
	"github.com/f0fce437/callrec/rtpcodec/g729"
)

// DefaultRegistry returns a new registry holding every codec this module
// implements: PCMA, PCMU, G.722 (64 kbit/s) and G.729 (main body with
// Annex B). Each call returns a fresh registry, so callers may register
// more codecs in theirs without affecting others.
func DefaultRegistry() *Registry {
	return NewRegistry(G711(g711.ALaw), G711(g711.MuLaw), G722(), G729(g729.Config{}))
}

// G711 describes G.711 with the given law (PCMA, payload type 8, or PCMU,
// payload type 0).
func G711(law g711.Law) Codec {
	pt := g711.PayloadTypePCMA
	if law == g711.MuLaw {
		pt = g711.PayloadTypePCMU
	}
	return Codec{
		Name:        law.String(),
		PayloadType: pt,
		ClockRate:   g711.ClockRate,
		SampleRate:  g711.ClockRate,
		NewDecoder: func(string) (Decoder, error) {
			return g711.NewDecoder(law), nil
		},
		Ticks: func(p []byte) int { return len(p) },
	}
}

// G722 describes G.722 at 64 kbit/s: payload type 9, "G722/8000" although
// its audio is 16 kHz (one timestamp unit per octet, two samples).
func G722() Codec {
	return Codec{
		Name:        g722.EncodingName,
		PayloadType: g722.PayloadType,
		ClockRate:   g722.ClockRate,
		SampleRate:  g722.SampleRate,
		NewDecoder: func(string) (Decoder, error) {
			return g722.NewDecoder(g722.Mode64), nil
		},
		Ticks: func(p []byte) int { return len(p) },
	}
}

// G729 describes G.729 (payload type 18) decoded as cfg says. SID frames
// are decoded whatever the fmtp's annexb says, since senders do not always
// honour it; timestamp gaps are the decoder's comfort noise (it is a
// ComfortNoiser).
func G729(cfg g729.Config) Codec {
	return Codec{
		Name:         g729.EncodingName,
		PayloadType:  g729.PayloadType,
		ClockRate:    g729.ClockRate,
		SampleRate:   g729.SampleRate,
		FrameSamples: g729.FrameSamples,
		NewDecoder: func(string) (Decoder, error) {
			return g729.NewDecoder(cfg)
		},
		Ticks: func(p []byte) int {
			speech, sid, _ := g729.PayloadFrames(len(p))
			if sid {
				speech++
			}
			return speech * g729.FrameSamples
		},
	}
}
