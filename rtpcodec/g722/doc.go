// Package g722 is the ITU-T G.722 wideband audio codec (7 kHz audio at
// 16 kHz sampling in 64 kbit/s, sub-band ADPCM): a decoder for the three
// modes of operation (64, 56 and 48 kbit/s of audio) and an encoder, in pure
// Go, bit-exact with the Recommendation's fixed-point description.
//
// Bit-exactness is tested against the ITU-T test sequences: those of
// Appendix II, which drive the sub-band encoders and decoders without the
// QMF, in every mode; the speech sequences of the ITU-T Software Tool
// Library through the whole encoder and decoder (QMF included); and an STL
// decode of a real stream whose output saturates at one sample, where some
// other decoders wrap around instead.
//
// # Use
//
// A Decoder holds the state of one stream: Decode appends two 16 kHz samples
// per payload octet, Conceal stands in for lost octets. It satisfies the
// rtpcodec.Decoder interface without importing rtpcodec, so that rtpcodec's
// registry can import this package. An Encoder turns 16 kHz samples into
// octets, one per pair of samples. Neither is safe for concurrent use; both
// append to the caller's slice and allocate only when it lacks capacity.
//
// # RTP
//
// RFC 3551 gives G.722 the static payload type 9 and, by an erratum kept for
// compatibility, an RTP clock of 8000 Hz ("G722/8000" in SDP) although the
// audio is sampled at 16 kHz. One timestamp unit is therefore one octet and
// two samples: a 20 ms packet carries 160 octets, spans 160 timestamp units
// and decodes to 320 samples. The constants PayloadType, EncodingName,
// ClockRate, SampleRate and SamplesPerOctet say so for whoever registers the
// codec. RTP always carries mode 1 (64 kbit/s).
//
// # Structure
//
// The code follows the blocks of the Recommendation: tables.go holds its
// numeric tables (quantiser decision levels and output levels, scale-factor
// multipliers, QMF coefficients), band.go the sub-band blocks (1L/1H
// quantisers, 2L/2H and 5L inverse quantisers, 3L/3H scale-factor
// adaptation, block 4 predictor update, 6L limiter), qmf.go the transmit and
// receive quadrature mirror filters. State lives in fixed-size arrays. The
// hot path is written for speed where the Recommendation's arithmetic
// allows (branch-free sign tests, saturation only where a value can
// overflow, checked plain sums), and band_internal_test.go checks it against
// a plain transcription of block 4 on random states, extremes included.
//
// # Packet-loss concealment
//
// G.722 defines none in its main body. Decoder.Conceal works on the output,
// in the spirit of G.711 Appendix I:
//
//   - At the start of a loss it finds the pitch period of the last 40 ms of
//     output (the lag of 5 to 20 ms with the highest normalised
//     cross-correlation over 20 ms) and repeats the last period: at full
//     level for 10 ms, then fading out linearly over 20 ms, then silence.
//     A decoder that has produced nothing yet conceals with silence.
//   - The ADPCM and QMF state is left as it was before the loss. For a
//     talker whose sound goes on, it is the best available guess of the far
//     end's state, and G.722's leaky adaptation pulls any mismatch back
//     within a few tens of milliseconds. (Re-encoding the concealed audio
//     into the state, as G.722 Appendix III does, and resetting the
//     predictor were both tried: on tones, both recovered with more
//     overshoot.)
//   - When decoding resumes, the decoded audio fades in over 5 ms against
//     the repetition, which goes on at its fading level, so that the seam
//     does not click; and for 20 ms it is limited (instant attack, release
//     over about 4 ms) to the peak level of the audio before the loss, so
//     that a decoder state that no longer matches the far end's cannot
//     overshoot.
//
// The tests check, for losses of 20 to 400 ms in tones of 220 Hz to
// 3.1 kHz, that no 10 ms window is louder than the tone, that the first
// 20 ms after the loss do not exceed the tone's peak, that no step between
// samples is much larger than the tone's own (nor, for low tones, as large
// as cutting to silence makes), and that the level is back within 10 % 100 ms
// after the loss.
package g722
