// Package g711 implements ITU-T G.711 A-law and µ-law: decoders for RTP
// payload types 8 (PCMA) and 0 (PCMU), encoders for building test fixtures,
// and a simple packet-loss concealment.
//
// The code words are those of ITU-T G.191's reference implementation (the
// "STL"), so decoding and encoding are bit-exact with its sweep vectors: a
// decoded sample is the 16-bit left-justified linear value (A-law code 0x2A
// decodes to -32256, µ-law 0x00 to -32124). Both directions are table
// lookups (256 entries to decode; 8192 or 16384 to encode), computed once from
// the Recommendation's segment rules when the package is loaded.
//
// # Concealment
//
// Decoder.Conceal fills lost audio by repeating the last pitch period of the
// audio decoded before the loss (found by autocorrelation over 5–15 ms lags),
// at full level for the first 10 ms, then fading linearly to silence at
// 60 ms; longer losses continue as silence. This follows the idea of G.711
// Appendix I (pitch-period repetition with attenuation) without its
// overlap-add smoothing at the loss edges. Decoders carry 30 ms of history
// for it.
//
// Decoders and encoders hold per-stream state and are not safe for
// concurrent use; the tables are read-only and shared.
package g711
