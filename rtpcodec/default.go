package rtpcodec

import "github.com/f0fce437/callrec/rtpcodec/g711"

// DefaultRegistry returns a new registry holding every codec this module
// implements. Each call returns a fresh registry, so callers may register
// more codecs in theirs without affecting others.
func DefaultRegistry() *Registry {
	return NewRegistry(G711(g711.ALaw), G711(g711.MuLaw))
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
