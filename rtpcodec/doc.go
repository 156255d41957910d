// Package rtpcodec turns RTP streams into PCM: the codec registry and the
// Decoder interface that codecs implement, RTP header parsing and port-
// agnostic RTP detection, RFC 4733 telephone events and RFC 3389 comfort
// noise.
//
// Codecs live in subpackages that do not import this one (g711, g722, g729)
// and satisfy Decoder structurally; DefaultRegistry wires them in, and a
// codec can always be used directly without a registry. To add a codec,
// register a Codec in DefaultRegistry (default.go) with its static payload
// type, RTP clock rate, output sample rate and, when it can say so cheaply,
// Ticks.
//
// The rest of the pipeline lives in subpackages of one purpose each: jitter
// (the reorder buffer), sdp and sip (signalling), resample (8 → 16 kHz),
// mix (the stereo timeline), wav (the streaming writer), convert (the PCAP
// → WAV conversion, the public entry point) and callgen (synthetic calls
// for tests).
package rtpcodec
