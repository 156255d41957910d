package rtpcodec

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Decoder turns the payloads of one RTP stream into 16-bit linear PCM at its
// codec's SampleRate. It holds the state of one stream and is not safe for
// concurrent use.
//
// The pipeline calls exactly one of the three methods for every stretch of
// the stream's timeline, in timeline order, so that decoder state always
// follows what the listener hears:
//
//   - Decode for every payload received;
//   - Conceal for audio that was sent but lost (a sequence-number gap);
//   - Untransmitted (ComfortNoiser) or silence for audio the sender did not
//     send (discontinuous transmission: a timestamp gap without a sequence
//     gap).
type Decoder interface {
	// Decode appends the samples of one RTP payload to dst and returns the
	// extended slice. It does not retain payload. A malformed payload
	// returns an error; whatever was decoded before the problem is still
	// appended, and the decoder stays usable.
	Decode(dst []int16, payload []byte) ([]int16, error)

	// Conceal appends exactly n samples standing in for lost audio (packet
	// loss concealment) and advances the decoder state as the codec's
	// bad-frame path does. Frame-based codecs receive multiples of their
	// frame size in practice; for other n they conceal whole frames and keep
	// or trim the remainder themselves.
	Conceal(dst []int16, n int) []int16
}

// ComfortNoiser is implemented by decoders that generate their own comfort
// noise during discontinuous transmission (G.729 Annex B). For decoders
// without it, the pipeline fills untransmitted stretches with silence, or
// with the RFC 3389 comfort noise of the stream's CN packets.
type ComfortNoiser interface {
	// Untransmitted appends exactly n samples for frames the sender chose
	// not to transmit, advancing the decoder state as the codec's DTX path
	// does.
	Untransmitted(dst []int16, n int) []int16
}

// Codec describes one audio codec as RTP carries it.
type Codec struct {
	// Name is the encoding name of an SDP rtpmap, in upper case ("PCMU",
	// "G722").
	Name string
	// PayloadType is the static RTP payload type of RFC 3551, or -1 when the
	// codec only has dynamic payload types.
	PayloadType int
	// ClockRate is the RTP timestamp rate (8000 for G.722, per RFC 3551,
	// although its audio is sampled at 16 kHz).
	ClockRate int
	// SampleRate is the rate of the PCM the decoder produces.
	SampleRate int
	// FrameSamples is the number of samples of one codec frame at
	// SampleRate, or 0 for sample-based codecs (G.711, G.722).
	FrameSamples int
	// NewDecoder returns a decoder for one stream. fmtp holds the SDP fmtp
	// parameters of the payload type ("annexb=no"), or "" when there are
	// none.
	NewDecoder func(fmtp string) (Decoder, error)
	// Ticks returns how many RTP clock ticks one payload covers (G.711: one
	// per byte; G.729: 80 per 10-byte frame and per SID frame), without
	// decoding it; the pipeline uses it for stream durations. When nil, the
	// pipeline estimates it from the timestamp increments of the stream.
	Ticks func(payload []byte) int
}

// SamplesPerTick returns SampleRate/ClockRate as a ratio, for converting RTP
// timestamp units to samples: samples = ticks * num / den.
func (c Codec) SamplesPerTick() (num, den int) {
	return c.SampleRate, c.ClockRate
}

func (c Codec) String() string { return fmt.Sprintf("%s/%d", c.Name, c.ClockRate) }

// Registry maps encoding names and static payload types to codecs, in the
// spirit of database/sql.Register: registering a duplicate panics, because it
// is a programming error. A Registry is safe for concurrent use.
//
// DefaultRegistry returns one holding every codec this module implements;
// NewRegistry builds one from an explicit list, for programs that want a
// different set (or a codec configured differently).
type Registry struct {
	mu     sync.RWMutex
	byName map[string]Codec // key: upper-case name + "/" + clock rate
	byPT   map[int]Codec
}

// NewRegistry returns a registry holding the given codecs.
func NewRegistry(codecs ...Codec) *Registry {
	r := &Registry{byName: map[string]Codec{}, byPT: map[int]Codec{}}
	for _, c := range codecs {
		r.Register(c)
	}
	return r
}

func nameKey(name string, clockRate int) string {
	return fmt.Sprintf("%s/%d", strings.ToUpper(name), clockRate)
}

// Register adds c. It panics when c is incomplete, or when its name and clock
// rate or its static payload type are already registered.
func (r *Registry) Register(c Codec) {
	if c.Name == "" || c.ClockRate <= 0 || c.SampleRate <= 0 || c.NewDecoder == nil {
		panic("rtpcodec: Register of incomplete codec " + c.Name)
	}
	c.Name = strings.ToUpper(c.Name)
	r.mu.Lock()
	defer r.mu.Unlock()
	key := nameKey(c.Name, c.ClockRate)
	if _, dup := r.byName[key]; dup {
		panic("rtpcodec: Register called twice for " + key)
	}
	if c.PayloadType >= 0 {
		if old, dup := r.byPT[c.PayloadType]; dup {
			panic(fmt.Sprintf("rtpcodec: static payload type %d registered for %s and %s", c.PayloadType, old.Name, c.Name))
		}
		r.byPT[c.PayloadType] = c
	}
	r.byName[key] = c
}

// Lookup finds a codec by SDP encoding name (case-insensitive) and RTP clock
// rate.
func (r *Registry) Lookup(name string, clockRate int) (Codec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.byName[nameKey(name, clockRate)]
	return c, ok
}

// Static finds a codec by its static payload type (RFC 3551), the fallback
// when no SDP describes a stream.
func (r *Registry) Static(pt uint8) (Codec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.byPT[int(pt)]
	return c, ok
}

// Codecs returns the registered codecs sorted by name.
func (r *Registry) Codecs() []Codec {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Codec, 0, len(r.byName))
	for _, c := range r.byName {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
