// Package g729 decodes ITU-T G.729 speech (CS-ACELP, 8 kbit/s), with the
// full-complexity decoder of the main body (the default) or the
// reduced-complexity decoder of Annex A (Config.Variant), both with the
// comfort-noise generation of Annex B, bit-exactly as the Recommendation's
// normative fixed-point descriptions do.
//
// The package is self-contained (it does not import rtpcodec) so that
// rtpcodec's default registry can import it. A *Decoder satisfies
// rtpcodec.Decoder and rtpcodec.ComfortNoiser structurally:
//
//   - Decode takes one RTP payload (RFC 3551 §4.5.6): N 10-byte speech frames,
//     optionally followed by one 2-byte SID frame;
//   - Conceal runs erased frames through the Recommendation's bad-frame path;
//   - Untransmitted produces the comfort noise of Annex B for frames the
//     sender did not transmit (DTX).
//
// The frame-level API (DecodeFrame, and SerialReader for the ITU serial
// bit-stream format of the test vectors) distinguishes speech, SID,
// untransmitted and erased frames explicitly.
//
// # Structure
//
// The decoder is a pipeline of named stages, each in its own file:
// bit-stream unpacking and the pitch parity check (bitstream.go), LSP
// decoding with MA prediction and stability enforcement, interpolation and
// LSP→LPC conversion (lsp.go), the adaptive codebook with 1/3-resolution
// fractional pitch (pitch.go), the algebraic fixed codebook (acelp.go), gain
// decoding with MA gain prediction (gain.go), the synthesis filter with its
// overflow rescaling (synth.go), the post-filter (postfilter.go), the
// high-pass post-processing (postproc.go) and Annex B's SID decoding and
// comfort-noise excitation (cng.go). The saturating 16/32-bit operators of
// the fixed-point description are in basicop.go and the normative tables in
// tables.go.
//
// The Annex A decoder shares every stage but two with the main body: its
// post-filter (postfilter_a.go: a long-term post-filter searching integer
// delays around each subframe's own lag, a pre-emphasis tilt compensation
// and an energy-based gain control) and its concealment of erased frames
// (excited by both codebooks, without the main body's voicing decision).
// Both decode the same bit stream and differ only a little: the SNR between
// their outputs is 22–29 dB on speech.
//
// # Conformance and robustness
//
// The output is bit-exact with the ITU-T reference decoders on every vector
// of the G.729 Release 2 package (main body, Annex A, and with Annex B
// tstseq1–6 for each) and on the derived call streams of the shared
// corpus; the conformance tests read them through internal/corpus. Any bit
// pattern decodes without panicking (fuzzed, both variants). The one place
// where the reference is undefined — a post-filter pitch lag of 144,
// reachable only through a second-subframe index no encoder emits — is
// limited to 143.
//
// # Speed
//
// The reference evaluates every sum as a chain of saturating operations.
// The filters here take plain integer arithmetic whenever a bound proves
// that no step of the chain can saturate (Σ|a|·max|x| < 2^31, or a
// justified signal), which is nearly always, and the exact chain
// otherwise; kernels_test.go compares each of them with the chain on
// random and extreme inputs. Signals are 16-bit values held in int64
// arrays, which Go indexes in one instruction, and two 32-bit sums often
// share one 64-bit multiply as the two lanes of a "pair" (vector.go).
// docs/performance.md has the figures.
//
// # Allocation and concurrency
//
// A Decoder holds the state of one stream in fixed-size arrays and does not
// allocate per frame. It is not safe for concurrent use; use one Decoder
// per stream.
package g729
