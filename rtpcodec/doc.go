// Package rtpcodec turns RTP streams into PCM: the codec registry and the
// Decoder interface that codecs implement, RTP stream tracking and jitter
// reordering, and SIP/SDP parsing for payload-type mapping.
//
// Codecs live in subpackages that do not import this one (g711, g722, g729);
// DefaultRegistry wires them in. A codec can always be used directly without
// a registry.
package rtpcodec
